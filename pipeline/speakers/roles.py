"""Map speakers (channels or diarized voices) to agent / borrower / third party.

Each speaker gets a score per role: a prior (the channel map of a split call;
for mono, the biggest talker leans agent) plus the weights of the cues found in
what the speaker said. The roles are then chosen jointly, so that a call has one
agent (a visit up to two), at most one borrower, and everybody else is a third
party. A spouse or a wrong-number answerer on the "borrower" channel comes out
as third_party because their cue weights beat the channel prior.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.callmeta import CallKind, Role
from pipeline.conversation import RoleAssignment
from pipeline.speakers.cues import CueHit, find_cues

PARTY_ROLES: tuple[Role, ...] = ("agent", "borrower", "third_party")
MAX_HITS_PER_CUE = 3
# The channel map is configuration, usually right, so it is a strong prior; but a
# stated identity (weights 4-5) must be able to overturn the "borrower" label.
CHANNEL_PRIOR = {"agent": 3.5, "borrower": 2.0, "third_party": 2.0}
# Without any cue, a non-agent is more likely the borrower than anybody else.
BORROWER_LEAN = 0.5
TALK_PRIOR = 1.0  # mono: the speaker with the most speech leans agent
# A home visit is made to the borrower: an assignment without one is unlikely,
# whereas a call may well reach only a relative or a wrong number.
VISIT_BORROWER_PRESENT = 3.0


@dataclass(frozen=True)
class SpeakerEvidence:
    """What one speaker said, for role assignment."""

    speaker: str
    texts: tuple[str, ...]
    speech_s: float
    channel_role: Role | None = None  # from CallMeta.channels on split calls


def _cue_scores(texts: Sequence[str]) -> tuple[dict[Role, float], dict[Role, list[str]]]:
    scores: dict[Role, float] = dict.fromkeys(PARTY_ROLES, 0.0)
    evidence: dict[Role, list[str]] = {r: [] for r in PARTY_ROLES}
    counts: dict[tuple[Role, float, str], int] = {}
    hits: list[CueHit] = [h for t in texts for h in find_cues(t)]
    for h in sorted(hits, key=lambda h: -h.weight):
        key = (h.role, h.weight, h.text if h.weight < 1 else "")
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > MAX_HITS_PER_CUE:
            continue
        scores[h.role] += h.weight
        if h.weight >= 1.0 and h.text not in evidence[h.role]:
            evidence[h.role].append(h.text)
    return scores, evidence


def _allowed(roles: tuple[Role, ...], kind: CallKind | None) -> bool:
    n_agent = roles.count("agent")
    if len(roles) >= 2 and (n_agent == 0 or n_agent == len(roles)):
        return False
    if roles.count("borrower") > 1:
        return False
    # A visit is often made by two field staff; a call has one agent.
    return n_agent <= (2 if kind == "visit" else 1)


def assign_roles(
    speakers: Sequence[SpeakerEvidence], kind: CallKind | None = None
) -> tuple[RoleAssignment, ...]:
    """One RoleAssignment per speaker (same order), with confidence and evidence."""
    if not speakers:
        return ()
    table: list[dict[Role, float]] = []
    evidences: list[dict[Role, list[str]]] = []
    top_talker = max(range(len(speakers)), key=lambda i: speakers[i].speech_s)
    for i, sp in enumerate(speakers):
        scores, evidence = _cue_scores(sp.texts)
        if sp.channel_role in CHANNEL_PRIOR:
            scores[sp.channel_role] += CHANNEL_PRIOR[sp.channel_role]
            evidence[sp.channel_role].append(f"channel map: {sp.speaker}={sp.channel_role}")
        elif len(speakers) > 1 and i == top_talker:
            scores["agent"] += TALK_PRIOR
            evidence["agent"].append(f"most speech ({sp.speech_s:.0f} s)")
        scores["borrower"] += BORROWER_LEAN
        table.append(scores)
        evidences.append(evidence)

    totals: dict[tuple[Role, ...], float] = {}
    for combo in itertools.product(PARTY_ROLES, repeat=len(speakers)):
        if not _allowed(combo, kind):
            continue
        total = sum(table[i][r] for i, r in enumerate(combo))
        if kind == "visit" and "borrower" in combo:
            total += VISIT_BORROWER_PRESENT
        totals[combo] = total
    best = max(totals, key=lambda c: totals[c])  # first maximum: ties keep PARTY_ROLES order

    out: list[RoleAssignment] = []
    for i, sp in enumerate(speakers):
        role: Role = best[i]
        # Confidence: how much worse the best joint assignment giving this
        # speaker any other role is.
        margin = totals[best] - max(
            (t for c, t in totals.items() if c[i] != role), default=totals[best] - 5.0)
        has_signal = any(evidences[i][r] for r in PARTY_ROLES)
        if len(speakers) == 1 and not has_signal:
            out.append(RoleAssignment(sp.speaker, "unknown", 0.0, "no identifying words"))
            continue
        confidence = 1.0 / (1.0 + math.exp(-margin))
        why = "; ".join(evidences[i][role][:4]) or "by elimination"
        out.append(RoleAssignment(sp.speaker, role, round(min(0.99, confidence), 3), why))
    return tuple(out)
