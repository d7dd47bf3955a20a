"""Inputs for the evaluation notebooks, so they hold no logic of their own.

Paths come from the environment so a test can point the notebooks at tiny fixtures:
``CALLQA_EVAL_LABELS`` (labels JSONL; default the sample corpus) and
``CALLQA_EVAL_JSON`` (a cached ``callqa evaluate --json`` report, used when it
holds CER); ``CALLQA_EVAL_MAX_FILES`` caps how many recordings are transcribed
when there is no cache (default 3, shortest first).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pipeline.evaluate.labels import LabelRecord, load_labels
from pipeline.evaluate.report import report_to_dict
from pipeline.evaluate.run import evaluate, run_calls
from pipeline.evaluate.scoring import CallRun

REPO = Path(__file__).resolve().parents[2]
DEFAULT_LABELS = REPO / "sample_audio" / "conversations.jsonl"


def labels_path() -> Path:
    return Path(os.environ.get("CALLQA_EVAL_LABELS") or DEFAULT_LABELS)


def _duration(record: LabelRecord) -> float:
    ends = [t.end for t in record.turns if t.end is not None]
    return max(ends) if ends else float("inf")


def audio_report(max_files: int | None = None) -> tuple[dict[str, Any], str]:
    """The audio evaluation as a report dict, and where it came from."""
    cached = os.environ.get("CALLQA_EVAL_JSON")
    if cached and Path(cached).is_file():
        report = json.loads(Path(cached).read_text(encoding="utf-8"))
        if report.get("cer"):
            return report, f"cached report {cached}"
    from pipeline.config import RunConfig
    from pipeline.process import build_resources
    from pipeline.settings import load_settings

    limit = max_files or int(os.environ.get("CALLQA_EVAL_MAX_FILES", "3"))
    path = labels_path()
    records = sorted((r for r in load_labels(path) if r.audio), key=_duration)[:limit]
    resources = build_resources(load_settings(), RunConfig())
    report = evaluate(records, text_only=False, analysers=resources.analysers,
                      resources=resources, labels_path=path)
    return report_to_dict(report), f"transcribed {len(records)} shortest files of {path}"


def text_runs(limit: int | None = None) -> list[CallRun]:
    """Text-only analysis of every labelled call (kept as runs for re-scoring)."""
    from pipeline.analyse import load_analysers
    from pipeline.config import RunConfig
    from pipeline.settings import load_settings

    path = labels_path()
    records = load_labels(path)[:limit] if limit else load_labels(path)
    analysers = load_analysers(load_settings().rules_dir, RunConfig())
    return run_calls(records, text_only=True, analysers=analysers, labels_path=path)
