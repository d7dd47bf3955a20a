from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from pipeline.pii import apply_retention
from pipeline.store.schema import CallRow, SegmentRow
from pipeline.store.session import open_store

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _call(call_id: str, started: datetime, source: Path) -> CallRow:
    row = CallRow(call_id=call_id, source_path=str(source), content_hash=call_id * 4,
                  status="done", started_at=started, processed_at=started)
    row.segments = [SegmentRow(turn_index=0, speaker="ch1", role="borrower", raw_text="幺三八…",
                               norm_text="138…", text="138****5678", confidence=0.9,
                               words_json="[]")]
    return row


def test_retention_clears_old_raw_data(tmp_path: Path) -> None:
    factory = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    old_audio, new_audio = tmp_path / "old.wav", tmp_path / "new.wav"
    old_audio.write_bytes(b"RIFF")
    new_audio.write_bytes(b"RIFF")
    with factory() as s, s.begin():
        s.add(_call("old", NOW - timedelta(days=100), old_audio))
        s.add(_call("new", NOW - timedelta(days=3), new_audio))

    report = apply_retention(factory, 30, NOW, delete_audio=True)
    assert report.calls == 1 and report.segments == 1 and report.audio_deleted == 1
    assert report.call_ids == ("old",)
    assert not old_audio.exists() and new_audio.exists()
    with factory() as s:
        rows = {c.call_id: c for c in s.scalars(select(CallRow))}
        assert rows["old"].raw_deleted_at is not None and rows["new"].raw_deleted_at is None
        segs = {sg.call.call_id: sg for sg in s.scalars(select(SegmentRow))}
        old_seg = segs["old"]
        assert old_seg.raw_text is None and old_seg.norm_text is None
        assert old_seg.words_json is None
        assert old_seg.text == "138****5678"  # masked text is kept
        assert segs["new"].raw_text == "幺三八…"

    again = apply_retention(factory, 30, NOW, delete_audio=True)
    assert again.calls == 0  # already done
