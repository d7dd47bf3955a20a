"""Toneless, accent-tolerant pinyin keys for matching ASR near-homophones.

Whisper writes 于七 for 逾期 and 脱欠 for 拖欠: the characters differ, the sound
does not. A pattern character maps to the set of its readings (heteronyms
included, so 还 is both huan and hai and 暗示海款 still finds 按时还款); a
transcript character to its one reading in context. Both are folded for the
common southern and dialect mergers zh/z, ch/c, sh/s, n/l, in/ing, en/eng.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, pinyin


def _fold(syllable: str) -> str:
    s = syllable.lower().replace("ü", "v")
    for hard, soft in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(hard):
            s = soft + s[len(hard):]
    if s.startswith("l"):
        s = "n" + s[1:]
    if s.endswith("ng") and len(s) > 2 and s[-3] in "ie":
        s = s[:-1]  # ing->in, eng->en
    return s


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=20000)
def char_keys(ch: str) -> frozenset[str]:
    """The folded readings of one character; a non-Han character is its own key."""
    if not is_han(ch):
        return frozenset({ch.lower()})
    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    keys = {_fold(r) for group in readings for r in group if r}
    return frozenset(keys) if keys else frozenset({ch})


def text_keys(text: str) -> tuple[frozenset[str], ...]:
    """Keys of a pattern: every reading of every character (还 is huan and hai)."""
    return tuple(char_keys(c) for c in text)


def spoken_keys(text: str) -> tuple[frozenset[str], ...]:
    """Keys of transcript text: the one reading in context, so that a rare reading
    of a transcript character (车 as ju, 不 as fou) does not invent a match."""
    # pypinyin accepts a list-returning errors callback (one item per character),
    # which keeps the readings aligned with the text; its stubs say str.
    readings = pinyin(text, style=Style.NORMAL, heteronym=False,
                      errors=lambda chunk: [[c] for c in chunk])  # type: ignore[arg-type,return-value]
    if len(readings) != len(text):  # defensive: fall back to all readings
        return text_keys(text)
    return tuple(frozenset({_fold(r[0]) if is_han(c) else c.lower()})
                 for c, r in zip(text, readings, strict=True))
