"""Every example of every rule pack: `match` must fire, `no_match` must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.rules import load_packs
from pipeline.rules.examples import ExampleCase, iter_cases, run_case

PACK_DIR = Path(__file__).resolve().parents[2] / "compliance_rules"
PACKS = load_packs(PACK_DIR)
CASES = list(iter_cases(PACKS))


def test_every_catalogue_pack_is_loaded() -> None:
    assert {p.name for p in PACKS} == {"cn_conduct", "service_quality", "cn_callback_script"}


def test_every_text_rule_has_both_kinds_of_example() -> None:
    for pack in PACKS:
        for rule in pack.rules:
            if rule.kind == "loudness":
                continue  # needs audio: tests/pipeline/rules/test_engine.py
            assert rule.examples.match, f"{rule.id} has no match example"
            assert rule.examples.no_match, f"{rule.id} has no no_match example"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_example(case: ExampleCase) -> None:
    outcome = run_case(PACKS, case)
    assert outcome.passed, f"{case.name}: {outcome.detail}"
