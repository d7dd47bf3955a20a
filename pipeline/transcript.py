"""Transcript types: what a speech engine hands to the later stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Segment:
    """One recognised stretch of speech on one channel.

    ``raw_text`` is what the engine produced (after t2s conversion and hallucination
    filtering); ``text`` is the normalised form the rules read (simplified
    characters, Chinese numerals as digits).
    """

    channel: int
    start: float
    end: float
    raw_text: str
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0

    @property
    def low_confidence(self) -> bool:
        # Thresholds follow Whisper's own fallback heuristics.
        return self.avg_logprob < -1.0 or self.no_speech_prob > 0.6


@dataclass(frozen=True)
class TranscribeOptions:
    """Decoding options. They travel with the transcript so a result explains itself."""

    language: str = "zh"
    beam_size: int = 5
    vad_filter: bool = True
    vad_min_silence_ms: int = 500
    condition_on_previous_text: bool = False
    initial_prompt: str = "以下是普通话的句子，使用简体中文。"
    hotwords: tuple[str, ...] = ()
    word_timestamps: bool = True
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)

    def prompt(self) -> str:
        if not self.hotwords:
            return self.initial_prompt
        return self.initial_prompt + "相关词语：" + "、".join(self.hotwords) + "。"


@dataclass(frozen=True)
class Transcript:
    segments: tuple[Segment, ...]
    duration: float
    language: str
    engine: str
    model: str
    options: TranscribeOptions = field(default_factory=TranscribeOptions)
    dropped: tuple[str, ...] = ()  # texts removed as hallucinations, kept for audit

    def channel_segments(self, channel: int) -> tuple[Segment, ...]:
        return tuple(s for s in self.segments if s.channel == channel)
