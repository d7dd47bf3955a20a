"""Flat exports of the store for BI tools: calls, segments, findings, risk signals,
script items. Only masked text leaves: raw transcript columns are never exported."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.store.schema import (
    Base,
    CallRow,
    FindingRow,
    RiskSignalRow,
    ScriptItemRow,
    SegmentRow,
)

ExportFormat = Literal["parquet", "csv"]

# Columns that hold unmasked personal data and must never be exported.
_NEVER_EXPORTED = {"raw_text", "norm_text", "words_json", "password_hash"}


def _columns(model: type[Base]) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name not in _NEVER_EXPORTED]


def _frame(session: Session, model: type[Base], with_call_id: bool) -> pl.DataFrame:
    cols = _columns(model)
    if with_call_id:
        stmt = select(*[getattr(model, c) for c in cols], CallRow.call_id).join(
            CallRow, CallRow.id == model.call_pk  # type: ignore[attr-defined]
        )
        names = [*cols, "call_id"]
    else:
        stmt = select(*[getattr(model, c) for c in cols])
        names = cols
    rows = session.execute(stmt).all()
    schema_rows = [dict(zip(names, r, strict=True)) for r in rows]
    return pl.DataFrame(schema_rows, infer_schema_length=None) if schema_rows else \
        pl.DataFrame({n: [] for n in names})


def export_tables(factory: sessionmaker[Session], out_dir: Path,
                  fmt: ExportFormat = "parquet") -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    tables: dict[str, tuple[type[Base], bool]] = {
        "calls": (CallRow, False),
        "segments": (SegmentRow, True),
        "findings": (FindingRow, True),
        "risk_signals": (RiskSignalRow, True),
        "script_items": (ScriptItemRow, True),
    }
    with factory() as session:
        for name, (model, join) in tables.items():
            df = _frame(session, model, join)
            path = out_dir / f"{name}.{fmt}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            if fmt == "parquet":
                df.write_parquet(tmp)
            else:
                df.write_csv(tmp)
            tmp.replace(path)  # never leave a half-written export behind
            written[name] = path
    return written
