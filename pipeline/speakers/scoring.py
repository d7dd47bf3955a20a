"""Diarization error rate and role accuracy against labelled turns.

DER = (missed speech + false alarm + speaker confusion) / reference speech time,
on a 10 ms grid, ignoring ``collar`` seconds either side of every reference
boundary (the usual 0.25 s), with the one-to-one speaker mapping that maximises
matched time (Hungarian). Overlapping speech counts per speaker, as in NIST
md-eval. Role accuracy is the share of scored reference speech time during which
a hypothesis turn carrying the reference role is active.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from pipeline.callmeta import ROLES
from pipeline.conversation import Conversation

STEP = 0.01


@dataclass(frozen=True)
class RefTurn:
    speaker: str  # a voice or party label; for labelled sets usually the role
    start: float
    end: float
    role: str | None = None


@dataclass(frozen=True)
class SpeakerScores:
    der: float
    missed: float  # fractions of scored reference speech time
    false_alarm: float
    confusion: float
    role_accuracy: float
    reference_speech_s: float
    reference_speakers: int
    hypothesis_speakers: int
    mapping: tuple[tuple[str, str], ...]  # (reference speaker, hypothesis speaker)


def _as_ref(t: RefTurn | Mapping[str, Any], speaker_key: str) -> RefTurn | None:
    if isinstance(t, RefTurn):
        return t
    if t.get("start") is None or t.get("end") is None:
        return None
    spk = str(t.get(speaker_key) or t.get("speaker"))
    role = t.get("role") or (t.get("speaker") if t.get("speaker") in ROLES else None)
    return RefTurn(spk, float(t["start"]), float(t["end"]), role)


def _grid(spans: Sequence[tuple[str, float, float]], names: Sequence[str], n: int) -> npt.NDArray[np.bool_]:
    g = np.zeros((len(names), n), dtype=bool)
    for name, a, b in spans:
        g[names.index(name), round(a / STEP):round(b / STEP)] = True
    return g


def score_speakers(
    reference_turns: Sequence[RefTurn | Mapping[str, Any]],
    conversation: Conversation,
    collar: float = 0.25,
    speaker_key: str = "speaker",
) -> SpeakerScores:
    """Score ``conversation`` against labelled turns (labels.md format, or RefTurn).

    ``speaker_key`` picks the field that names a voice (default ``speaker``, which
    in labelled sets is the role, so two family members count as one speaker).
    """
    refs = [r for r in (_as_ref(t, speaker_key) for t in reference_turns) if r is not None]
    hyps = [(t.speaker, t.start, t.end, t.role) for t in conversation.turns
            if t.start is not None and t.end is not None]
    end = max([r.end for r in refs] + [h[2] for h in hyps] + [0.0])
    n = int(np.ceil(end / STEP)) + 1
    ref_names = sorted({r.speaker for r in refs})
    hyp_names = sorted({h[0] for h in hyps})
    ref = _grid([(r.speaker, r.start, r.end) for r in refs], ref_names, n)
    hyp = _grid([(h[0], float(h[1]), float(h[2])) for h in hyps], hyp_names, n)

    scored = np.ones(n, dtype=bool)
    c = round(collar / STEP)
    for r in refs:
        for edge in (r.start, r.end):
            k = round(edge / STEP)
            scored[max(0, k - c):k + c] = False

    ref_s, hyp_s = ref[:, scored], hyp[:, scored]
    n_ref = ref_s.sum(axis=0)
    n_hyp = hyp_s.sum(axis=0)
    total = float(n_ref.sum())
    overlap = ref_s.astype(np.int64) @ hyp_s.T.astype(np.int64)
    rows, cols = linear_sum_assignment(-overlap) if overlap.size else ([], [])
    correct_frames = np.zeros(ref_s.shape[1], dtype=np.int64)
    for i, j in zip(rows, cols, strict=True):
        correct_frames += ref_s[i] & hyp_s[j]
    missed = float(np.maximum(n_ref - n_hyp, 0).sum())
    false_alarm = float(np.maximum(n_hyp - n_ref, 0).sum())
    confusion = float((np.minimum(n_ref, n_hyp) - correct_frames).sum())

    role_ok = 0.0
    role_total = 0.0
    hyp_roles = sorted({h[3] for h in hyps})
    role_grid = _grid([(h[3], float(h[1]), float(h[2])) for h in hyps], hyp_roles, n)[:, scored]
    for r in refs:
        if r.role is None:
            continue
        a, b = round(r.start / STEP), round(r.end / STEP)
        mask = np.zeros(n, dtype=bool)
        mask[a:b] = True
        mask = mask[scored]
        role_total += float(mask.sum())
        if r.role in hyp_roles:
            role_ok += float((mask & role_grid[hyp_roles.index(r.role)]).sum())

    def frac(x: float) -> float:
        return x / total if total else 0.0

    return SpeakerScores(
        der=round(frac(missed + false_alarm + confusion), 4),
        missed=round(frac(missed), 4),
        false_alarm=round(frac(false_alarm), 4),
        confusion=round(frac(confusion), 4),
        role_accuracy=round(role_ok / role_total, 4) if role_total else 0.0,
        reference_speech_s=round(total * STEP, 2),
        reference_speakers=len(ref_names),
        hypothesis_speakers=len(hyp_names),
        mapping=tuple((ref_names[i], hyp_names[j]) for i, j in zip(rows, cols, strict=True)
                      if overlap[i, j] > 0),
    )
