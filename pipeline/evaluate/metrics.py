"""Pure scoring functions: counts and rates, turn matching, edit distance and CER.

Rates whose denominator is zero are ``None`` (undefined), never 0 or 1, so an ID
nobody predicted does not look perfectly precise; macro averages skip them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.mandarin import normalise_numbers, to_simplified


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


@dataclass(frozen=True)
class Counts:
    """Call-level confusion counts for one ID (or summed over IDs)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        # 2TP / (2TP + FP + FN): defined whenever the ID occurred on either side.
        return ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)


def call_counts(expected: Iterable[str], predicted: Iterable[str]) -> dict[str, Counts]:
    """One call: each ID is a TP, FP or FN according to the two sets."""
    exp, pred = set(expected), set(predicted)
    out: dict[str, Counts] = {}
    for item in exp | pred:
        out[item] = Counts(tp=int(item in exp and item in pred),
                           fp=int(item in pred and item not in exp),
                           fn=int(item in exp and item not in pred))
    return out


def sum_counts(per_call: Iterable[dict[str, Counts]]) -> dict[str, Counts]:
    total: dict[str, Counts] = {}
    for counts in per_call:
        for item, c in counts.items():
            total[item] = total.get(item, Counts()) + c
    return total


def micro(counts: Iterable[Counts]) -> Counts:
    return sum(counts, Counts())


@dataclass(frozen=True)
class Macro:
    precision: float | None
    recall: float | None
    f1: float | None


def mean(values: Iterable[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def macro(counts: Sequence[Counts]) -> Macro:
    """Unweighted mean over IDs of each rate, skipping IDs where it is undefined."""
    return Macro(mean(c.precision for c in counts), mean(c.recall for c in counts),
                 mean(c.f1 for c in counts))


def turn_distance(expected: int, found: Iterable[int]) -> int | None:
    distances = [abs(t - expected) for t in found]
    return min(distances) if distances else None


def is_located(expected: int, found: Iterable[int], tolerance: int = 1) -> bool:
    """Evidence counts as located on the labelled turn or its neighbour (labels.md)."""
    d = turn_distance(expected, found)
    return d is not None and d <= tolerance


def turns_overlapping(start: float | None, end: float | None,
                      spans: Sequence[tuple[float | None, float | None]]) -> frozenset[int]:
    """Reference turns whose [start, end] overlaps the span; the nearest turn when
    the span falls in a gap. Turns without times never match."""
    if start is None and end is None:
        return frozenset()
    s = start if start is not None else end
    e = end if end is not None else start
    assert s is not None and e is not None
    hits = [i for i, (ts, te) in enumerate(spans)
            if ts is not None and te is not None and ts <= e and s <= te]
    if hits:
        return frozenset(hits)
    mid = (s + e) / 2
    best: tuple[float, int] | None = None
    for i, (ts, te) in enumerate(spans):
        if ts is None or te is None:
            continue
        gap = max(ts - mid, mid - te, 0.0)
        if best is None or gap < best[0]:
            best = (gap, i)
    return frozenset() if best is None else frozenset({best[1]})


def match_one_to_one(expected: Sequence[tuple[str, int | None]],
                     predicted: Sequence[tuple[str, frozenset[int]]],
                     tolerance: int = 1) -> list[int | None]:
    """Pair each expected (id, turn) with at most one predicted (id, turns), same ID and
    within ``tolerance`` turns, nearest first. Returns, per expected item, the index of
    its predicted partner or None. An expected item without a turn takes any same-ID one."""
    candidates: list[tuple[int, int, int]] = []  # (distance, expected idx, predicted idx)
    for ei, (eid, eturn) in enumerate(expected):
        for pi, (pid, pturns) in enumerate(predicted):
            if pid != eid:
                continue
            if eturn is None:
                candidates.append((tolerance, ei, pi))
                continue
            d = turn_distance(eturn, pturns)
            if d is not None and d <= tolerance:
                candidates.append((d, ei, pi))
    pairs: list[int | None] = [None] * len(expected)
    used: set[int] = set()
    for _, ei, pi in sorted(candidates):
        if pairs[ei] is None and pi not in used:
            pairs[ei] = pi
            used.add(pi)
    return pairs


def levenshtein(a: str, b: str) -> int:
    """Character edit distance (Hyyrö's bit-parallel form of Myers' algorithm): linear
    in len(b) big-integer steps, so whole calls are scored without a quadratic table."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    m = len(b)
    peq: dict[str, int] = {}
    for i, ch in enumerate(b):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for ch in a:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
    return score


_DROP_CATEGORIES = ("P", "S", "Z", "C")  # punctuation, symbols, separators, controls


def cer_text(text: str, *, numbers_as_digits: bool = False) -> str:
    """Text compared for CER: simplified characters, no punctuation or spaces, lower case.
    With ``numbers_as_digits`` quantities are rewritten as digits on both sides, which
    separates recognition errors from 两千 vs 2000 spelling differences."""
    simplified = to_simplified(text)
    if numbers_as_digits:
        simplified = normalise_numbers(simplified)
    kept = (ch for ch in simplified if not unicodedata.category(ch).startswith(_DROP_CATEGORIES))
    return "".join(kept).lower()


@dataclass(frozen=True)
class EditCount:
    edits: int = 0
    ref_chars: int = 0
    hyp_chars: int = 0

    def __add__(self, other: EditCount) -> EditCount:
        return EditCount(self.edits + other.edits, self.ref_chars + other.ref_chars,
                         self.hyp_chars + other.hyp_chars)

    @property
    def cer(self) -> float | None:
        return ratio(self.edits, self.ref_chars)


def edit_count(reference: str, hypothesis: str, *, numbers_as_digits: bool = False) -> EditCount:
    ref = cer_text(reference, numbers_as_digits=numbers_as_digits)
    hyp = cer_text(hypothesis, numbers_as_digits=numbers_as_digits)
    return EditCount(levenshtein(ref, hyp), len(ref), len(hyp))


def chars_per_minute(text: str, start: float | None, end: float | None) -> float | None:
    if start is None or end is None or end <= start:
        return None
    return len(cer_text(text)) / (end - start) * 60.0


_SPACE = re.compile(r"\s+")


def slot_equal(name: str, expected: object, predicted: object) -> bool:
    """Exact match of a slot value: amounts as numbers (to the fen), dates as ISO
    strings, names after the normalisation the rules use."""
    if expected is None or predicted is None:
        return expected is None and predicted is None
    if name == "amount":
        try:
            e, p = float(str(expected)), float(str(predicted))
        except ValueError:
            return False
        return math.isclose(e, p, abs_tol=0.005)
    if name == "date":
        return str(expected).strip()[:10] == str(predicted).strip()[:10]
    return _SPACE.sub("", to_simplified(str(expected))).casefold() == \
        _SPACE.sub("", to_simplified(str(predicted))).casefold()
