"""Amount slot: the sum a borrower promises, in yuan, from normalised text.

normalise_text has already turned 两千五 into 2500 and 三千块 into 3000块, so the
work here is to pick the number that is money and not a date, a time, a count
of days or instalments, or a phone number, and to apply 万/千 left after digits
(1.5万, 2千) or separators (2,500). A numeral run the normaliser left alone
because a word starting with 一 follows it (四千三一次性还上) is read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.mandarin import normalise_numbers

# A digit run, optional decimal/thousands separators, optional magnitude and unit.
_NUMBER = re.compile(
    r"(?<![\d.])(\d{1,3}(?:[,，]\d{3})+|\d+(?:\.\d+)?)\s*(万|千|k|K)?\s*(块钱|块|元|圆|rmb|RMB)?"
)
# A number followed by one of these is a date, time or count, never money.
_NOT_MONEY_AFTER = ("号", "日", "月", "年", "点", "天", "周", "个月", "期", "次", "岁", "分钟",
                    "小时", "个", "%", "成", "笔", "辆", "张", "多天", "多号")
# ...or preceded by one of these (周5, 星期5, 第3期, 尾号1234).
_NOT_MONEY_BEFORE = ("周", "星期", "礼拜", "第", "尾号", "号码", "电话", "手机", "工号", "月")
_MULTIPLIER = {"万": 10000.0, "千": 1000.0, "k": 1000.0, "K": 1000.0}
# Whole-balance words: the promise has no number but clear scope.
_WHOLE = re.compile(r"(还清|结清|全部还|一次性还|全还了|都还上|全额|一次还清|还完)")
_PART = re.compile(r"(一部分|一半|一点|部分)")
# A Chinese numeral run with a magnitude, glued to a word that starts with 一
# (四千三一次性, 两千八一起): the 一 belongs to the word.
_CN_GLUED = re.compile(r"([一二两三四五六七八九十][零一二两三四五六七八九十百千万]*"
                       r"[百千万][一二两三四五六七八九]?)(?=一(?:次|起|下|共|口气|把|块儿))")


@dataclass(frozen=True)
class AmountMatch:
    value: float | None  # yuan
    phrase: str  # the text it came from
    start: int
    end: int


def _candidates(text: str) -> list[AmountMatch]:
    out: list[AmountMatch] = []
    for m in _NUMBER.finditer(text):
        digits, mult, unit = m.group(1), m.group(2), m.group(3)
        after = text[m.end(1) if not (mult or unit) else m.end():]
        before = text[:m.start()]
        if not (mult or unit) and after.lstrip().startswith(_NOT_MONEY_AFTER):
            continue
        if any(before.endswith(b) for b in _NOT_MONEY_BEFORE):
            continue
        raw = digits.replace(",", "").replace("，", "")
        if len(raw) >= 7 and not (mult or unit):
            continue  # phone, card or ID digits read out
        value = float(raw) * _MULTIPLIER.get(mult or "", 1.0)
        if not (mult or unit) and value < 100:
            continue  # bare small numbers are counts (还2次) rather than money
        out.append(AmountMatch(value, m.group(0).strip(), m.start(), m.end()))
    for m in _CN_GLUED.finditer(text):
        digits = normalise_numbers(m.group(1))
        if digits.isdigit() and int(digits) >= 100:
            out.append(AmountMatch(float(digits), m.group(1), m.start(), m.end()))
    return sorted(out, key=lambda c: c.start)


def extract_amount(text: str, anchor: int | None = None) -> AmountMatch | None:
    """The money amount in normalised ``text``, nearest to the offset ``anchor``.

    With several amounts, the one closest to the promise verb wins; an explicit
    unit (块/元) breaks ties. Returns a None-valued match for 还清/一部分 phrases so
    the caller can keep the phrase.
    """
    cands = _candidates(text)
    if cands:
        if anchor is None:
            return cands[0]
        return min(cands, key=lambda c: (min(abs(c.start - anchor), abs(c.end - anchor)),
                                         -int(any(u in c.phrase for u in "块元"))))
    for rx in (_WHOLE, _PART):
        m = rx.search(text)
        if m:
            return AmountMatch(None, m.group(0), m.start(), m.end())
    return None
