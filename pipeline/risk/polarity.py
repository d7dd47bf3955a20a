"""Polarity of a hit: asserted, negated (车没卖) or hypothetical (要是失业了).

Rules, in order:
1. hypothetical: a condition or worry cue (要是, 如果, 万一, 怕, 担心, 会不会) in the
   same sentence before the hit and within ``hypothetical_window`` characters
   with no breaker (但是, 所以, 现在) between; or 的话 right after the hit; or the
   clause is a question (ends in ？/吗, or holds 是不是/会不会) unless the signal
   treats questions as requests (能不能宽限几天 is hardship, asserted).
2. negated: a negation cue (没, 不, 未, 别, 冇) in the few characters before the hit
   within its clause, or inside the hit's gap (车没卖 matched by 车.{0,3}卖: the
   regex still matches 车卖 with the cue removed). A cue that the pattern itself
   spells (没钱, 不还了, 还不上) is part of the signal, not a negation of it.
   Fixed phrases that hold a cue but negate nothing (不知道, 有没有, 不得不,
   没办法) are blanked first.
   Or a denial right after it (卖车是不可能的); an echoed question is settled
   by the answer that follows (卖车？没有。 -> negated; 卖了？对，卖了。 -> asserted).
3. otherwise asserted.

Speech by a third party (他老婆说车被他弟开走了) keeps these polarities and is
marked by the evidence role ``third_party``; the labels format counts it as
asserted, and so does the risk level.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.analysis import Polarity
from pipeline.risk.pack import CueSpec, SignalSpec


@dataclass(frozen=True)
class PolarityResult:
    polarity: Polarity
    cue: str | None = None


def _blank(text: str, phrases: list[str]) -> str:
    """Replace exception phrases with placeholders, keeping offsets."""
    for p in sorted(phrases, key=len, reverse=True):
        if p in text:
            text = text.replace(p, "_" * len(p))
    return text


def _after_last_breaker(text: str, breakers: list[str]) -> str:
    cut = 0
    for b in breakers:
        i = text.rfind(b)
        if i >= 0:
            cut = max(cut, i + len(b))
    return text[cut:]


def _literal_cues(pattern: str, cues: list[str]) -> set[str]:
    """Cues the pattern spells itself (regex syntax stripped of escapes)."""
    plain = re.sub(r"\\.", "", pattern)
    return {c for c in cues if c in plain}


def classify(
    clause: str,
    sentence: str,
    clause_offset: int,
    start: int,
    end: int,
    pattern: str,
    terminator: str,
    cues: CueSpec,
    signal: SignalSpec,
    still_matches: Callable[[str], bool] | None = None,
    sibling_spans: Sequence[tuple[int, int]] = (),
    next_clause: str = "",
    whole_clause: bool = False,
) -> PolarityResult:
    """Polarity of the hit ``clause[start:end]``; ``clause_offset`` is its place in ``sentence``.

    ``still_matches`` tells whether the hit's regex still matches its text with a
    cue removed: then the cue sat in a gap of the pattern (车没卖 for
    车.{0,3}卖) and negates it. ``sibling_spans`` are other hits of the same
    signal in the clause; a cue inside one of them (没钱还不上) belongs to that
    hit and negates nothing. ``whole_clause`` marks a semantic hit: sentence
    embeddings ignore negation and condition, so any cue in the clause that the
    exemplar does not spell decides.
    """
    hyp_cues = cues.hypothetical + signal.hypothetical_cues
    neg_cues = sorted(cues.negation + signal.negation_cues, key=len, reverse=True)
    own = _literal_cues(pattern, neg_cues + hyp_cues)

    # 1. hypothetical / question
    s_start = clause_offset + start
    scope = _after_last_breaker(sentence[:s_start], cues.breakers)[-cues.hypothetical_window:]
    if whole_clause:
        scope += clause
    for cue in sorted(hyp_cues, key=len, reverse=True):
        if cue in scope and cue not in own:
            return PolarityResult("hypothetical", cue)
    after = clause[end:end + 6]
    for suffix in cues.hypothetical_suffix:
        if suffix in after:
            return PolarityResult("hypothetical", suffix)
    if not signal.questions_assert:
        tail = clause[end:].rstrip()
        if terminator.startswith(("?", "？")) or tail.endswith(tuple(cues.question_particles)):
            answer = next_clause.strip()
            if answer.startswith(tuple(cues.answer_no + cues.negation_after)):
                return PolarityResult("negated", answer[:4])
            if answer.startswith(tuple(cues.answer_yes)):
                return PolarityResult("asserted")
            return PolarityResult("hypothetical", terminator or tail[-1:])
        for marker in cues.question_markers:
            if marker in clause and marker not in own:
                return PolarityResult("hypothetical", marker)

    # 2. negation, before the hit or inside its gap
    prefix = clause[:start]
    for s, e in sibling_spans:
        if s < start:
            prefix = prefix[:s] + "_" * (min(e, start) - s) + prefix[min(e, start):]
    prefix = _blank(prefix, cues.negation_exceptions)
    window = _after_last_breaker(prefix, cues.breakers)[-cues.negation_window:]
    for cue in neg_cues:
        if cue not in own and cue in window:
            return PolarityResult("negated", cue)
    after_hit = clause[end:end + 8]
    for cue in cues.negation_after:
        if after_hit.startswith(cue) or after_hit.lstrip("的了是").startswith(cue):
            return PolarityResult("negated", cue)
    if whole_clause:
        inner = _blank(clause, cues.negation_exceptions)
        for cue in neg_cues:
            if cue not in own and cue in inner:
                return PolarityResult("negated", cue)
    if still_matches is not None:
        matched = clause[start:end]
        inner = _blank(matched, cues.negation_exceptions)
        for cue in neg_cues:
            i = inner.find(cue)
            if i >= 0 and still_matches(matched[:i] + matched[i + len(cue):]):
                return PolarityResult("negated", cue)
    return PolarityResult("asserted")
