"""Agent lines written from what each conduct rule forbids, in wording the rule
examples do not use (colloquial, dialect, reversed word order), plus compliant lines
that share their words. Each is checked as the third turn of a collection call whose
identity check has passed, so only the rule under test can explain a finding."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.callmeta import CallMeta, Role
from pipeline.conversation import Conversation, Turn
from pipeline.rules import check_conversation, load_packs

ROOT = Path(__file__).resolve().parents[2]
PACKS = load_packs(ROOT / "compliance_rules")
LINES = [json.loads(line) for line in
         (ROOT / "tests" / "fixtures" / "conduct_lines.jsonl").read_text("utf-8").splitlines()]
OPENING: tuple[tuple[Role, str], ...] = (
    ("agent", "您好，我是安信汽车金融的客服小王，工号1234，本次通话将被录音，请问是张伟先生吗？"),
    ("borrower", "对，我是张伟。"),
)
# Call-level rules that judge the whole (three-turn) call, not the line.
CALL_LEVEL = {"QA-CLOSE-01", "QA-RATE-01"}


def findings_on_line(text: str) -> set[str]:
    turns = tuple(Turn(index=i, speaker=role, role=role, start=i * 5.0, end=i * 5.0 + 4.0,
                       text=t) for i, (role, t) in enumerate((*OPENING, ("agent", text))))
    meta = CallMeta(call_id="line", kind="collection",
                    started_at=datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=8))))
    result = check_conversation(Conversation(meta=meta, turns=turns, duration=15.0), PACKS)
    return {f.rule_id for f in result.findings if f.evidence.turn == 2} - CALL_LEVEL


@pytest.mark.parametrize("line", LINES, ids=[line["text"][:12] for line in LINES])
def test_conduct_line(line: dict[str, object]) -> None:
    found = findings_on_line(str(line["text"]))
    if line["rule"] is None:
        assert not found, f"compliant line flagged: {sorted(found)}"
    elif line["violates"]:
        assert line["rule"] in found
    else:
        assert line["rule"] not in found
