"""Text matching that survives ASR errors: one Aho-Corasick automaton over exact
text and one over toneless pinyin, plus regexes.

Stable API (also used by ``pipeline/risk``):

- ``prepare_text(text) -> PreparedText``: normalise once per distinct text
  (``pipeline.mandarin.normalise_text``), drop punctuation and spaces into a
  ``compact`` string and remember where clauses ended (``boundaries``), and
  encode every character as its toneless, accent-folded pinyin syllable
  (``phon``, same length as ``compact`` so positions line up). Cached.
- ``normalise_pattern(pattern) -> str``: the same normalisation applied to a
  pattern (what ``PhraseMatcher`` stores).
- ``PhraseMatcher(phrases, regexes=(), pinyin=True, min_pinyin_chars=2)``:
  ``phrases`` and ``regexes`` are ``(key, pattern)`` pairs; ``key`` is any
  string the caller uses to route hits (e.g. ``"cn_conduct/CN-ABUSE-01"``).
  ``find(prepared) -> list[PhraseHit]`` returns every hit, exact before
  phonetic; a pinyin hit is only reported where no exact hit of the same key
  covers the same span. Positions are indexes into ``prepared.compact``.
- ``PhraseHit(key, pattern, start, end, method, score)``: ``method`` is
  ``"exact"``, ``"pinyin"`` or ``"regex"``; ``score`` is 1.0 for exact and
  regex hits and lower for phonetic ones (``PINYIN_SCORE_SHORT`` for two
  syllables, ``PINYIN_SCORE`` for longer patterns).

Why pinyin codes: Whisper's errors on the words rules look for are
near-homophones (逾期→于七, 拖欠→脱欠, 按时还款→暗示海款). Mapping every character
to one private-use code point per syllable keeps the phonetic text the same
length as the characters, so one automaton finds phonetic hits at character
positions. Heteronyms: text characters take their first dictionary reading;
patterns are expanded to every reading combination, so 还款 (huan/hai) still
meets 海款. Accent folding merges sounds that southern speakers and the ASR
confuse: zh/z, ch/c, sh/s, n/l, in/ing, en/eng.
"""

from __future__ import annotations

import itertools
import re
import re._parser as _parser  # the regex parser, to expand alternations into phrases
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import ahocorasick

from pipeline.mandarin import normalise_text

HitMethod = Literal["exact", "pinyin", "regex"]

PINYIN_SCORE = 0.85
PINYIN_SCORE_SHORT = 0.7
_MAX_PATTERN_VARIANTS = 16
_PUA_BASE = 0xE000
# Heteronyms whose other readings occur in the words rules look for (还款 huán/hái).
_HETERONYMS = frozenset("还行重长得都地着分数便调转种只处当发干好号和要中假率应少省难强相为期")
# Punctuation, symbols and whitespace end a clause; they are not part of matching text.
_SPLIT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class PreparedText:
    """One text prepared for all matchers. Positions index ``compact``."""

    norm: str  # normalise_text output (what a quote shows)
    compact: str  # norm without punctuation and whitespace
    phon: str  # one code point per character of compact: its folded pinyin syllable
    boundaries: tuple[int, ...]  # indexes in compact where a clause ends (punctuation or pause)
    ends_with_question: bool  # the text ends with ? / ？

    def clause_span(self, pos: int) -> tuple[int, int]:
        """Start and end (exclusive) of the clause holding ``pos``."""
        start = 0
        for b in self.boundaries:
            if b > pos:
                return start, b
            start = b
        return start, len(self.compact)


@dataclass(frozen=True)
class PhraseHit:
    key: str
    pattern: str
    start: int
    end: int
    method: HitMethod
    score: float


def _fold(syllable: str) -> str:
    s = syllable
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(a):
            s = b + s[2:]
            break
    if s.startswith("l"):
        s = "n" + s[1:]
    if s.endswith("ing") or (s.endswith("eng") and s != "eng"):
        s = s[:-1]
    return s


