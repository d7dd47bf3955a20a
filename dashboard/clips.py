"""Export a trainer playlist as a zip of masked audio clips with their masked
transcript and notes.

Each clip is cut from the source recording; every stretch where personal data
was said (pii_spans, located in time from the turn's word timings by
``pipeline.pii.span_time``) is replaced with a tone by ``pipeline.pii.redact_audio``
before cutting, so a span that straddles the clip edge is bleeped too. A clip
whose personal data cannot be located in time is exported without audio: a
training file must never carry an unmasked ID or card number.
"""

from __future__ import annotations

import io
import json
import re
import wave
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.analysis import PiiSpan
from pipeline.audio import AudioClip, load_audio
from pipeline.conversation import Turn
from pipeline.errors import AudioError
from pipeline.pii import redact_audio, span_time
from pipeline.store.schema import (
    CallRow,
    PiiSpanRow,
    PlaylistItemRow,
    PlaylistRow,
    SegmentRow,
)
from pipeline.transcript import Word


class ExportError(Exception):
    """The playlist cannot be exported (message says why)."""


@dataclass(frozen=True)
class ClipReport:
    position: int
    call_id: str
    file: str | None  # wav name in the zip, None when the audio was withheld
    bleeped: int  # PII stretches replaced with a tone inside the clip
    note: str  # why audio is missing, if it is


def _words(words_json: str | None) -> tuple[Word, ...]:
    # Stored as a JSON list of {start, end, text, probability} or [start, end, text, p].
    if not words_json:
        return ()
    try:
        raw = json.loads(words_json)
    except json.JSONDecodeError:
        return ()
    out: list[Word] = []
    for w in raw if isinstance(raw, list) else []:
        if isinstance(w, dict):
            out.append(Word(float(w["start"]), float(w["end"]), str(w.get("text", w.get("word",
                       ""))), float(w.get("probability", 1.0))))
        elif isinstance(w, list | tuple) and len(w) >= 3:
            out.append(Word(float(w[0]), float(w[1]), str(w[2]),
                            float(w[3]) if len(w) > 3 else 1.0))
    return tuple(out)


def _turn(seg: SegmentRow) -> Turn:
    # PII offsets refer to the normalised text; after retention cleared it the
    # span cannot be aligned and span_time falls back to the whole turn.
    return Turn(index=seg.turn_index, speaker=seg.speaker, role="unknown", start=seg.start,
                end=seg.end, text=seg.norm_text or "", raw_text="", words=_words(seg.words_json),
                confidence=seg.confidence, channel=seg.channel)


def pii_intervals(segments: Iterable[SegmentRow], spans: Iterable[PiiSpanRow]
                  ) -> tuple[list[tuple[float, float, int | None]], int]:
    """Time spans to bleep, and how many PII spans could not be placed at all."""
    by_turn = {s.turn_index: s for s in segments}
    out: list[tuple[float, float, int | None]] = []
    unplaced = 0
    for span in spans:
        seg = by_turn.get(span.turn_index) if span.turn_index is not None else None
        if seg is None or seg.start is None or seg.end is None:
            unplaced += 1
            continue
        pii = PiiSpan(entity_id=span.entity_id, turn=span.turn_index, start=span.start_char,
                      end=span.end_char, text="", valid=span.valid, score=span.score,
                      masked=span.masked)
        out.append(span_time(_turn(seg), pii))
    return out, unplaced


def _wav_bytes(samples: npt.NDArray[np.float32], rate: int) -> bytes:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(pcm.shape[0])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.ascontiguousarray(pcm.T).tobytes())
    return buf.getvalue()


