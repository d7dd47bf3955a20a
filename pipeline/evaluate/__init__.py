"""Evaluation against labelled conversations (spec/labels.md).

Public API: ``load_labels``, ``conversation_from_labels``, ``evaluate``,
``report_to_dict``, ``format_table`` and the click command ``evaluate_command``.
"""

from pipeline.evaluate.labels import LabelRecord, LabelsError, load_labels, parse_lines
from pipeline.evaluate.reference import conversation_from_labels, meta_from_labels
from pipeline.evaluate.report import format_table, report_to_dict
from pipeline.evaluate.run import evaluate, run_calls
from pipeline.evaluate.scoring import CallRun, EvaluationReport, score_runs

__all__ = [
    "CallRun",
    "EvaluationReport",
    "LabelRecord",
    "LabelsError",
    "conversation_from_labels",
    "evaluate",
    "format_table",
    "load_labels",
    "meta_from_labels",
    "parse_lines",
    "report_to_dict",
    "run_calls",
    "score_runs",
]
