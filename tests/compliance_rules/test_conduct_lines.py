"""Agent lines written from what each conduct rule forbids, in wording the rule
examples do not use (colloquial, dialect, reversed word order), plus compliant lines
that share their words (tests/fixtures/conduct_lines.jsonl). Each is checked as the
third turn of a collection call whose identity check has passed, so only the rule
under test can explain a finding."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.callmeta import Role
from tests.compliance_rules.written_lines import check_call, fixture_lines, rules_fired_at

LINES = fixture_lines("conduct_lines.jsonl")
OPENING: tuple[tuple[Role, str], ...] = (
    ("agent", "您好，我是安信汽车金融的客服小王，工号1234，本次通话将被录音，请问是张伟先生吗？"),
    ("borrower", "对，我是张伟。"),
)


@pytest.mark.parametrize("line", LINES, ids=[line["text"][:12] for line in LINES])
def test_conduct_line(line: dict[str, Any]) -> None:
    found = rules_fired_at(check_call((*OPENING, ("agent", line["text"])), "collection"), 2)
    if line["rule"] is None:
        assert not found, f"compliant line flagged: {sorted(found)}"
    elif line["violates"]:
        assert line["rule"] in found
    else:
        assert line["rule"] not in found