def _masked_clip(clip: AudioClip, intervals: list[tuple[float, float, int | None]],
                 start: float, end: float) -> tuple[npt.NDArray[np.float32], int]:
    # A channel the decoded clip does not have (recording mixed down): bleep all.
    fixed = [(a, b, c if c is not None and c < clip.channels else None)
             for a, b, c in intervals]
    redacted = redact_audio(clip.samples, clip.sample_rate, fixed)
    inside = sum(1 for a, b, _ in fixed if a < end and b > start)
    a = max(0, int(start * clip.sample_rate))
    b = min(redacted.shape[1], int(end * clip.sample_rate))
    return redacted[:, a:b], inside


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "clip"


def _transcript(segments: list[SegmentRow], start: float, end: float) -> str:
    lines = []
    for s in segments:
        if s.start is None or s.end is None or s.end <= start or s.start >= end:
            continue
        lines.append(f"[{s.start:7.1f}s] {s.role:<11} {s.text}")
    return "\n".join(lines) + "\n"


def export_playlist(factory: sessionmaker[Session], playlist_id: int
                    ) -> tuple[bytes, list[ClipReport]]:
    """Zip bytes (clips/*.wav, clips/*.txt, playlist.json, README.txt) and a report."""
    with factory() as session:
        playlist = session.get(PlaylistRow, playlist_id)
        if playlist is None:
            raise ExportError(f"no playlist {playlist_id}")
        items = session.scalars(select(PlaylistItemRow)
                                .where(PlaylistItemRow.playlist_id == playlist_id)
                                .order_by(PlaylistItemRow.position)).all()
        buf = io.BytesIO()
        reports: list[ClipReport] = []
        manifest: list[dict[str, Any]] = []
        audio_cache: dict[str, AudioClip] = {}
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, item in enumerate(items, start=1):
                call = session.scalar(select(CallRow).where(CallRow.call_id == item.call_id))
                stem = f"{n:02d}_{_safe(item.call_id)}_{item.example}"
                note = ""
                wav_name: str | None = None
                bleeped = 0
                segments = list(call.segments) if call else []
                if call is None:
                    note = "call no longer in the store"
                elif call.raw_deleted_at is not None:
                    note = "recording deleted by retention; transcript only"
                else:
                    intervals, unplaced = pii_intervals(segments, call.pii_spans)
                    if unplaced:
                        note = (f"{unplaced} personal-data span(s) could not be located in "
                                "time; audio withheld")
                    else:
                        try:
                            clip = audio_cache.get(call.source_path) or load_audio(
                                call.source_path)
                            audio_cache[call.source_path] = clip
                        except AudioError as exc:
                            note = f"audio unavailable: {exc}"
                        else:
                            samples, bleeped = _masked_clip(clip, intervals, item.start,
                                                            item.end)
                            wav_name = f"clips/{stem}.wav"
                            zf.writestr(wav_name, _wav_bytes(samples, clip.sample_rate))
                header = (f"# {item.call_id} {item.start:.1f}-{item.end:.1f}s "
                          f"{item.example} example {item.rule_id or ''}\n"
                          f"# tags: {item.tags}\n# note: {item.note}\n")
                zf.writestr(f"clips/{stem}.txt",
                            header + _transcript(segments, item.start, item.end))
                reports.append(ClipReport(n, item.call_id, wav_name, bleeped, note))
                manifest.append({"position": n, "call_id": item.call_id,
                                 "rule_id": item.rule_id, "example": item.example,
                                 "start": item.start, "end": item.end, "tags": item.tags,
                                 "note": item.note, "audio": wav_name,
                                 "pii_bleeped": bleeped, "audio_note": note})
            zf.writestr("playlist.json", json.dumps(
                {"name": playlist.name, "description": playlist.description,
                 "created_by": playlist.created_by, "clips": manifest},
                ensure_ascii=False, indent=2))
            zf.writestr("README.txt", (
                f"{playlist.name}\n{playlist.description}\n\n"
                "Training clips. Personal data in the audio is replaced with a 1 kHz tone "
                "and masked in the transcripts. Internal use only.\n"))
    return buf.getvalue(), reports


def export_name(name: str) -> str:
    return f"playlist_{_safe(name)}.zip"

