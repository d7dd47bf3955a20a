"""Detection quality on the labelled set (regenerate with make_pii_lines.py)."""

import json
from pathlib import Path

from pipeline.pii import load_pii_pack
from pipeline.pii.evaluation import evaluate_lines

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "pii_lines.jsonl"


def test_fixture_has_every_entity_and_hard_negatives() -> None:
    rows = [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 150
    ids = {e["id"] for r in rows for e in r["entities"]}
    assert len(ids) == 6
    assert sum(1 for r in rows if not r["entities"]) >= 50
    assert any(not e["valid"] for r in rows for e in r["entities"])


def test_precision_and_recall_at_least_095() -> None:
    ev = evaluate_lines(FIXTURE, load_pii_pack())
    assert ev.overall.precision >= 0.95, ev.errors
    assert ev.overall.recall >= 0.95, ev.errors
    for eid, score in ev.per_entity.items():
        assert score.recall >= 0.9 and score.precision >= 0.9, (eid, ev.errors)


def test_hard_negative_fails_evaluation_when_detected(tmp_path: Path) -> None:
    # The scorer itself must punish a false alarm: label a real phone as "no PII".
    bad = tmp_path / "lines.jsonl"
    bad.write_text(json.dumps({"text": "电话13800125678", "entities": []}) + "\n",
                   encoding="utf-8")
    ev = evaluate_lines(bad, load_pii_pack())
    assert ev.overall.fp == 1 and ev.overall.precision == 0.0


def test_conversation_scoring(tmp_path: Path) -> None:
    from pipeline.pii.evaluation import evaluate_conversations

    conv = {"id": "cb-1", "kind": "callback",
            "turns": [{"speaker": "agent", "text": "请报一下您的手机号"},
                      {"speaker": "borrower", "text": "幺三八零零一二五六七八"},
                      {"speaker": "borrower", "text": "车牌苏E12345"}],
            "expect": {"pii": [{"id": "PII-MOBILE-CN", "turn": 1, "text": "幺三八零零一二五六七八",
                                "valid": True},
                               {"id": "PII-ID-CN", "turn": 2, "text": "x", "valid": True}]}}
    path = tmp_path / "conversations.jsonl"
    path.write_text(json.dumps(conv, ensure_ascii=False) + "\n", encoding="utf-8")
    ev = evaluate_conversations(path, load_pii_pack())
    assert (ev.overall.tp, ev.overall.fp, ev.overall.fn) == (1, 1, 1)
