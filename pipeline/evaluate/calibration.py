"""Rule calibration from scored runs: which IDs are confused with which, and how
precision and recall move with a minimum evidence score."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence

from pipeline.analysis import CallAnalysis
from pipeline.evaluate.metrics import Counts
from pipeline.evaluate.scoring import (
    CallRun,
    EvaluationReport,
    expected_items,
    predicted_items,
    score_runs,
)

NONE = "(none)"


def id_confusion(runs: Iterable[CallRun], tolerance: int = 1) -> list[tuple[str, str, int]]:
    """(labelled ID, predicted ID, n). A labelled item pairs with every ID predicted
    within ``tolerance`` turns of it (its own ID when present, else the others, else
    "(none)"); a prediction near no labelled item is a ("(none)", ID) false alarm.
    Items without a turn compare per call."""
    out: Counter[tuple[str, str]] = Counter()
    for run in runs:
        if run.analysis is None:
            continue
        expected = expected_items(run.record)
        predicted = predicted_items(run)

        def near(turn: int | None, turns: frozenset[int]) -> bool:
            if turn is None or not turns:
                return True  # call-level on either side: compare within the call
            return any(abs(t - turn) <= tolerance for t in turns)

        for eid, eturn in expected:
            close = {p.id for p in predicted if near(eturn, p.turns)}
            if eid in close:
                out[(eid, eid)] += 1
            elif close:
                for pid in sorted(close):
                    out[(eid, pid)] += 1
            else:
                out[(eid, NONE)] += 1
        for p in predicted:
            # one near a labelled item of another ID was counted above as a confusion
            if not any(near(t, p.turns) for _, t in expected):
                out[(NONE, p.id)] += 1
    return sorted(((e, p, n) for (e, p), n in out.items()), key=lambda r: (-r[2], r[0], r[1]))


def _above(analysis: CallAnalysis, threshold: float) -> CallAnalysis:
    """A copy keeping only results whose evidence score reaches the threshold."""
    return dataclasses.replace(
        analysis,
        findings=tuple(f for f in analysis.findings if f.evidence.score >= threshold),
        risks=tuple(r for r in analysis.risks if r.evidence.score >= threshold),
        pii=tuple(p for p in analysis.pii if p.score >= threshold),
    )


def threshold_sweep(runs: Sequence[CallRun], thresholds: Iterable[float],
                    ids: Iterable[str] | None = None) -> list[tuple[float, EvaluationReport]]:
    """Re-score the same analyses with findings, risks and PII below each minimum
    evidence score dropped (script results are kept: they carry no score cut)."""
    wanted = list(ids) if ids is not None else None
    out: list[tuple[float, EvaluationReport]] = []
    for t in thresholds:
        kept = [dataclasses.replace(r, analysis=_above(r.analysis, t))
                if r.analysis is not None else r for r in runs]
        mode = runs[0].mode if runs else "text"
        out.append((t, score_runs(kept, mode=mode, ids=wanted)))
    return out


def sweep_rows(sweep: Sequence[tuple[float, EvaluationReport]]) -> list[dict[str, object]]:
    """One row per (threshold, ID) plus an "(all)" micro row per threshold."""
    rows: list[dict[str, object]] = []
    for t, report in sweep:
        items: list[tuple[str, Counts]] = [("(all)", report.micro)]
        items += [(s.id, s.counts) for s in report.per_id]
        for item_id, c in items:
            rows.append({"threshold": t, "id": item_id, "tp": c.tp, "fp": c.fp, "fn": c.fn,
                         "precision": c.precision, "recall": c.recall, "f1": c.f1})
    return rows
