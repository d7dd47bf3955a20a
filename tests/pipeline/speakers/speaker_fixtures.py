"""Load the speaker fixtures (audio, reference turns, recorded Whisper output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.audio import AudioClip, load_audio
from pipeline.callmeta import CallMeta
from pipeline.transcript import Segment, Transcript, Word

DIR = Path(__file__).resolve().parents[2] / "fixtures" / "audio" / "speakers"


def reference(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DIR / "speakers.json").read_text())[name]
    return data


def transcript(name: str) -> Transcript:
    data = json.loads((DIR / name.replace(".flac", ".transcript.json")).read_text())
    segs = tuple(
        Segment(channel=s["channel"], start=s["start"], end=s["end"], raw_text=s["raw_text"],
                text=s["text"], words=tuple(Word(**w) for w in s["words"]),
                avg_logprob=s["avg_logprob"], no_speech_prob=s["no_speech_prob"],
                compression_ratio=s["compression_ratio"])
        for s in data["segments"]
    )
    return Transcript(segments=segs, duration=data["duration"], language="zh",
                      engine=data["engine"], model=data["model"])


def clip(name: str) -> AudioClip:
    return load_audio(DIR / name)


def meta(name: str) -> CallMeta:
    ref = reference(name)
    channels = tuple((int(k), v) for k, v in ref.get("channels", {}).items())
    return CallMeta(call_id=name, kind=ref["kind"], channels=channels)
