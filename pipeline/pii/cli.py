"""`callqa pii …`: try the recognisers on your own text, and run retention."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from pipeline.pii.pack import load_pii_pack
from pipeline.pii.recognizers import detect_entities


@click.group("pii")
def pii() -> None:
    """Personal data: detection, masking and retention."""


@pii.command("detect")
@click.option("--pack", "pack_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="cn_pii.yaml to use (default: the rules directory).")
@click.option("--min-score", type=float, default=0.0, show_default=True,
              help="Leave out candidates scoring below this.")
def detect(pack_path: Path | None, min_score: float) -> None:
    """Read lines of text on stdin; print one JSON object per line with the entities.

    Values are printed raw: the input is your own text.
    """
    pack = load_pii_pack(pack_path)
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        entities = detect_entities(text, pack, min_score)
        click.echo(json.dumps({"entities": [e.to_json() for e in entities]},
                              ensure_ascii=False))


@pii.command("retention")
@click.option("--days", type=click.IntRange(min=0), required=True,
              help="Keep raw transcripts (and audio) this many days.")
@click.option("--delete-audio", is_flag=True, help="Also delete the source recordings.")
@click.option("--database-url", default=None, help="Store URL (default: CALLQA_DATABASE_URL).")
def retention(days: int, delete_audio: bool, database_url: str | None) -> None:
    """Clear raw text, word timings (and optionally audio) of calls older than --days."""
    from pipeline.pii.retention import apply_retention
    from pipeline.settings import load_settings
    from pipeline.store.session import open_store

    url = database_url or load_settings().database_url
    report = apply_retention(open_store(url), days, datetime.now(UTC), delete_audio=delete_audio)
    click.echo(json.dumps({"cutoff": report.cutoff.isoformat(), "calls": report.calls,
                           "segments": report.segments, "audio_deleted": report.audio_deleted,
                           "audio_missing": report.audio_missing}))
