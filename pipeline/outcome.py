"""The outcome of processing one recording: what the store writes."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.analysis import CallAnalysis
from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation
from pipeline.transcript import Transcript


@dataclass(frozen=True)
class ProcessedCall:
    source: str
    content_hash: str
    meta: CallMeta
    duration: float
    channels: int
    sample_rate: int
    transcript: Transcript
    conversation: Conversation
    analysis: CallAnalysis
    processing_s: float


@dataclass(frozen=True)
class FailedCall:
    source: str
    content_hash: str
    meta: CallMeta
    error_code: str
    message: str
    processing_s: float


CallOutcome = ProcessedCall | FailedCall
