"""Party slots: who holds or uses the vehicle, as a category plus the words said.

Categories follow catalogue item CB-03 (self / spouse / relative / friend /
company / other) with three holders that matter for a lien or a transfer:
pawnshop, creditor and dealer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The longest word found wins; on equal length the earlier category, so the
# specific holders (当铺, 债主) are listed before the generic person words.
_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pawnshop", ("当铺", "典当", "押车行", "押车的", "质押公司")),
    ("creditor", ("债主", "要债的", "讨债的", "放贷的", "放高利贷", "借钱给我的", "催债的",
                  "债权人", "抵债")),
    ("dealer", ("车行", "车商", "二手车", "4s店", "4S店", "经销商", "收车的", "车贩子", "中介")),
    ("company", ("公司", "单位", "老板", "厂里", "平台", "车队", "小贷", "贷款的", "金融", "银行",
                 "租车", "租赁")),
    ("spouse", ("老婆", "媳妇", "妻子", "爱人", "老公", "丈夫", "对象", "前妻", "前夫", "太太",
                "孩子他妈", "孩子他爸", "孩他妈", "孩他爸", "婆娘", "堂客", "男人", "女人")),
    ("relative", ("弟", "哥", "姐", "妹", "爸", "妈", "父亲", "母亲", "儿子", "女儿", "闺女",
                  "叔", "舅", "姑", "姨", "侄", "外甥", "表", "堂", "亲戚", "家里人", "家人",
                  "老丈人", "岳父", "岳母", "公公", "婆婆", "女婿", "儿媳", "小舅子", "连襟",
                  "爷爷", "奶奶", "外公", "外婆", "孙子", "亲家", "大伯", "伯伯")),
    ("friend", ("朋友", "哥们", "兄弟", "同学", "同事", "老乡", "发小", "熟人", "战友", "邻居")),
    ("self", ("我自己", "自己开", "我开", "本人")),
    ("other", ("别人", "外人", "人家", "陌生人", "其他人", "别的人", "一个人", "买家", "客户",
               "师傅", "司机", "租客", "房客")),
)

# The phrase after a transfer verb (卖给X, 押给X, 抵给X, 借给X) or before a use
# verb (X开, X在用, 被X开走).
_AFTER_VERB = re.compile(
    r"(?:卖|押|抵|当|转|过户|借|送|租|给|让|交|归|抵押|质押)(?:出去)?(?:给|到)(?P<p>[^，。！？,.!?；;\s]{1,8})"
)
_BY = re.compile(r"(?:被|让|叫|给|由)(?P<p>[^，。！？,.!?；;\s被让叫给由]{1,6}?)(?:开走|拖走|扣|收走|拿走|"
                 r"开着|在开|开|用|拉走|押走|弄走)")
_HOLDER = re.compile(r"(?:车|车子)?在(?P<p>[^，。！？,.!?；;\s在]{1,8}?)(?:那里|那儿|那边|手里|手上|那)")
_SUBJECT = re.compile(r"(?P<p>[^，。！？,.!?；;\s]{1,6}?)(?:在开|开着|天天开|平时开|开呢|在用|用着)")


@dataclass(frozen=True)
class PartyMatch:
    category: str
    phrase: str


def classify_party(phrase: str) -> str | None:
    """The category of the longest party word in ``phrase`` (兄弟 beats 弟)."""
    best: tuple[int, int, str] | None = None
    for order, (category, words) in enumerate(_CATEGORIES):
        for w in words:
            if w in phrase:
                key = (len(w), -order, category)
                if best is None or key > best:
                    best = key
    return best[2] if best else None


def extract_party(text: str) -> PartyMatch | None:
    """Find who got or uses the vehicle in ``text``; None when no party is named."""
    for rx in (_AFTER_VERB, _BY, _HOLDER, _SUBJECT):
        for m in rx.finditer(text):
            phrase = m.group("p")
            category = classify_party(phrase)
            if category is not None:
                return PartyMatch(category, phrase)
    # No structural cue: any party word in the clause still tells who.
    category = classify_party(text)
    if category is not None:
        return PartyMatch(category, text)
    return None


# ---- CB-03: who actually uses the vehicle, from the reply to 车现在谁在开 ----

# Values of catalogue item CB-03; the lien holders above count as "other" there.
USER_VALUES = ("self", "spouse", "relative", "friend", "company", "other")
_CLAUSES = re.compile(r"[，。！？,.!?；;…~、\s]+")
# A use verb: the clause says who drives (我老公开, 公司在用, 师傅在跑).
_USE = re.compile(r"开|用|使用|跑|拉货|拉活|接单")
# Handing the car to someone: 租给/借给/包给X, 给X开, 让X用, 叫X开走.
_HANDED = re.compile(
    r"(?:租|借|包|让|交|转|卖|押|抵|当)(?:出去)?给(?P<p>[^，。]{1,10})"
    r"|(?:给|让|叫|由)(?P<q>[^，。给让叫由]{1,8}?)(?:在|拿去|借去)?(?:开|用|使用|跑)"
)
_HANDED_NEG = re.compile(r"(?:没|没有|不|从不|不会|莫)(?:借|租|包|给|让|卖|押|抵|转)")
_GONE = re.compile(r"(?:卖|当|押|抵)(?:掉|了|出去)")
# The clause denies a use (车不是我开, 我现在不开了, 我平时也用不上): it names who is NOT
# the user.
_USE_NEG = re.compile(r"不是|(?:不|没|没有|莫|不再)(?:在|怎么|咋|太)?(?:开|用|使用|跑)"
                      r"|(?:开|用)(?:不上|不着|不了)")
# A pronoun drives (他天天用): the referent is in an earlier clause, not this one.
_PRONOUN_USE = re.compile(r"[他她](?:在|天天|平时|主要|一直|都|也|偶尔)?(?:开|用|使用|跑)")
_HOLDER_AT = re.compile(r"在(?P<p>[^，。在]{1,8}?)(?:那里|那儿|那边|手里|手上|那)")
_SELF = re.compile(r"我|俺|咱|本人")
_SELF_ALONE = re.compile(r"(?<![他她])自己")
# Someone outside family and friends (a hired driver, a tenant): "other".
_STRANGER = ("师傅", "司机", "小伙子", "租客", "人家", "别人", "外人", "陌生人", "其他人", "个人",
             "一个人", "买家", "客户", "老板")
_PRIMARY = ("主要", "基本", "一般", "平时", "都是", "一直", "天天", "大部分", "开得多", "用得多")
_SECONDARY = ("偶尔", "有时", "时不时", "周末", "顺便", "偶尔开")
_BARE_MAX = 6  # a clause with no verb counts only as a short bare answer (我表哥。)


def _user_category(phrase: str, allow_self: bool = True) -> str | None:
    category = classify_party(phrase)
    if category == "self":
        category = None  # decided below: a named other party beats 我 (我老公开)
    if category in ("pawnshop", "creditor", "dealer"):
        return "other"
    if category is not None:
        return category
    if any(w in phrase for w in _STRANGER):
        return "other"
    if allow_self and (_SELF.search(phrase) or _SELF_ALONE.search(phrase)):
        return "self"
    return None


def _clause_user(clause: str) -> tuple[str, str] | None:
    """(category, phrase) of the user one clause names, or None."""
    handed = _HANDED.search(clause)
    if handed and not _HANDED_NEG.search(clause[:handed.start() + 2]):
        phrase = handed.group("p") or handed.group("q") or ""
        return (_user_category(phrase) or "other"), phrase
    if _HANDED_NEG.search(clause):
        return None  # 没借给别人: says who does NOT have it
    if _GONE.search(clause) and not _USE_NEG.search(clause):
        return "other", clause
    if _USE.search(clause):
        if _USE_NEG.search(clause):
            return None
        category = _user_category(clause, allow_self=not _PRONOUN_USE.search(clause))
        return (category, clause) if category else None
    holder = _HOLDER_AT.search(clause)
    if holder:
        category = _user_category(holder.group("p"))
        return (category, holder.group("p")) if category else None
    if len(clause) <= _BARE_MAX and not _USE_NEG.search(clause):
        category = _user_category(clause)
        return (category, clause) if category else None
    return None


def vehicle_user(text: str) -> PartyMatch | None:
    """Who actually uses the vehicle according to a reply (CB-03 values).

    The user is whoever the reply names as driving, not whoever says 我:
    主要是我老公开 -> spouse, 我们公司在用 -> company, 车不是我开，是我一个朋友在开
    -> friend, 租给一个拉货的师傅在跑 -> other, 我自己开 -> self. A denied use
    (我现在不开了, 没借给别人) names nobody; a clause marked as the main use (主要,
    平时, 基本) beats an occasional one (偶尔, 周末); otherwise the first named user.
    """
    best: tuple[int, int, str, str] | None = None
    for order, clause in enumerate(c for c in _CLAUSES.split(text) if c):
        found = _clause_user(clause)
        if found is None:
            continue
        rank = 0 if any(w in clause for w in _PRIMARY) else \
            2 if any(w in clause for w in _SECONDARY) else 1
        key = (rank, order, found[0], found[1])
        if best is None or key[:2] < best[:2]:
            best = key
    return PartyMatch(best[2], best[3]) if best else None