def _strip_tone(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    # ü decomposes to u + diaeresis; keep it apart from u (lü vs lu).
    if "\u0308" in decomposed:
        base = base.replace("u", "v")
    return base


@lru_cache(maxsize=1)
def _readings() -> tuple[dict[int, str], dict[str, tuple[str, ...]]]:
    """(translate table char -> code of first reading, char -> codes of all readings)."""
    from pypinyin.pinyin_dict import pinyin_dict

    codes: dict[str, str] = {}

    def code(syllable: str) -> str:
        folded = _fold(syllable)
        if folded not in codes:
            codes[folded] = chr(_PUA_BASE + len(codes))
        return codes[folded]

    table: dict[int, str] = {}
    every: dict[str, tuple[str, ...]] = {}
    for cp, readings in pinyin_dict.items():
        syllables = [_strip_tone(r) for r in readings.split(",") if r]
        if not syllables:
            continue
        all_codes = tuple(dict.fromkeys(code(s) for s in syllables))
        table[cp] = all_codes[0]
        every[chr(cp)] = all_codes
    return table, every


@lru_cache(maxsize=65536)
def _plain_readings(ch: str) -> frozenset[str]:
    """Every toneless reading of a character, without accent folding."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = pinyin_dict.get(ord(ch))
    if not readings:
        return frozenset({ch})
    return frozenset(_strip_tone(r) for r in readings.split(",") if r)


def same_sound_unfolded(a: str, b: str) -> bool:
    """True when two strings share a toneless reading at every position, with no
    zh/z, n/l … folding. Two-syllable patterns need this: folded, they meet too
    many ordinary words (揍你 would meet the name 周丽)."""
    return len(a) == len(b) and all(_plain_readings(x) & _plain_readings(y)
                                    for x, y in zip(a, b, strict=True))


def to_phonetic(compact: str) -> str:
    """Encode each character as its folded pinyin code (non-Chinese characters kept)."""
    return compact.translate(_readings()[0])


def phonetic_variants(pattern: str) -> list[str]:
    """Reading combinations of a pattern (capped). Only common heteronyms such as 还
    get their other readings: expanding every rare reading makes false friends
    (抵 also reads zhǐ, so 抵给 would meet 自己)."""
    table, every = _readings()
    options = [every.get(ch, (ch,)) if ch in _HETERONYMS
               else (table.get(ord(ch), ch),) for ch in pattern]
    out: list[str] = []
    for combo in itertools.product(*options):
        out.append("".join(combo))
        if len(out) >= _MAX_PATTERN_VARIANTS:
            break
    return out


def normalise_pattern(pattern: str) -> str:
    return _SPLIT.sub("", normalise_text(pattern))


@lru_cache(maxsize=65536)
def prepare_text(text: str) -> PreparedText:
    norm = normalise_text(text)
    pieces = [p for p in _SPLIT.split(norm) if p]
    boundaries: list[int] = []
    total = 0
    for p in pieces:
        total += len(p)
        boundaries.append(total)
    compact = "".join(pieces)
    tail = norm.rstrip()
    return PreparedText(
        norm=norm,
        compact=compact,
        phon=to_phonetic(compact),
        boundaries=tuple(boundaries[:-1]),
        ends_with_question=tail.endswith(("?", "？")),
    )


class PhraseMatcher:
    """All phrases of many rules in one exact and one phonetic automaton."""

    def __init__(
        self,
        phrases: Iterable[tuple[str, str]],
        regexes: Iterable[tuple[str, str]] = (),
        *,
        pinyin: bool = True,
        min_pinyin_chars: int = 2,
        no_pinyin_keys: Iterable[str] = (),
    ) -> None:
        self._exact = ahocorasick.Automaton()
        self._phon = ahocorasick.Automaton()
        exact_entries: dict[str, list[tuple[str, str]]] = {}
        phon_entries: dict[str, list[tuple[str, str]]] = {}
        skip_pinyin = set(no_pinyin_keys)
        for key, raw in phrases:
            pat = normalise_pattern(raw)
            if not pat:
                continue
            exact_entries.setdefault(pat, []).append((key, pat))
            if pinyin and key not in skip_pinyin and len(pat) >= min_pinyin_chars:
                for variant in phonetic_variants(pat):
                    phon_entries.setdefault(variant, []).append((key, pat))
        for word, entries in exact_entries.items():
            self._exact.add_word(word, tuple(dict.fromkeys(entries)))
        for word, entries in phon_entries.items():
            self._phon.add_word(word, tuple(dict.fromkeys(entries)))
        self._has_exact = bool(exact_entries)
        self._has_phon = bool(phon_entries)
        if self._has_exact:
            self._exact.make_automaton()
        if self._has_phon:
            self._phon.make_automaton()
        # One compiled alternation per key: one scan per key instead of one per regex.
        by_key: dict[str, list[str]] = {}
        for key, rx in regexes:
            by_key.setdefault(key, []).append(rx)
        self._regexes: list[tuple[str, list[str], re.Pattern[str], frozenset[str] | None]] = []
        for key, rxs in by_key.items():
            compiled = re.compile("|".join(f"(?P<r{i}>{rx})" for i, rx in enumerate(rxs)))
            self._regexes.append((key, rxs, compiled, first_chars(compiled.pattern)))

    @property
    def empty(self) -> bool:
        return not (self._has_exact or self._has_phon or self._regexes)

    def find(self, text: PreparedText) -> list[PhraseHit]:
        hits: list[PhraseHit] = []
        seen: set[tuple[str, int, int]] = set()
        if self._has_exact and text.compact:
            for end, entries in self._exact.iter(text.compact):
                for key, pat in entries:
                    start = end - len(pat) + 1
                    seen.add((key, start, end + 1))
                    hits.append(PhraseHit(key, pat, start, end + 1, "exact", 1.0))
        if self._has_phon and text.phon:
            for end, entries in self._phon.iter(text.phon):
                for key, pat in entries:
                    start = end - len(pat) + 1
                    if (key, start, end + 1) in seen:
                        continue
                    if len(pat) <= 2 and not same_sound_unfolded(pat, text.compact[start:end + 1]):
                        continue
                    seen.add((key, start, end + 1))
                    score = PINYIN_SCORE_SHORT if len(pat) <= 2 else PINYIN_SCORE
                    hits.append(PhraseHit(key, pat, start, end + 1, "pinyin", score))
        chars = set(text.compact) if self._regexes else set()
        for key, rxs, compiled, first in self._regexes:
            if first is not None and first.isdisjoint(chars):
                continue  # no character a match could start with: skip the scan
            for m in compiled.finditer(text.compact):
                if m.end() > m.start():
                    which = int((m.lastgroup or "r0")[1:])
                    hits.append(PhraseHit(key, rxs[which], m.start(), m.end(), "regex", 1.0))
        return hits


def _first(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(possible first characters, whether the sequence can match empty); None = any."""
    out: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "AT":
            continue  # anchors consume nothing
        if name == "LITERAL":
            out.add(chr(av))
            return out, False
        if name == "IN":
            for iop, iav in av:
                iname = str(iop)
                if iname == "LITERAL":
                    out.add(chr(iav))
                elif iname == "RANGE" and iav[1] - iav[0] < 64:
                    out.update(chr(c) for c in range(iav[0], iav[1] + 1))
                else:  # categories such as \d also cover non-ASCII digits: unknown
                    return None, False
            return out, False
        if name == "SUBPATTERN":
            sub, empty = _first(list(av[-1]))
            if sub is None:
                return None, False
            out |= sub
            if not empty:
                return out, False
            continue
        if name == "BRANCH":
            any_empty = False
            for branch in av[1]:
                sub, empty = _first(list(branch))
                if sub is None:
                    return None, False
                out |= sub
                any_empty = any_empty or empty
            if not any_empty:
                return out, False
            continue
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _hi, body = av
            sub, empty = _first(list(body))
            if sub is None:
                return None, False
            out |= sub
            if lo > 0 and not empty:
                return out, False
            continue
        return None, False
    return out, True


def first_chars(pattern: str) -> frozenset[str] | None:
    """Characters any match of ``pattern`` must start with, or None when that cannot be
    told (then the regex always runs). Lets most regexes skip most turns unscanned."""
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None
    chars, empty = _first(list(parsed))
    return None if chars is None or empty else frozenset(chars)


def find_keys(matcher: PhraseMatcher, texts: Sequence[PreparedText]) -> set[str]:
    """Keys hit anywhere in ``texts`` (convenience for presence checks)."""
    return {h.key for t in texts for h in matcher.find(t)}
