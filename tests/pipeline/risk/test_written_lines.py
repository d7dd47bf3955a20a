"""Borrower answers written from what each risk signal means, in wording the pack
examples did not use, plus answers that share their words and assert nothing
(tests/fixtures/risk_lines.jsonl). Each answers the agent's question about the
missed payment. Pattern matching only, so the result does not depend on the encoder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.risk import extract_risks, load_risk_pack
from pipeline.risk.pack import default_pack_path
from tests.pipeline.risk.conftest import conversation

PACK = load_risk_pack(default_pack_path(), {"semantic": {"enabled": False}})
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "risk_lines.jsonl"
LINES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("line", LINES, ids=[f"{x['signal']}-{x['text'][:8]}" for x in LINES])
def test_written_line(line: dict[str, object]) -> None:
    conv = conversation(("agent", "您这个月的月供还没还，是什么情况呢？"), ("borrower", str(line["text"])))
    asserted = {s.signal_id for s in extract_risks(conv, PACK).signals
                if s.evidence.turn == 1 and s.polarity == "asserted"}
    assert (line["signal"] in asserted) == line["asserted"], sorted(asserted)
