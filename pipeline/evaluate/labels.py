"""Labelled conversations (spec/labels.md): pydantic models and a JSONL loader.

The format is shared with lenders' own labelled sets, so the models are
tolerant: unknown keys are kept (``extra="allow"``) and every field that the
spec calls optional is optional. What cannot be scored (a turn index outside
the conversation, a speaker that is not a role) is an error naming the file and
the line, so a labeller can fix it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.callmeta import CallKind
from pipeline.errors import CallQAError

LabelSpeaker = Literal["agent", "borrower", "third_party", "unknown"]
LabelPolarity = Literal["asserted", "negated", "hypothetical", "reported"]


class LabelsError(CallQAError):
    """A labels file cannot be read; the message names the file and line."""


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class LabelTurn(_Tolerant):
    speaker: LabelSpeaker
    text: str
    start: float | None = None
    end: float | None = None


class ExpectedFinding(_Tolerant):
    id: str
    turn: int | None = Field(default=None, ge=0)


class ExpectedRisk(_Tolerant):
    id: str
    turn: int | None = Field(default=None, ge=0)
    polarity: LabelPolarity = "asserted"
    slots: dict[str, Any] = Field(default_factory=dict)


class ExpectedPii(_Tolerant):
    id: str
    turn: int | None = Field(default=None, ge=0)
    text: str = ""
    valid: bool | None = None


class Expect(_Tolerant):
    findings: list[ExpectedFinding] = Field(default_factory=list)
    absent: list[str] = Field(default_factory=list)
    # None means "not labelled" (not scored), unlike an empty dict/list.
    script: dict[str, bool] | None = None
    answers: dict[str, str] | None = None
    risks: list[ExpectedRisk] | None = None
    pii: list[ExpectedPii] | None = None


class LabelRecord(_Tolerant):
    id: str
    kind: CallKind | None = None
    started_at: datetime | None = None
    agent_id: str | None = None
    borrower_id: str | None = None
    audio: str | None = None
    channels: dict[int, LabelSpeaker] | None = None
    turns: list[LabelTurn]
    expect: Expect = Field(default_factory=Expect)

    @model_validator(mode="after")
    def _turns_in_range(self) -> LabelRecord:
        n = len(self.turns)
        items: list[tuple[str, int | None]] = [(f.id, f.turn) for f in self.expect.findings]
        items += [(r.id, r.turn) for r in self.expect.risks or ()]
        items += [(p.id, p.turn) for p in self.expect.pii or ()]
        for item_id, turn in items:
            if turn is not None and turn >= n:
                raise ValueError(f"{item_id}: turn {turn} out of range (the call has {n} turns)")
        return self


def parse_record(data: object, where: str) -> LabelRecord:
    """Validate one decoded JSON object; ``where`` ("file:line") prefixes errors."""
    try:
        return LabelRecord.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()
        )
        raise LabelsError(f"{where}: {problems}") from exc


def parse_lines(lines: Iterable[str], source: str) -> list[LabelRecord]:
    records: list[LabelRecord] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelsError(f"{where}: not valid JSON: {exc.msg} (column {exc.colno})") from exc
        record = parse_record(data, where)
        if record.id in seen:
            first = seen[record.id]
            raise LabelsError(f"{where}: duplicate id {record.id!r} (first on line {first})")
        seen[record.id] = lineno
        records.append(record)
    return records


def load_labels(path: Path) -> list[LabelRecord]:
    """Read a labels JSONL file; raise LabelsError naming the file and line."""
    if not path.is_file():
        raise LabelsError(f"{path}: labels file does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LabelsError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_lines(text.splitlines(), str(path))
