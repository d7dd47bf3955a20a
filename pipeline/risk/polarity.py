"""Polarity of a hit: asserted, negated (车没卖) or hypothetical (要是失业了).

Rules, in order:
1. hypothetical: a condition or worry cue (要是, 如果, 万一, 怕, 担心, 会不会) in the
   same sentence before the hit and within ``hypothetical_window`` characters
   with no breaker (但是, 现在) between; or a clause of the sentence before it
   that opens with a condition (要是…, 实在不行…) or ends in 的话, however long;
   or 的话 right after the hit; or the clause is a question (ends in ？/吗, or holds
   是不是/会不会/你说的啥) unless the signal treats questions as requests
   (能不能宽限几天 is hardship, asserted) or offers (下周一还两千行不行？ is a
   promise). An echoed question is settled by the answer that follows
   (卖车？没有。 -> negated; 卖了？对，卖了。 -> asserted).
2. negated: a negation cue (没, 不, 未, 别, 冇) in the few characters before the hit
   within its clause, or inside the hit's gap (车没卖 matched by 车.{0,3}卖: the
   regex still matches 车卖 with the cue removed). A cue that the pattern itself
   spells (没钱, 不还了, 还不上) is part of the signal, not a negation of it.
   Fixed phrases that hold a cue but negate nothing (不知道, 有没有, 不得不,
   没办法) are blanked first.
   Or a denial right after it (卖车是不可能的), or a denial that follows its
   topic, in the same clause or the next one of the sentence (网贷啥的我一个都
   没有; 网贷那利息多高啊，我可不敢碰).
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


def _blank(text: str, phrases: Sequence[str]) -> str:
    """Replace exception phrases with placeholders, keeping offsets."""
    for p in sorted(phrases, key=len, reverse=True):
        if p in text:
            text = text.replace(p, "_" * len(p))
    return text


def _after_last_breaker(text: str, breakers: Sequence[str], exceptions: Sequence[str] = ()) -> str:
    """``text`` after its last breaker word; ``exceptions`` (忙不过来) hold none."""
    blanked = _blank(text, exceptions)
    cut = 0
    for b in breakers:
        i = blanked.rfind(b)
        if i >= 0:
            cut = max(cut, i + len(b))
    return text[cut:]


_LOOKAROUND = re.compile(r"\(\?<?[!=][^()]*\)")


def _literal_cues(pattern: str, cues: list[str]) -> set[str]:
    """Cues the pattern spells itself (regex syntax stripped of escapes and of
    lookarounds: 不还(?![说没]) does not spell 没)."""
    plain = _LOOKAROUND.sub("", re.sub(r"\\.", "", pattern))
    return {c for c in cues if c in plain}


_CLAUSE_PUNCT = re.compile(r"[，,、：:；;…\s]+")
# An opener may follow a short lead-in of these (那要是, 我实在不行, 可真要是), but
# not a topic (这个月实在不行 states a fact).
_OPENER_LEAD = frozenset("那我俺咱你们他她可但而就真再")


def _clause_starts(text: str) -> list[int]:
    """Offsets where a clause of ``text`` begins."""
    return [0] + [m.end() for m in _CLAUSE_PUNCT.finditer(text)]


_TOPIC_MAX = 4  # 钱的话, 这个月的话: a short X的话 with no negation marks a topic


def _conditional_context(before: str, cues: CueSpec) -> str | None:
    """A condition governing the text after ``before`` (the sentence up to the hit):
    an opener at the start of one of its clauses, or a clause ending in 的话 that
    is a condition (没钱的话, 厂里再拖着不发工资的话), not a topic (钱的话)."""
    scope = _after_last_breaker(before, cues.condition_breakers, cues.breaker_exceptions)
    for i in _clause_starts(scope):
        for opener in cues.condition_openers:
            j = scope.find(opener, i, i + 3 + len(opener))
            if j >= 0 and all(c in _OPENER_LEAD for c in scope[i:j]):
                return opener
    for part in _CLAUSE_PUNCT.split(scope)[:-1]:  # finished clauses only
        for suffix in cues.hypothetical_suffix:
            if not part.endswith(suffix):
                continue
            body = _blank(part[:-len(suffix)], cues.negation_exceptions)
            if len(body) > _TOPIC_MAX or any(c in body for c in cues.negation):
                return suffix
    return None


def trailing_denial(text: str, cues: CueSpec) -> str | None:
    """The denial ``text`` opens with (啥的我一个都没有, 反正我没弄过), or None."""
    text = _blank(text, cues.negation_exceptions).strip()
    if not text:
        return None
    for rx in cues.trailing_denial:
        m = re.match(rx, text)
        if m:
            return m.group(0)
    return None


def _answer(next_clause: str, cues: CueSpec) -> PolarityResult | None:
    answer = next_clause.strip()
    if answer.startswith(tuple(cues.answer_no + cues.negation_after)):
        return PolarityResult("negated", answer[:4])
    denial = trailing_denial(answer, cues)
    if denial:
        return PolarityResult("negated", denial)
    if answer.startswith(tuple(cues.answer_yes)):
        return PolarityResult("asserted")
    return None


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
    next_in_sentence: str = "",
) -> PolarityResult:
    """Polarity of the hit ``clause[start:end]``; ``clause_offset`` is its place in ``sentence``.

    ``still_matches`` tells whether the hit's regex still matches its text with a
    cue removed: then the cue sat in a gap of the pattern (车没卖 for
    车.{0,3}卖) and negates it. ``sibling_spans`` are other hits of the same
    signal in the clause; a cue inside one of them (没钱还不上) belongs to that
    hit and negates nothing. ``whole_clause`` marks a semantic hit: sentence
    embeddings ignore negation and condition, so any cue in the clause that the
    exemplar does not spell decides. ``next_clause`` is the clause after the hit's
    in the turn (it may answer an echoed question), ``next_in_sentence`` the same
    clause when it belongs to the hit's sentence ("" otherwise).
    """
    hyp_cues = cues.hypothetical + signal.hypothetical_cues
    neg_cues = sorted(cues.negation + signal.negation_cues, key=len, reverse=True)
    own = _literal_cues(pattern, neg_cues + hyp_cues + cues.condition_openers)

    # 1. hypothetical / question
    s_start = clause_offset + start
    before = _blank(sentence[:s_start], signal.hypothetical_exceptions)
    # A condition (要是, 实在不行) reaches past 只能/才; a worry (怕, 担心) does not:
    # 我怕老婆知道，只能偷偷把车卖了 states a sale.
    conditions = set(cues.condition_openers)
    scopes = {}
    for kind, breakers in (("condition", cues.condition_breakers), ("other", cues.breakers)):
        scopes[kind] = _after_last_breaker(before, breakers,
                                           cues.breaker_exceptions)[-cues.hypothetical_window:]
        if whole_clause:
            scopes[kind] += _blank(clause, signal.hypothetical_exceptions)
    for cue in sorted(hyp_cues, key=len, reverse=True):
        if cue in scopes["condition" if cue in conditions else "other"] and cue not in own:
            return PolarityResult("hypothetical", cue)
    opener = _conditional_context(before, cues)
    if opener is not None and opener not in own:
        return PolarityResult("hypothetical", opener)
    after = clause[end:end + 6]
    for suffix in cues.hypothetical_suffix:
        if suffix in after:
            return PolarityResult("hypothetical", suffix)
    offer = signal.proposals_assert and any(m in clause[end:] for m in cues.proposal_markers)
    if not signal.questions_assert and not offer:
        tail = clause[end:].rstrip()
        if terminator.startswith(("?", "？")) or tail.endswith(tuple(cues.question_particles)):
            return _answer(next_clause, cues) or PolarityResult("hypothetical",
                                                                 terminator or tail[-1:])
        for marker in cues.question_markers:
            if marker in clause and marker not in own:
                return _answer(next_clause, cues) or PolarityResult("hypothetical", marker)

    # 2. negation, before the hit or inside its gap
    prefix = clause[:start]
    for s, e in sibling_spans:
        if s < start:
            prefix = prefix[:s] + "_" * (min(e, start) - s) + prefix[min(e, start):]
    prefix = _blank(prefix, cues.negation_exceptions)
    window = _after_last_breaker(prefix, cues.breakers, cues.breaker_exceptions)[-cues.negation_window:]
    for cue in neg_cues:
        if cue not in own and cue in window:
            return PolarityResult("negated", cue)
    after_hit = clause[end:end + 8]
    for cue in cues.negation_after:
        if after_hit.startswith(cue) or after_hit.lstrip("的了是").startswith(cue):
            return PolarityResult("negated", cue)
    if not whole_clause:
        denial = trailing_denial(clause[end:], cues) or trailing_denial(next_in_sentence, cues)
        if denial is not None:
            return PolarityResult("negated", denial)
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

