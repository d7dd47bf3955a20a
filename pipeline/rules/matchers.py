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
  ``find(prepared) -> tuple[PhraseHit, ...]`` returns every hit, exact before
  phonetic; a pinyin hit is only reported where no exact hit of the same key
  covers the same span. Positions are indexes into ``prepared.compact``.
- ``PhraseHit(key, pattern, start, end, method, score)``: ``method`` is
  ``"exact"``, ``"pinyin"`` or ``"regex"``; ``score`` is 1.0 for exact and
  regex hits and lower for phonetic ones (``PINYIN_SCORE_SHORT`` for two
  syllables, ``PINYIN_SCORE`` for longer patterns).

When a phonetic hit counts (toneless sounds alone meet far too many ordinary words):

- two-syllable patterns need the tones as well (``same_sound_toned``): 于七 is
  逾期 yú-qī, 脱欠 is 拖欠 tuō-qiàn, but 涛先 tāo-xiān (李海涛先生) is not 套现 tào-xiàn;
- every character that differs from the pattern must belong to a word inside the
  hit (``stands_as_word``, jieba's dictionary): in 孙悦工号 the 工 of 悦工 ~ 月供
  belongs to 工号, in 之前我们 the 前 of 前我们 ~ 欠我们 to 之前, so those characters
  were heard right as parts of other words; and a two-character hit must not be a
  known word of its own (预期 is a word, not a misheard 逾期);
- a pattern that begins or ends with a digit never continues a longer number
  (二百五 normalises to 250, which is not the 250 of 2500) — exact hits too.

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
import unicodedata
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import ahocorasick

from pipeline.mandarin import normalise_text
from pipeline.rules.regex_prefilter import RegexPrefilter

HitMethod = Literal["exact", "pinyin", "regex"]

PINYIN_SCORE = 0.85
PINYIN_SCORE_SHORT = 0.7
_MAX_PATTERN_VARIANTS = 16
_PUA_BASE = 0xE000
_FOUND_CACHE_SIZE = 32768  # texts whose hits a matcher remembers (a few MB)
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

    def __hash__(self) -> int:
        # Prepared texts key every per-text cache; the other fields follow from
        # ``norm``, and a str caches its own hash, so this builds no tuple of fields.
        return hash(self.norm)

    def clause_span(self, pos: int) -> tuple[int, int]:
        """Start and end (exclusive) of the clause holding ``pos``."""
        bounds = self.boundaries
        i = bisect_right(bounds, pos)  # clauses ending at or before pos
        return (bounds[i - 1] if i else 0), (bounds[i] if i < len(bounds) else len(self.compact))


class PhraseHit(NamedTuple):
    """One hit. A named tuple, not a dataclass: a call makes thousands of them, and a
    tuple is built several times faster while staying immutable."""

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


_TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
_NEUTRAL = 5


@lru_cache(maxsize=65536)
def _toned_readings(ch: str) -> frozenset[tuple[str, int]]:
    """Every reading of a character as (toneless syllable, tone 1-5; 5 = neutral)."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = pinyin_dict.get(ord(ch))
    if not readings:
        return frozenset({(ch, 0)})
    out = set()
    for r in readings.split(","):
        if not r:
            continue
        decomposed = unicodedata.normalize("NFD", r)
        tone = next((_TONE_MARKS[c] for c in decomposed if c in _TONE_MARKS), _NEUTRAL)
        out.add((_strip_tone(r), tone))
    return frozenset(out)


def _same_toned_char(a: str, b: str) -> bool:
    for base_a, tone_a in _toned_readings(a):
        for base_b, tone_b in _toned_readings(b):
            if base_a == base_b and (tone_a == tone_b or _NEUTRAL in (tone_a, tone_b)):
                return True
    return False


def same_sound_toned(a: str, b: str) -> bool:
    """True when two strings share a reading, tone included, at every position (a
    neutral tone meets any tone). Two toneless syllables meet too many ordinary
    words: 套现 tào-xiàn would meet the 涛先 of 海涛先生, 砍你 the 看你 of 你看你;
    the misspellings ASR makes of two-syllable words keep the tones (于七 for 逾期,
    脱欠 for 拖欠)."""
    return len(a) == len(b) and all(_same_toned_char(x, y) for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports pkg_resources, which warns
        import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt


@lru_cache(maxsize=16384)
def _words(compact: str) -> tuple[tuple[tuple[int, int], ...], frozenset[tuple[int, int]]]:
    """(span of the word holding each character, spans of known dictionary words) of
    a compact text, by jieba's dictionary segmentation."""
    seg = _segmenter()
    owner: list[tuple[int, int]] = []
    known: set[tuple[int, int]] = set()
    pos = 0
    for word in seg.cut(compact, HMM=False):
        span = (pos, pos + len(word))
        if len(word) > 1 and seg.FREQ.get(word):
            known.add(span)
        owner.extend([span] * len(word))
        pos += len(word)
    return tuple(owner), frozenset(known)


def stands_as_word(compact: str, start: int, end: int, pattern: str) -> bool:
    """True when ``compact[start:end]`` can be a mishearing of ``pattern``: every
    character that differs from the pattern belongs to a word inside the span (in 孙悦工号
    the 工 of 悦工 ~ 月供 belongs to 工号; in 之前我们 the 前 of 前我们 ~ 欠我们 to 之前:
    those characters were heard right, as parts of other words), and a two-character
    span is not a known word of its own (预期 is a word, not a misheard 逾期)."""
    owner, known = _words(compact)
    for i in range(start, end):
        if compact[i] != pattern[i - start]:
            w_start, w_end = owner[i]
            if w_start < start or w_end > end:
                return False
    return len(pattern) > 2 or (start, end) not in known or compact[start:end] == pattern


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
        # Entries: (key, pattern, whether the pattern begins or ends with a digit).
        exact_entries: dict[str, list[tuple[str, str, bool]]] = {}
        phon_entries: dict[str, list[tuple[str, str, bool]]] = {}
        skip_pinyin = set(no_pinyin_keys)
        for key, raw in phrases:
            pat = normalise_pattern(raw)
            if not pat:
                continue
            entry = (key, pat, pat[0].isdigit() or pat[-1].isdigit())
            exact_entries.setdefault(pat, []).append(entry)
            if pinyin and key not in skip_pinyin and len(pat) >= min_pinyin_chars:
                for variant in phonetic_variants(pat):
                    phon_entries.setdefault(variant, []).append(entry)
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
            _segmenter()  # load the word dictionary now, not inside the first call checked
        # One compiled alternation per key: one scan per key instead of one per regex.
        by_key: dict[str, list[str]] = {}
        for key, rx in regexes:
            by_key.setdefault(key, []).append(rx)
        self._regexes: list[tuple[str, list[str], re.Pattern[str]]] = []
        owner: list[int] = []  # each single regex -> its key's alternation
        compiled_once: dict[str, re.Pattern[str]] = {}
        for key, rxs in by_key.items():
            source = "|".join(f"(?P<r{i}>{rx})" for i, rx in enumerate(rxs))
            # Rules that share a regex list (CN-VERIFY-01 and CN-3P-01 look for the
            # same personal details) share one compiled pattern, scanned once a text.
            compiled = compiled_once.setdefault(source, re.compile(source))
            owner.extend(len(self._regexes) for _ in rxs)
            self._regexes.append((key, rxs, compiled))
        self._regex_owner = tuple(owner)
        # An OrderedDict, not a dict: evicting a plain dict's oldest key means
        # ``next(iter(d))`` walking past every slot already deleted (tens of µs once
        # the cache is full), the OrderedDict pops it in constant time.
        self._found: OrderedDict[PreparedText, tuple[PhraseHit, ...]] = OrderedDict()
        self._prefilter = RegexPrefilter([rx for rxs in by_key.values() for rx in rxs])

    @property
    def empty(self) -> bool:
        return not (self._has_exact or self._has_phon or self._regexes)

    def find(self, text: PreparedText) -> tuple[PhraseHit, ...]:
        """Every hit in ``text``. Remembered per text for the life of this matcher
        (of the loaded packs): call-centre speech repeats itself from call to call
        (greetings, the recording notice, 嗯/对/好的)."""
        cached = self._found.get(text)
        if cached is None:
            if len(self._found) >= _FOUND_CACHE_SIZE:
                # Oldest first. Another thread may evict the same entry at the same
                # moment; losing that race only means one entry too few.
                with suppress(KeyError):
                    self._found.popitem(last=False)
            cached = self._found[text] = tuple(self._find(text))
        return cached

    def _find(self, text: PreparedText) -> list[PhraseHit]:
        hits: list[PhraseHit] = []
        seen: set[tuple[str, int, int]] = set()
        if self._has_exact and text.compact:
            for end, entries in self._exact.iter(text.compact):
                for key, pat, edged in entries:
                    start = end - len(pat) + 1
                    if edged and not _digit_bounded(text.compact, pat, start, end + 1):
                        continue
                    seen.add((key, start, end + 1))
                    hits.append(PhraseHit(key, pat, start, end + 1, "exact", 1.0))
        if self._has_phon and text.phon:
            verdicts: dict[tuple[str, int], bool] = {}  # (pattern, start): may it be heard so
            for end, entries in self._phon.iter(text.phon):
                for key, pat, edged in entries:
                    start = end - len(pat) + 1
                    if (key, start, end + 1) in seen:
                        continue
                    ok = verdicts.get((pat, start))
                    if ok is None:
                        ok = verdicts[(pat, start)] = _may_be_misheard(text, pat, start,
                                                                        end + 1, edged)
                    if not ok:
                        continue
                    seen.add((key, start, end + 1))
                    score = PINYIN_SCORE_SHORT if len(pat) <= 2 else PINYIN_SCORE
                    hits.append(PhraseHit(key, pat, start, end + 1, "pinyin", score))
        if not self._regexes:
            return hits
        # Only the alternations whose required text occurs here (see regex_prefilter).
        owners = sorted({self._regex_owner[i] for i in self._prefilter.candidates(text.compact)})
        spans: dict[re.Pattern[str], list[tuple[int, int, int]]] = {}  # shared patterns
        for k in owners:
            key, rxs, compiled = self._regexes[k]
            found = spans.get(compiled)
            if found is None:
                found = spans[compiled] = [
                    (m.start(), m.end(), int((m.lastgroup or "r0")[1:]))
                    for m in compiled.finditer(text.compact) if m.end() > m.start()]
            for start, end, which in found:
                hits.append(PhraseHit(key, rxs[which], start, end, "regex", 1.0))
        return hits


def _may_be_misheard(text: PreparedText, pattern: str, start: int, end: int,
                     edged: bool) -> bool:
    """Whether a phonetic hit of ``pattern`` at ``text.compact[start:end]`` counts (see
    the module notes); cheapest tests first, the word dictionary last."""
    compact = text.compact
    if edged and not _digit_bounded(compact, pattern, start, end):
        return False
    if len(pattern) <= 2:
        if not same_sound_toned(pattern, compact[start:end]):
            return False
    elif compact[start] == pattern[0] and compact[end - 1] == pattern[-1]:
        return True  # both ends heard as said: a word reaching outside would hold them
    # Words do not cross punctuation, so segmenting the clauses around the hit tells
    # the same as segmenting the whole turn, in a fraction of the time.
    lo = text.clause_span(start)[0]
    hi = text.clause_span(end - 1)[1]
    return stands_as_word(compact[lo:hi], start - lo, end - lo, pattern)


def _digit_bounded(compact: str, pattern: str, start: int, end: int) -> bool:
    """A pattern that begins or ends with a digit must not continue a longer number:
    250 (二百五, an insult) is not the 250 of 2500."""
    if pattern[0].isdigit() and start > 0 and compact[start - 1].isdigit():
        return False
    return not (pattern[-1].isdigit() and end < len(compact) and compact[end].isdigit())


def find_keys(matcher: PhraseMatcher, texts: Sequence[PreparedText]) -> set[str]:
    """Keys hit anywhere in ``texts`` (convenience for presence checks)."""
    return {h.key for t in texts for h in matcher.find(t)}
