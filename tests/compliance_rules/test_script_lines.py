"""Callback questions written in wording the script items' examples do not use
(tests/fixtures/script_lines.jsonl): each must count as its item asked, in its own
turn, and as no other item."""

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
         (ROOT / "tests" / "fixtures" / "script_lines.jsonl").read_text("utf-8").splitlines()]
OPENING: tuple[tuple[Role, str], ...] = (
    ("agent", "您好，我是安信汽车金融的回访专员小李，本次通话将被录音，请问是王强先生吗？"),
    ("borrower", "是的。"),
)


@pytest.mark.parametrize("line", LINES, ids=[f"{x['item']}-{x['text'][:8]}" for x in LINES])
def test_question_counts_as_its_item(line: dict[str, str]) -> None:
    said: tuple[tuple[Role, str], ...] = (*OPENING, ("agent", line["text"]), ("borrower", "嗯，好的。"))
    turns = tuple(Turn(index=i, speaker=role, role=role, start=i * 5.0, end=i * 5.0 + 4.0,
                       text=text) for i, (role, text) in enumerate(said))
    meta = CallMeta(call_id="line", kind="callback",
                    started_at=datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=8))))
    script = check_conversation(Conversation(meta=meta, turns=turns, duration=20.0), PACKS).script
    asked_here = {r.item_id for r in script
                  if r.asked and r.evidence is not None and r.evidence.turn == 2}
    assert asked_here == {line["item"]}
