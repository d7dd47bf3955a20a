"""Every example in compliance_rules/cn_risk.yaml, run through extract_risks.

Pattern matching only (semantic off) so each example proves a phrase, regex or
pinyin key; the semantic fallback has its own slow test.
"""

from __future__ import annotations

import pytest

from pipeline.risk import load_risk_pack
from pipeline.risk.examples import check_example
from pipeline.risk.pack import ExampleSpec, default_pack_path

PACK = load_risk_pack(default_pack_path(), {"semantic": {"enabled": False}})
CASES = [(s.id, i, ex) for s in PACK.spec.signals for i, ex in enumerate(s.examples)]


def test_every_signal_has_positive_and_negative_examples() -> None:
    for s in PACK.spec.signals:
        assert any(e.match and e.polarity == "asserted" for e in s.examples), s.id
        assert any(not e.match or e.polarity != "asserted" for e in s.examples), s.id


@pytest.mark.parametrize(("signal_id", "index", "example"), CASES,
                         ids=[f"{sid}-{i}" for sid, i, _ in CASES])
def test_example(signal_id: str, index: int, example: ExampleSpec) -> None:
    outcome = check_example(signal_id, index, example, PACK)
    assert outcome.ok, f"{signal_id} example {index} {example.text!r}: {outcome.problems}"
