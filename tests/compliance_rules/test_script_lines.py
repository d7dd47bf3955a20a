"""Callback questions written in wording the script items' examples do not use
(tests/fixtures/script_lines.jsonl): each must count as its item asked, in its own
turn, and as no other item."""

from __future__ import annotations

import pytest

from pipeline.callmeta import Role
from tests.compliance_rules.written_lines import check_call, fixture_lines

LINES = fixture_lines("script_lines.jsonl")
OPENING: tuple[tuple[Role, str], ...] = (
    ("agent", "您好，我是安信汽车金融的回访专员小李，本次通话将被录音，请问是王强先生吗？"),
    ("borrower", "是的。"),
)


@pytest.mark.parametrize("line", LINES, ids=[f"{x['item']}-{x['text'][:8]}" for x in LINES])
def test_question_counts_as_its_item(line: dict[str, str]) -> None:
    said: tuple[tuple[Role, str], ...] = (*OPENING, ("agent", line["text"]), ("borrower", "嗯，好的。"))
    script = check_call(said, "callback").script
    asked_here = {r.item_id for r in script
                  if r.asked and r.evidence is not None and r.evidence.turn == 2}
    assert asked_here == {line["item"]}
