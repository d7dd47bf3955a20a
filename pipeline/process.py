"""Process one recording end to end: decode, transcribe, attribute speakers, analyse.

A worker builds ``Resources`` once (model and rule packs) and calls
``process_file`` per call. Failures come back as ``FailedCall`` values, never as
exceptions, so one bad file never stops a batch.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.analyse import Analysers, analyse_conversation, load_analysers
from pipeline.audio import AudioOptions, load_audio
from pipeline.callmeta import CallMeta
from pipeline.config import RunConfig
from pipeline.engines import EngineOptions, SpeechEngine, create_engine
from pipeline.errors import AudioError, CallQAError
from pipeline.outcome import CallOutcome, FailedCall, ProcessedCall
from pipeline.settings import Settings
from pipeline.speakers import SpeakerOptions, attribute_speakers
from pipeline.transcribe import transcribe_clip
from pipeline.transcript import TranscribeOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resources:
    engine: SpeechEngine
    analysers: Analysers
    audio_options: AudioOptions
    transcribe_options: TranscribeOptions
    speaker_options: SpeakerOptions


def engine_options(settings: Settings) -> EngineOptions:
    return EngineOptions(
        engine=settings.engine,
        model=settings.model,
        model_cache=str(settings.model_cache),
        allow_network=settings.allow_network,
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
    )


def build_resources(settings: Settings, config: RunConfig) -> Resources:
    max_s = config.audio.max_duration_s or settings.max_duration_s
    return Resources(
        engine=create_engine(engine_options(settings)),
        analysers=load_analysers(settings.rules_dir, config),
        audio_options=AudioOptions(max_duration_s=max_s),
        transcribe_options=config.transcribe.to_options(),
        speaker_options=SpeakerOptions(**config.speakers),
    )


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def process_file(path: Path, meta: CallMeta, content_hash: str, res: Resources,
                 history: Sequence[CallMeta] = ()) -> CallOutcome:
    t0 = time.perf_counter()
    try:
        clip = load_audio(path, res.audio_options)
        transcript = transcribe_clip(clip, meta, res.engine, res.transcribe_options)
        conversation = attribute_speakers(transcript, clip, meta, res.speaker_options)
        analysis = analyse_conversation(conversation, res.analysers, audio=clip, history=history)
    except AudioError as exc:
        return FailedCall(str(path), content_hash, meta, exc.code, str(exc),
                          time.perf_counter() - t0)
    except CallQAError as exc:
        return FailedCall(str(path), content_hash, meta, "error", str(exc),
                          time.perf_counter() - t0)
    except Exception as exc:  # a bug must not stop the batch; it is recorded with its type
        log.exception("unexpected error processing %s", path)
        return FailedCall(str(path), content_hash, meta, "internal",
                          f"{type(exc).__name__}: {exc}", time.perf_counter() - t0)
    return ProcessedCall(
        source=str(path),
        content_hash=content_hash,
        meta=meta,
        duration=clip.duration,
        channels=clip.channels,
        sample_rate=clip.original_rate,
        transcript=transcript,
        conversation=conversation,
        analysis=analysis,
        processing_s=time.perf_counter() - t0,
    )
