"""What each role says: cue patterns matched on toneless pinyin.

Patterns are written in Chinese with a small regex subset (literal characters,
``(a|b)`` alternation, ``[ab]`` sets, ``.`` any one character, and the
quantifiers ``? * + {m,n}``) and compiled to the same pattern over toneless
syllables, so ASR near-homophones (公号 for 工号, 本任 for 本人) still match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.callmeta import Role
from pipeline.speakers.pinyin import syllable, syllables

# (role, weight, pattern). Weights: 4-5 a near-certain statement of identity,
# 2-3 a strong habit of that role, 1-1.5 a weak hint. Each cue counts at most
# three times per speaker so one repeated phrase cannot outvote the rest.
CUES: tuple[tuple[Role, float, str], ...] = (
    # agent: self-introduction, company, staff number, recording notice
    ("agent", 4.0,
     "(我是|我叫|我这边是|我们是|这里是|这边是).{0,12}"
     "(专员|客服|经理|顾问|催收|外访|法务|回访|工作人员|业务员|调解员)"),
    ("agent", 3.0,
     "(我是|我们是|这里是|这边是|我这边是).{0,10}"
     "(金融|银行|公司|平台|中心|事务所|律所|分期|小贷|担保)"),
    ("agent", 3.0, "(工号|员工号|编号)"),
    ("agent", 4.0, "(本次|这次|此次|我们的)?通话.{0,4}(录音|录制)"),
    ("agent", 2.0, "(请问|问一下).{0,8}(本人|先生|女士|在家|在吗|在不在)"),
    ("agent", 2.0, "(请问)?(您|你)是.{1,5}(本人|先生|女士|小姐)(吗|嘛|是吧)"),
    ("agent", 1.5, "(跟|向|和|给)(您|你)(核实|确认|核对)|(核实|确认|核对)一下"),
    ("agent", 2.0, "(您|你)的(车贷|贷款|借款|欠款|账单|还款|合同|分期|月供|账户|逾期)"),
    ("agent", 1.5, "(已经|目前|现在)逾期|逾期.{0,3}(天|个月|了)|尽快(安排)?还款|还款日|提醒(您|你)|最低还款"),
    ("agent", 1.5,
     "收入来源|(是否|是不是)稳定|(车辆|车子|车).{0,6}(谁|使用|在用|抵押|质押)|"
     "放款金额|有没有(收到|到账)|联系方式|(住址|单位).{0,4}(变化|变动)|"
     "财务支持"),
    ("agent", 1.5,
     "打扰(您|你)了|感谢(您|你)的(配合|接听|支持)|祝(您|你).{0,4}愉快|"
     "(工作证|证件).{0,4}(给您|您看|看一下)|这是我的(工作证|证件)"),
    ("agent", 0.3, "您"),
    # borrower: identity confirmed, own loan, own money
    ("borrower", 4.0, "我就是|就是我|是我本人|我是本人|我本人|(对|嗯|是的|没错)是我|我是[^他她的]{1,3}本人"),
    ("borrower", 1.5, "我的(车|车贷|贷款|账|钱|工资|卡|还款)|我(借|贷)的"),
    ("borrower", 1.5,
     "(我|我这边|我这个月|我下个月).{0,4}(会|尽快|马上|一定|争取|保证).{0,4}(还|处理|凑|打款|转)"),
    ("borrower", 1.0, "(收到了|到账了|已经收到|没收到|钱到了)|(我|我自己)(在)?(开|用)"),
    # the borrower sets the terms of a payment himself: "下周五之前我先还两千"
    ("borrower", 1.5, "我(先|就|来|再)还"),
    # third party: not the borrower, relation stated, wrong number, relaying
    ("third_party", 5.0,
     "我是(他|她|它)的?(爱人|老婆|老公|妻子|丈夫|媳妇|太太|先生|妈|爸|母亲|父亲|儿子|女儿|哥|姐|"
     "弟|妹|家属|家人|亲戚|朋友|同事|邻居|室友|领导|老板|对象)"),
    ("third_party", 5.0,
     "打错了|打错电话|找错人|没有这个人|不认识(这个人|他|她|此人|这人)|我不是(他|她)|"
     "不是(他|她)本人|我不是.{0,4}本人|不是我的(车|贷款|电话)"),
    ("third_party", 3.0,
     "(我去|我帮你|我帮您)?(叫|喊)(他|她)|我让(他|她)|(帮|替)(你|您)转告|"
     "我转告|(他|她)(人)?(不在|出去|出门|上班去|没回来|在外地|睡了|在里屋)"),
    ("third_party", 2.0, "(跟|和|关)我(没|有什么)?关系|关我什么事|(他|她)欠的钱|(他|她)的(事|债|贷款)"),
    ("third_party", 1.5, "我们家(他|她|老公|老婆|那口子)|我家(老公|老婆|那口子|孩子)"),
    # a relative offering to help pay, or calling the borrower to the door
    ("third_party", 3.0, "(帮|替)(他|她)(还|凑|出|垫)"),
    ("third_party", 2.0, "找你(的|呢|了)|有人找(你|他|她)"),
)


@dataclass(frozen=True)
class CueHit:
    role: Role
    weight: float
    text: str  # the words in the transcript that matched


def _translate(pattern: str) -> str:
    """A Chinese cue pattern -> the same pattern over 'syl syl ' strings."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[":
            j = pattern.index("]", i)
            body = pattern[i + 1:j]
            negate = body.startswith("^")
            sylls = sorted({syllable(c) for c in body.lstrip("^")})
            alts = "|".join(re.escape(s) for s in sylls)
            out.append(f"(?!(?:{alts}) )\\S+ " if negate else f"(?:(?:{alts}) )")
            out[-1] = f"(?:{out[-1]})"
            i = j + 1
            continue
        if ch == ".":
            out.append(r"(?:\S+ )")
        elif ch == "(":
            out.append("(?:")
        elif ch in ")|?*+":
            out.append(ch)
        elif ch == "{":
            j = pattern.index("}", i)
            out.append(pattern[i:j + 1])
            i = j + 1
            continue
        else:
            out.append(f"(?:{re.escape(syllable(ch))} )")
        i += 1
    return "".join(out)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[Role, float, re.Pattern[str]], ...]:
    return tuple((role, w, re.compile(r"(?:^| )(" + _translate(p) + ")")) for role, w, p in CUES)


def find_cues(text: str) -> list[CueHit]:
    """Every cue that matches ``text``, with the original characters it matched."""
    sylls, index = syllables(text)
    if not sylls:
        return []
    joined = " ".join(sylls) + " "
    # start offset in ``joined`` of each syllable, to map a match back to characters
    starts: list[int] = []
    pos = 0
    for s in sylls:
        starts.append(pos)
        pos += len(s) + 1
    hits: list[CueHit] = []
    for role, weight, rx in _compiled():
        for m in rx.finditer(joined):
            a, b = m.start(1), m.end(1)
            first = next((k for k, st in enumerate(starts) if st >= a), None)
            last = max((k for k, st in enumerate(starts) if st < b), default=None)
            if first is None or last is None or last < first:
                continue
            hits.append(CueHit(role, weight, text[index[first]:index[last] + 1]))
    return hits
