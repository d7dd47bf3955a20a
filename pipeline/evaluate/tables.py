"""Polars tables from an evaluation report dict (``report_to_dict`` or the JSON that
``callqa evaluate --json`` writes), for the notebooks and ad-hoc analysis."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import polars as pl

from pipeline.evaluate.calibration import NONE


def per_id_frame(report: dict[str, Any]) -> pl.DataFrame:
    """One row per ID: counts, precision, recall, F1, localisation, hard negatives."""
    if not report["per_id"]:
        return pl.DataFrame(schema={"id": pl.String, "section": pl.String})
    return pl.DataFrame(report["per_id"]).sort(["section", "id"])


def issues_frame(report: dict[str, Any]) -> pl.DataFrame:
    rows = [{"call_id": c["call_id"], "call_kind": c["kind"], **i}
            for c in report["calls"] for i in c["issues"]]
    schema = {"call_id": pl.String, "call_kind": pl.String, "kind": pl.String, "id": pl.String,
              "turn": pl.Int64, "quote": pl.String, "detail": pl.String}
    return pl.DataFrame(rows, schema=schema)


def cer_group_frame(report: dict[str, Any], group: str) -> pl.DataFrame:
    """CER by "by_kind", "by_role" or "by_channel"."""
    cer = report.get("cer") or {}
    rows = [{"group": k, **v} for k, v in (cer.get(group) or {}).items()]
    schema = {"group": pl.String, "cer": pl.Float64, "edits": pl.Int64, "ref_chars": pl.Int64,
              "hyp_chars": pl.Int64}
    return pl.DataFrame(rows, schema=schema)


def cer_turns_frame(report: dict[str, Any]) -> pl.DataFrame:
    cer = report.get("cer") or {}
    schema = {"call_id": pl.String, "kind": pl.String, "turn": pl.Int64, "role": pl.String,
              "channel": pl.Int64, "start": pl.Float64, "end": pl.Float64,
              "chars_per_minute": pl.Float64, "reference": pl.String, "hypothesis": pl.String,
              "cer": pl.Float64, "edits": pl.Int64, "ref_chars": pl.Int64, "hyp_chars": pl.Int64}
    return pl.DataFrame(cer.get("turns") or [], schema=schema)


def cer_by_rate(report: dict[str, Any],
                edges: Sequence[float] = (150, 200, 250, 300, 350)) -> pl.DataFrame:
    """Pooled CER of reference turns binned by speaking rate (characters per minute)."""
    turns = cer_turns_frame(report).drop_nulls("chars_per_minute")
    labels = [f"<{int(edges[0])}"]
    labels += [f"{int(a)}-{int(b)}" for a, b in pairwise(edges)]
    labels += [f">={int(edges[-1])}"]
    return (
        turns.with_columns(pl.col("chars_per_minute").cut(list(edges), labels=labels,
                                                          left_closed=True).alias("rate"))
        .group_by("rate")
        .agg(pl.len().alias("turns"), pl.col("edits").sum(), pl.col("ref_chars").sum())
        .with_columns((pl.col("edits") / pl.col("ref_chars")).alias("cer"))
        .sort("rate")
    )


def worst_turns(report: dict[str, Any], n: int = 10, min_chars: int = 4) -> pl.DataFrame:
    """Reference turns with the highest CER (ignoring very short ones)."""
    return (cer_turns_frame(report).filter(pl.col("ref_chars") >= min_chars)
            .sort(["cer", "edits"], descending=True).head(n)
            .select("call_id", "turn", "role", "chars_per_minute", "cer", "reference",
                    "hypothesis"))


def confusion_frame(rows: Sequence[tuple[str, str, int]]) -> pl.DataFrame:
    """Labelled x predicted ID counts as a wide table ("(none)" = nothing there)."""
    long = pl.DataFrame(list(rows), schema={"labelled": pl.String, "predicted": pl.String,
                                            "n": pl.Int64}, orient="row")
    if long.is_empty():
        return long
    return (long.pivot(on="predicted", index="labelled", values="n", aggregate_function="sum")
            .fill_null(0).sort("labelled"))


def off_diagonal(rows: Sequence[tuple[str, str, int]]) -> pl.DataFrame:
    """Only the confusions: labelled and predicted differ (misses and false alarms too)."""
    return pl.DataFrame([r for r in rows if r[0] != r[1]],
                        schema={"labelled": pl.String, "predicted": pl.String, "n": pl.Int64},
                        orient="row").sort("n", descending=True)



def cer_calls_frame(report: dict[str, Any]) -> pl.DataFrame:
    cer = report.get("cer") or {}
    schema = {"call_id": pl.String, "kind": pl.String, "cer": pl.Float64, "edits": pl.Int64,
              "ref_chars": pl.Int64, "hyp_chars": pl.Int64, "cer_numbers_as_digits": pl.Float64,
              "cer_raw_transcript": pl.Float64}
    return pl.DataFrame(cer.get("calls") or [], schema=schema).sort("cer", descending=True)


def sweep_frame(rows: Sequence[dict[str, object]], item_id: str | None = None) -> pl.DataFrame:
    """Threshold sweep rows (``calibration.sweep_rows``), optionally for one ID or "(all)"."""
    frame = pl.DataFrame(list(rows), schema={
        "threshold": pl.Float64, "id": pl.String, "tp": pl.Int64, "fp": pl.Int64, "fn": pl.Int64,
        "precision": pl.Float64, "recall": pl.Float64, "f1": pl.Float64})
    return frame if item_id is None else frame.filter(pl.col("id") == item_id)


__all__ = ["NONE", "cer_by_rate", "cer_calls_frame", "cer_group_frame", "cer_turns_frame",
           "confusion_frame", "issues_frame", "off_diagonal", "per_id_frame", "sweep_frame",
           "worst_turns"]
