import json
from pathlib import Path

import pytest

from pipeline.evaluate.labels import LabelsError, load_labels, parse_lines
from pipeline.evaluate.reference import (
    conversation_from_labels,
    history_for,
    meta_from_labels,
    resolve_audio,
)

RECORD = {
    "id": "cn-0001",
    "kind": "collection",
    "started_at": "2026-03-02T10:15:00+08:00",
    "borrower_id": "B1",
    "channels": {"0": "agent", "1": "borrower"},
    "reviewer": "QA team",  # not in the spec: kept, not an error
    "turns": [
        {"speaker": "agent", "text": "您好，您这个月欠了两千五百元。", "start": 0.0, "end": 3.0},
        {"speaker": "borrower", "text": "我這週五還。"},
        {"speaker": "third_party", "text": "他不在家。", "start": 4.0, "end": 5.0},
    ],
    "expect": {"findings": [{"id": "CN-VERIFY-01", "turn": 0}],
               "risks": [{"id": "RISK-PTP", "turn": 1, "slots": {"date": "2026-03-06"}}]},
}


def _lines(*records: dict) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in records]


def test_load_keeps_unknown_keys_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(_lines(RECORD)) + "\n\n", encoding="utf-8")
    [record] = load_labels(path)
    assert record.model_extra == {"reviewer": "QA team"}
    assert record.expect.risks is not None and record.expect.risks[0].polarity == "asserted"
    assert record.expect.script is None  # not labelled, so not scored
    assert record.expect.pii is None
    assert record.channels == {0: "agent", 1: "borrower"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"turns": [{"speaker": "caller", "text": "喂"}]}, "turns.0.speaker"),
        ({"expect": {"findings": [{"id": "CN-ID-01", "turn": 3}]}}, "turn 3 out of range"),
        ({"expect": {"findings": [{"id": "CN-ID-01", "turn": -1}]}}, "findings.0.turn"),
        ({"turns": None}, "turns"),
        ({"kind": "sales"}, "kind"),
    ],
)
def test_errors_name_the_file_and_line(change: dict, message: str) -> None:
    bad = {**RECORD, **change}
    with pytest.raises(LabelsError) as err:
        parse_lines(_lines(RECORD, bad), "set.jsonl")
    assert str(err.value).startswith("set.jsonl:2: ")
    assert message in str(err.value)


def test_invalid_json_and_duplicates() -> None:
    with pytest.raises(LabelsError, match=r"^x.jsonl:3: not valid JSON"):
        parse_lines([*_lines(RECORD), "", '{"id": '], "x.jsonl")
    with pytest.raises(LabelsError, match=r"x.jsonl:2: duplicate id 'cn-0001' \(first on line 1\)"):
        parse_lines(_lines(RECORD, RECORD), "x.jsonl")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LabelsError, match="does not exist"):
        load_labels(tmp_path / "none.jsonl")


def test_conversation_from_labels() -> None:
    [record] = parse_lines(_lines(RECORD), "x")
    conv = conversation_from_labels(record)
    assert [t.role for t in conv.turns] == ["agent", "borrower", "third_party"]
    assert conv.turns[0].text == "您好，您这个月欠了2500元。"
    assert conv.turns[0].raw_text == "您好，您这个月欠了两千五百元。"
    assert conv.turns[1].text == "我这周五还。"  # simplified; 周五 stays a weekday
    assert (conv.turns[1].start, conv.turns[1].end) == (None, None)
    # the third party speaks on the customer's line of a stereo call
    assert [t.channel for t in conv.turns] == [0, 1, 1]
    assert conv.duration == 5.0
    assert conv.meta.call_id == "cn-0001"
    assert conv.meta.started_at is not None and conv.meta.started_at.hour == 10
    assert conv.meta.channels == ((0, "agent"), (1, "borrower"))


def test_history_is_the_same_borrowers_other_calls() -> None:
    records = parse_lines(_lines(RECORD, {**RECORD, "id": "cn-0002"},
                                 {**RECORD, "id": "cn-0003", "borrower_id": "B2"},
                                 {**RECORD, "id": "cn-0004", "borrower_id": None}), "x")
    assert [m.call_id for m in history_for(records[0], records)] == ["cn-0002"]
    assert history_for(records[3], records) == ()
    assert meta_from_labels(records[2]).borrower_id == "B2"


def test_resolve_audio_from_labels_folder_parents(tmp_path: Path) -> None:
    (tmp_path / "sample_audio").mkdir()
    (tmp_path / "sample_audio" / "a.wav").write_bytes(b"RIFF")
    labels = tmp_path / "sample_audio" / "conversations.jsonl"
    [record] = parse_lines(_lines({**RECORD, "audio": "sample_audio/a.wav"}), "x")
    assert resolve_audio(record, labels) == tmp_path / "sample_audio" / "a.wav"
    [missing] = parse_lines(_lines({**RECORD, "audio": "sample_audio/b.wav"}), "x")
    assert resolve_audio(missing, labels) is None
