import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from pipeline.pii.cli import pii
from pipeline.pii.validators import id_check_char
from pipeline.store.schema import CallRow, SegmentRow
from pipeline.store.session import open_store


def test_detect_prints_one_json_per_line() -> None:
    first = "11010519491231002"
    good = first + id_check_char(first)
    bad = good[:-1] + "1"
    lines = f"我手机幺三八零零一二三四五六\n没有个人信息\n身份证{good}\n请记下{bad}\n"
    result = CliRunner().invoke(pii, ["detect"], input=lines)
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.output.splitlines()]
    assert len(out) == 4
    assert out[0]["entities"][0]["id"] == "PII-MOBILE-CN"
    assert out[0]["entities"][0]["text"] == "幺三八零零一二三四五六"  # raw: the user's own input
    assert out[1] == {"entities": []}
    assert out[2]["entities"][0] == {"id": "PII-ID-CN", "start": 3, "end": 21, "text": good,
                                     "valid": True, "score": 1.0}
    assert out[3]["entities"][0]["valid"] is False and out[3]["entities"][0]["score"] < 0.5


def test_retention_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    factory = open_store(url)
    old = datetime.now(UTC) - timedelta(days=40)
    with factory() as s, s.begin():
        row = CallRow(call_id="c1", source_path=str(tmp_path / "gone.wav"), content_hash="h",
                      status="done", started_at=old, processed_at=old)
        row.segments = [SegmentRow(turn_index=0, speaker="a", role="agent", raw_text="x",
                                   text="x", confidence=1.0)]
        s.add(row)
    result = CliRunner().invoke(pii, ["retention", "--days", "30", "--delete-audio",
                                      "--database-url", url])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["calls"] == 1 and report["audio_missing"] == 1
