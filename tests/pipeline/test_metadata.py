from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.errors import MetadataError
from pipeline.metadata import load_metadata, read_manifest


def test_sidecar_json(tmp_path: Path) -> None:
    audio = tmp_path / "cb-1.wav"
    audio.write_bytes(b"x")
    (tmp_path / "cb-1.wav.json").write_text(json.dumps({
        "call_id": "CB-0001", "kind": "callback", "started_at": "2026-03-02T10:15:00+08:00",
        "agent_id": "A017", "borrower_id": "B1234", "channels": {"0": "agent", "1": "borrower"},
        "branch": "Hefei",
    }))
    meta = load_metadata(audio)
    assert meta.call_id == "CB-0001"
    assert meta.kind == "callback"
    assert meta.started_at == datetime.fromisoformat("2026-03-02T10:15:00+08:00")
    assert meta.channel_map == {0: "agent", 1: "borrower"}
    assert meta.is_split
    assert dict(meta.extra) == {"branch": "Hefei"}


def test_manifest_csv(tmp_path: Path) -> None:
    (tmp_path / "a.wav").write_bytes(b"x")
    (tmp_path / "manifest.csv").write_text(
        "file,call_id,started_at,agent_id,borrower_id,kind,channels\n"
        'a.wav,C1,2026-03-02T22:15:00+08:00,A1,B1,collection,"{""0"":""agent"",""1"":""borrower""}"\n'
    )
    manifest = read_manifest(tmp_path / "manifest.csv")
    meta = load_metadata(tmp_path / "a.wav", manifest)
    assert (meta.call_id, meta.kind, meta.borrower_id) == ("C1", "collection", "B1")
    assert meta.channel_map == {0: "agent", 1: "borrower"}


def test_no_metadata_uses_file_stem(tmp_path: Path) -> None:
    meta = load_metadata(tmp_path / "visit-7.flac")
    assert meta.call_id == "visit-7"
    assert not meta.is_split


def test_default_channels_from_config(tmp_path: Path) -> None:
    meta = load_metadata(tmp_path / "x.wav", None, {"0": "agent", "1": "borrower"})
    assert meta.is_split


@pytest.mark.parametrize(
    ("sidecar", "message"),
    [
        ({"kind": "robocall"}, "kind 'robocall' is not one of"),
        ({"started_at": "yesterday"}, "not an ISO date-time"),
        ({"channels": {"0": "agent", "1": "customer"}}, "role 'customer'"),
        ({"channels": {"left": "agent"}}, "is not a number"),
        ({"dial_attempts": "many"}, "dial_attempts"),
    ],
)
def test_bad_sidecar_names_file_and_field(tmp_path: Path, sidecar: dict[str, object],
                                          message: str) -> None:
    audio = tmp_path / "c.wav"
    side = tmp_path / "c.json"
    side.write_text(json.dumps(sidecar))
    with pytest.raises(MetadataError, match=message) as info:
        load_metadata(audio)
    assert str(side) in str(info.value)


def test_manifest_without_file_column(tmp_path: Path) -> None:
    m = tmp_path / "manifest.csv"
    m.write_text("call_id,kind\nC1,callback\n")
    with pytest.raises(MetadataError, match="'file' column"):
        read_manifest(m)
