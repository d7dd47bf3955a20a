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
    ("other", ("别人", "外人", "人家", "陌生人", "其他人", "别的人", "一个人", "买家", "客户")),
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
