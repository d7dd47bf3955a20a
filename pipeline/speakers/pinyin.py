"""Toneless pinyin views of text, so cues and duplicates match through ASR homophones.

Whisper base writes near-homophones of the very words we look for (工号→公号,
录音→路音-like slips, 逾期→于七). Comparing toneless syllables instead of
characters makes those count. Every character is read on its own (no phrase
context) on both sides of a comparison, so a pattern and a text always agree.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from pypinyin import Style, pinyin

_HAN = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=8192)
def syllable(char: str) -> str:
    if _HAN.match(char):
        return str(pinyin(char, style=Style.NORMAL, heteronym=False)[0][0])
    return char.lower()


def syllables(text: str) -> tuple[list[str], list[int]]:
    """Syllables of the Chinese characters, letters and digits in ``text``, and for
    each syllable the index of the character it came from."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if _HAN.match(ch) or ch.isalnum():
            out.append(syllable(ch))
            index.append(i)
    return out, index


def similarity(a: str, b: str) -> float:
    """0..1 similarity of two texts by their syllable sequences."""
    sa, _ = syllables(a)
    sb, _ = syllables(b)
    if not sa or not sb:
        return 0.0
    return SequenceMatcher(None, sa, sb, autojunk=False).ratio()


def containment(short: str, long: str) -> float:
    """Share of ``short``'s syllables found, in order, inside ``long``."""
    ss, _ = syllables(short)
    sl, _ = syllables(long)
    if not ss or not sl:
        return 0.0
    matched = sum(b.size for b in SequenceMatcher(None, ss, sl, autojunk=False).get_matching_blocks())
    return matched / len(ss)
