"""Digits as people say them and as Whisper writes them.

A phone, ID or card number may arrive as ``13800123456``, ``138 0012 3456``,
``幺三八杠零零一二杠三四五六`` or mixed (``138零零12三四五六``). ``project`` maps
every digit-like character to its ASCII digit one-for-one, so offsets in the
projected string are offsets in the text the caller gave us. ``digit_runs`` then
finds groups of digits joined by short separators (spaces, dashes, 杠, commas
that ASR inserts at pauses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STRONG = {
    "零": "0", "〇": "0", "○": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
    **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width digits
}
# Near-homophones ASR writes for a digit read aloud (幺→要/腰, 零→洞 as radio operators
# say it, 七→拐, 九→勾). Ordinary words, so they count only between two digits.
_WEAK = {"要": "1", "腰": "1", "妖": "1", "洞": "0", "拐": "7", "勾": "9", "钩": "9"}
# The check character X of an ID number, as written or said ("叉").
_X_CHARS = {"X": "X", "x": "X", "×": "X", "叉": "X", "Ｘ": "X", "ｘ": "X"}
SEPARATORS = " \u3000-‐‑–—_·•.,，、/杠"
_MAX_SEP = 3


def project(text: str) -> str:
    """Same-length copy of ``text`` with digit characters as ASCII digits."""
    chars = [_STRONG.get(c, c) for c in text]
    for i, c in enumerate(text):
        if c in _WEAK and 0 < i < len(text) - 1 and chars[i - 1].isascii() \
                and chars[i - 1].isdigit() and chars[i + 1].isascii() and chars[i + 1].isdigit():
            chars[i] = _WEAK[c]
    for i, c in enumerate(chars):
        if c.isascii():
            continue
        code = ord(c)
        if 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:  # full-width letters
            chars[i] = chr(code - 0xFEE0)
    return "".join(chars)


@dataclass(frozen=True)
class DigitGroup:
    """Digits written without a break; ``digits`` may end in X (ID check character)."""

    start: int
    end: int
    digits: str
    glued_left: bool  # an ASCII letter touches it: part of a code such as HT2024...
    glued_right: bool


_GROUP = re.compile(r"[0-9]+")


def _is_letter(c: str) -> bool:
    return c.isascii() and c.isalpha()


def digit_runs(text: str) -> list[list[DigitGroup]]:
    """Groups of digits in ``text``, chained into runs where only separators lie between."""
    proj = project(text)
    runs: list[list[DigitGroup]] = []
    current: list[DigitGroup] = []
    for m in _GROUP.finditer(proj):
        start, end = m.start(), m.end()
        digits = m.group(0)
        # An X (or 叉) right after the 17th digit is the ID check character.
        if end < len(text) and text[end] in _X_CHARS:
            tail = "".join(g.digits for g in current) + digits
            if len(tail) == 17 or len(digits) == 17 or len(tail) % 18 == 17:
                digits += "X"
                end += 1
        glued_left = start > 0 and _is_letter(proj[start - 1])
        glued_right = end < len(proj) and _is_letter(proj[end])
        group = DigitGroup(start, end, digits, glued_left, glued_right)
        if current:
            gap = proj[current[-1].end:start]
            if 0 < len(gap) <= _MAX_SEP and all(c in SEPARATORS for c in gap) \
                    and not current[-1].digits.endswith("X"):
                current.append(group)
                continue
            runs.append(current)
        current = [group]
    if current:
        runs.append(current)
    return runs


def canonical_digits(text: str) -> str:
    """Only the digits (and a final X) of a span, e.g. 幺三八-零零 → 13800."""
    proj = project(text)
    out = [c for c in proj if c.isascii() and c.isdigit()]
    if text and text[-1] in _X_CHARS:
        out.append("X")
    return "".join(out)
