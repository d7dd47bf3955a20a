"""Run the analysers over labelled calls and score the result.

Text-only mode builds each Conversation from the labelled turns, so rule quality
is measured without ASR noise. Audio mode transcribes the recording with the same
``process_file`` a batch run uses and scores against the labels by time overlap,
adding CER and speaker scores. A call that fails is recorded, never fatal.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.conversation import Conversation
from pipeline.evaluate.labels import LabelRecord
from pipeline.evaluate.reference import (
    conversation_from_labels,
    history_for,
    meta_from_labels,
    resolve_audio,
)
from pipeline.evaluate.scoring import CallRun, EvaluationReport, score_runs

if TYPE_CHECKING:
    from pipeline.analyse import Analysers
    from pipeline.process import Resources

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


def _analyse_text(record: LabelRecord, records: Sequence[LabelRecord],
                  analysers: Analysers) -> CallRun:
    from pipeline.analyse import analyse_conversation

    conversation = conversation_from_labels(record)
    try:
        analysis = analyse_conversation(conversation, analysers,
                                        history=history_for(record, records))
    except Exception as exc:  # a bug on one call is reported with the others' scores
        log.exception("analysis failed on %s", record.id)
        return CallRun(record, "text", None, error_code="internal",
                       error=f"{type(exc).__name__}: {exc}")
    return CallRun(record, "text", analysis)


def _numeric_fields(scores: object) -> tuple[tuple[str, float], ...]:
    """Speaker scores as (name, value) pairs, whatever container the stage returns."""
    data: Mapping[str, Any]
    if dataclasses.is_dataclass(scores) and not isinstance(scores, type):
        data = dataclasses.asdict(scores)
    elif hasattr(scores, "model_dump"):
        data = scores.model_dump()
    elif isinstance(scores, Mapping):
        data = scores
    else:
        data = vars(scores)
    return tuple((k, float(v)) for k, v in data.items()
                 if isinstance(v, int | float) and not isinstance(v, bool))


def _speaker_scores(record: LabelRecord, hypothesis: Conversation) -> tuple[
        tuple[str, float], ...]:
    from pipeline.speakers import score_speakers

    # labels.md turns as mappings; turns without times are skipped by the scorer
    return _numeric_fields(score_speakers([t.model_dump() for t in record.turns], hypothesis))


def _analyse_audio(record: LabelRecord, records: Sequence[LabelRecord], path: Path,
                   resources: Resources) -> CallRun:
    from pipeline.process import FailedCall, file_hash, process_file

    outcome = process_file(path, meta_from_labels(record), file_hash(path), resources,
                           history_for(record, records))
    if isinstance(outcome, FailedCall):
        return CallRun(record, "audio", None, error_code=outcome.error_code,
                       error=outcome.message)
    analysis = outcome.analysis
    try:
        speakers = _speaker_scores(record, outcome.conversation)
    except Exception as exc:
        log.exception("evaluation failed on %s", record.id)
        return CallRun(record, "audio", None, error_code="internal",
                       error=f"{type(exc).__name__}: {exc}")
    return CallRun(record, "audio", analysis, hypothesis=outcome.conversation,
                   transcript=outcome.transcript, speakers=speakers)


def run_calls(
    records: Sequence[LabelRecord],
    *,
    text_only: bool,
    analysers: Analysers,
    resources: Resources | None = None,
    labels_path: Path | None = None,
    progress: Progress | None = None,
) -> list[CallRun]:
    """Analyse every record. In audio mode a record without audio (or whose file is
    missing) falls back to its text, and the fallback is listed as an error."""
    if not text_only and resources is None:
        raise ValueError("audio evaluation needs resources (pipeline.process.build_resources)")
    runs: list[CallRun] = []
    for n, record in enumerate(records, start=1):
        if progress is not None:
            progress(n, len(records), record.id)
        path = None if text_only else resolve_audio(record, labels_path)
        if path is not None and resources is not None:
            runs.append(_analyse_audio(record, records, path, resources))
            continue
        run = _analyse_text(record, records, analysers)
        if not text_only and run.analysis is not None:
            reason = f"audio {record.audio!r} not found" if record.audio else "no audio"
            run = dataclasses.replace(run, error_code="text_fallback", error=reason)
        runs.append(run)
    return runs


def evaluate(
    records: Sequence[LabelRecord],
    *,
    text_only: bool,
    analysers: Analysers,
    resources: Resources | None = None,
    ids: Sequence[str] | None = None,
    labels_path: Path | None = None,
    progress: Progress | None = None,
) -> EvaluationReport:
    """Analyse the labelled calls and score them against their labels.

    History: each call gets the other records of the same borrower as CallMeta.
    """
    runs = run_calls(records, text_only=text_only, analysers=analysers, resources=resources,
                     labels_path=labels_path, progress=progress)
    return score_runs(runs, mode="text" if text_only else "audio", ids=ids)

