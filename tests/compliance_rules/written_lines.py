"""Shared by the tests of lines written apart from the rule examples: the loaded
packs, the fixture files, and a short call built around one line."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pipeline.callmeta import CallKind, CallMeta, Role
from pipeline.conversation import Conversation, Turn
from pipeline.rules import RuleResult, check_conversation, load_packs

ROOT = Path(__file__).resolve().parents[2]
PACKS = load_packs(ROOT / "compliance_rules")
# Call-level rules that judge the whole (short) call, not the line under test.
CALL_LEVEL = frozenset({"QA-CLOSE-01", "QA-RATE-01"})


def fixture_lines(name: str) -> list[dict[str, Any]]:
    text = (ROOT / "tests" / "fixtures" / name).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def check_call(said: tuple[tuple[Role, str], ...], kind: CallKind) -> RuleResult:
    """Check a call of the given turns, 5 s apart, on a Monday morning."""
    turns = tuple(Turn(index=i, speaker=role, role=role, start=i * 5.0, end=i * 5.0 + 4.0,
                       text=text) for i, (role, text) in enumerate(said))
    meta = CallMeta(call_id="line", kind=kind,
                    started_at=datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=8))))
    return check_conversation(Conversation(meta=meta, turns=turns, duration=5.0 * len(said)),
                              PACKS)


def rules_fired_at(result: RuleResult, turn: int) -> set[str]:
    return {f.rule_id for f in result.findings if f.evidence.turn == turn} - CALL_LEVEL
