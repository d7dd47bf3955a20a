"""The engine contract: 16 kHz mono float32 in, timed segments with words out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from pipeline.transcript import TranscribeOptions, Word


@dataclass(frozen=True)
class EngineOptions:
    engine: str = "faster-whisper"
    model: str = "base"
    model_cache: str = ""
    allow_network: bool = False
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 1


@dataclass(frozen=True)
class RawSegment:
    """A segment exactly as the engine produced it (text not yet normalised)."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float


class SpeechEngine(Protocol):
    name: str
    model_ref: str  # what was loaded, for the record

    def transcribe(
        self, audio: npt.NDArray[np.float32], options: TranscribeOptions
    ) -> list[RawSegment]: ...
