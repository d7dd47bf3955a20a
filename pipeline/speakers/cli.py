"""`callqa speakers ...`: attribute speakers of one recording, or score against labels."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from pipeline.audio import AudioClip, load_audio
from pipeline.callmeta import CALL_KINDS, ROLES, CallMeta, Role
from pipeline.conversation import Conversation
from pipeline.speakers.attribute import attribute_speakers
from pipeline.speakers.options import SpeakerOptions
from pipeline.speakers.scoring import SpeakerScores, score_speakers
from pipeline.transcript import TranscribeOptions, Transcript

Transcriber = Callable[[AudioClip, CallMeta], Transcript]


def _default_transcriber() -> Transcriber:
    from pipeline.engines import EngineOptions, create_engine
    from pipeline.transcribe import transcribe_clip

    engine = create_engine(EngineOptions())
    return lambda clip, meta: transcribe_clip(clip, meta, engine, TranscribeOptions())


def _parse_channels(value: str | None) -> tuple[tuple[int, Role], ...]:
    if not value:
        return ()
    out: list[tuple[int, Role]] = []
    for part in value.split(","):
        ch, _, role = part.partition("=")
        if role not in ROLES or not ch.strip().isdigit():
            raise click.BadParameter(f"{part!r}: use e.g. 0=agent,1=borrower")
        out.append((int(ch), role))
    return tuple(out)


def _conversation_rows(conv: Conversation) -> list[dict[str, Any]]:
    return [{"index": t.index, "speaker": t.speaker, "role": t.role, "start": t.start,
             "end": t.end, "text": t.text, "confidence": t.confidence} for t in conv.turns]


@click.group("speakers")
def speakers_group() -> None:
    """Speakers and roles: diarize, attribute, score."""


@speakers_group.command("attribute")
@click.argument("audio", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(CALL_KINDS), default=None)
@click.option("--channels", default=None, help="channel map of a split call: 0=agent,1=borrower")
@click.option("--num-speakers", type=click.IntRange(1, 5), default=None,
              help="known number of speakers of a mono recording")
def attribute_command(audio: Path, kind: str | None, channels: str | None,
                      num_speakers: int | None) -> None:
    """Transcribe AUDIO and print its turns with speakers and roles (JSON lines)."""
    meta = CallMeta(call_id=audio.stem, kind=kind, channels=_parse_channels(channels))  # type: ignore[arg-type]
    clip = load_audio(audio)
    conv = attribute_speakers(_default_transcriber()(clip, meta), clip, meta,
                              SpeakerOptions(num_speakers=num_speakers))
    for r in conv.roles:
        click.echo(json.dumps({"speaker": r.speaker, "role": r.role, "confidence": r.confidence,
                               "evidence": r.evidence}, ensure_ascii=False))
    for row in _conversation_rows(conv):
        click.echo(json.dumps(row, ensure_ascii=False))


def score_labelled(
    records: list[dict[str, Any]], root: Path, transcriber: Transcriber,
    options: SpeakerOptions, collar: float,
) -> list[tuple[str, str, SpeakerScores]]:
    """Run the speaker stage on labelled recordings and score each one."""
    out: list[tuple[str, str, SpeakerScores]] = []
    for rec in records:
        channels = tuple((int(k), v) for k, v in (rec.get("channels") or {}).items())
        meta = CallMeta(call_id=rec["id"], kind=rec.get("kind"), channels=channels)
        clip = load_audio(root / rec["audio"])
        conv = attribute_speakers(transcriber(clip, meta), clip, meta, options)
        out.append((rec["id"], "stereo" if meta.is_split else "mono",
                    score_speakers(rec["turns"], conv, collar=collar)))
    return out


@speakers_group.command("score")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="directory the labels' audio paths are relative to (default: the repo root "
                   "when paths start with sample_audio/, else the labels' directory)")
@click.option("--ids", default=None, help="comma-separated conversation ids")
@click.option("--limit", type=int, default=None, help="score at most this many recordings")
@click.option("--collar", type=float, default=0.25, show_default=True)
@click.option("--json-out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def score_command(labels: Path, root: Path | None, ids: str | None, limit: int | None,
                  collar: float, json_out: Path | None) -> None:
    """DER and role accuracy of the speaker stage on labelled recordings with audio."""
    records = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    records = [r for r in records if r.get("audio")]
    if ids:
        wanted = {i.strip() for i in ids.split(",")}
        records = [r for r in records if r["id"] in wanted]
    records = records[:limit] if limit else records
    if not records:
        raise click.UsageError("no labelled recordings with audio selected")
    base = root or (Path.cwd() if str(records[0]["audio"]).startswith("sample_audio/")
                    else labels.parent)
    results = score_labelled(records, base, _default_transcriber(), SpeakerOptions(), collar)
    click.echo(summarise(results))
    if json_out:
        json_out.write_text(json.dumps([{"id": i, "layout": lay, **asdict(s)}
                                        for i, lay, s in results], ensure_ascii=False, indent=1))


def summarise(results: list[tuple[str, str, SpeakerScores]]) -> str:
    lines = [f"{'id':<16} {'layout':<7} {'DER':>6} {'miss':>6} {'FA':>6} {'conf':>6} "
             f"{'roleacc':>7} {'ref/hyp spk':>11}"]
    for cid, layout, s in results:
        lines.append(f"{cid:<16} {layout:<7} {s.der:6.3f} {s.missed:6.3f} {s.false_alarm:6.3f} "
                     f"{s.confusion:6.3f} {s.role_accuracy:7.3f} "
                     f"{s.reference_speakers:>5}/{s.hypothesis_speakers:<5}")
    for layout in ("stereo", "mono"):
        group = [s for _, lay, s in results if lay == layout]
        if not group:
            continue
        total = sum(s.reference_speech_s for s in group)
        der = sum(s.der * s.reference_speech_s for s in group) / total if total else 0.0
        role = sum(s.role_accuracy * s.reference_speech_s for s in group) / total if total else 0.0
        lines.append(f"{layout}: {len(group)} recordings, {total:.0f} s speech, "
                     f"DER {der:.3f}, role accuracy {role:.3f} (speech-time weighted)")
    return "\n".join(lines)
