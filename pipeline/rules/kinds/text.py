"""Text rule kinds: phrase, audience, sequence, required, response."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.analysis import Finding
from pipeline.rules.loader import RulePack
from pipeline.rules.models import Rule
from pipeline.rules.state import CallState, TextHit, call_duration, turn_times


def window_turns(rule: Rule, state: CallState) -> list[int]:
    """Indexes of in-scope turns inside the rule's window (all turns without one)."""
    idx = state.role_turns(rule.speaker)
    w = rule.window
    if w is None:
        return idx
    timed = turn_times(state.turns)
    if w.first_s is not None or w.first_turns is not None:
        if timed and w.first_s is not None:
            idx = [i for i in idx if (state.turns[i].start or 0.0) < w.first_s]
        else:
            idx = idx[: w.first_turns or 3]
    if w.last_s is not None or w.last_turns is not None:
        duration = call_duration(state.conversation)
        if timed and w.last_s is not None and duration is not None:
            idx = [i for i in idx if (state.turns[i].end or 0.0) > duration - w.last_s]
        else:
            idx = idx[-(w.last_turns or 3):]
    return idx


def _best(hits: Sequence[TextHit]) -> TextHit | None:
    return hits[0] if hits else None


def _candidate_turns(pack: RulePack, rule: Rule, state: CallState) -> list[int]:
    """In-window, in-scope turns that have a hit for the rule's patterns."""
    cands = state.candidates(pack.name, rule.id)
    if not cands:
        return []
    allowed = set(window_turns(rule, state))
    return [i for i in cands if i in allowed]


def check_phrase(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    out: list[Finding] = []
    for i in _candidate_turns(pack, rule, state):
        hit = _best(state.text_hits(pack, rule, i))
        if hit is not None:
            out.append(state.text_finding(pack, rule, hit))
    return out


def check_audience(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """Said while the listener is ``rule.listener`` (and before ``unless_event``)."""
    cands = _candidate_turns(pack, rule, state)
    if not cands:
        return []
    gate = state.event_turn(pack, rule.unless_event) if rule.unless_event else None
    out: list[Finding] = []
    for i in cands:
        if gate is not None and i > gate:
            break
        if state.listener(i) != rule.listener:
            continue
        hit = _best(state.text_hits(pack, rule, i))
        if hit is not None:
            out.append(state.text_finding(
                pack, rule, hit, f"{rule.title} (listener: {rule.listener})"))
    return out


def check_sequence(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """Said before ``before_event`` happened (or when it never happened)."""
    assert rule.before_event is not None
    cands = _candidate_turns(pack, rule, state)
    if not cands:
        return []
    gate = state.event_turn(pack, rule.before_event)
    skip = rule.params.get("skip_listener")
    out: list[Finding] = []
    for i in cands:
        if gate is not None and i > gate:
            break
        if skip and state.listener(i) == skip:
            continue
        hit = _best(state.text_hits(pack, rule, i))
        if hit is not None:
            when = "never confirmed" if gate is None else f"confirmed only at turn {gate}"
            out.append(state.text_finding(pack, rule, hit, f"{rule.title} (identity {when})"))
            break  # the first disclosure is the breach; later ones repeat it
    return out


def check_required(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """Every group must be said in the window; one finding naming the missing groups."""
    if not state.role_turns(rule.speaker):
        return []  # no speaker of that role in the call: nothing to judge
    idx = window_turns(rule, state)
    allowed = set(idx)
    groups = [f"g{i}" for i in range(len(rule.groups))] or ["p"]
    missing = [g for g in groups
               if not any(state.text_hits(pack, rule, i, slot=g)
                          for i in state.candidates(pack.name, rule.id, g) if i in allowed)]
    if not missing:
        return []
    anchor = idx[-1] if rule.window and rule.window.last_s else (idx[0] if idx else None)
    label = ", ".join(missing)
    return [state.finding(pack, rule, turn=anchor, pattern=f"absent: {label}", method="absence",
                          message=f"{rule.title} (missing: {label})")]


def check_response(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """A trigger turn (e.g. borrower hardship) must be answered by the rule's speaker
    within ``within_turns`` of their turns (e.g. an acknowledgement)."""
    within = int(state.param(rule, "within_turns"))
    out: list[Finding] = []
    covered = -1
    for i in state.candidates(pack.name, rule.id):
        t = state.turns[i]
        if i <= covered or not state.in_scope(rule, t, rule.trigger_speaker):
            continue
        if not state.text_hits(pack, rule, i):
            continue
        replies = [j for j in range(i + 1, len(state.turns))
                   if state.in_scope(rule, state.turns[j])][:within]
        if not replies:
            continue
        if any(state.text_hits(pack, rule, j, slot="r", ignore=("negated",)) for j in replies):
            covered = replies[-1]
            continue
        trigger = state.text_hits(pack, rule, i)[0]
        covered = replies[-1]
        out.append(state.finding(
            pack, rule, turn=replies[0], pattern=f"no acknowledgement after: {trigger.pattern}",
            method="absence", message=f"{rule.title} (after turn {i}: "
            f"{state.prepared[i].norm[:40]})"))
    return out
