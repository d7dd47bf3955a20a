"""openai-whisper (PyTorch) engine: the reference implementation, for `.pt` checkpoints.

Slower than faster-whisper on CPU, but it loads any checkpoint saved in OpenAI's
format (``{"dims": ..., "model_state_dict": ...}``), e.g. a lender's fine-tuned model.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pipeline.engines.base import EngineOptions, RawSegment
from pipeline.engines.speech_regions import (
    SpeechAudio,
    detect_speech,
    map_to_original,
    whole_track,
)
from pipeline.errors import ModelResolutionError
from pipeline.model_resolution import resolve_model
from pipeline.transcript import TranscribeOptions, Word


class OpenAIWhisperEngine:
    name = "openai-whisper"

    def __init__(self, options: EngineOptions) -> None:
        import torch
        import whisper

        resolved = resolve_model(options.model, "openai-whisper", options.model_cache,
                                 options.allow_network)
        # torch's thread pool is per process; the worker runs one engine at a time.
        torch.set_num_threads(max(1, options.cpu_threads))
        try:
            kwargs: dict[str, Any] = {}
            if resolved.source == "hub" and options.model_cache:
                kwargs["download_root"] = str(Path(options.model_cache) / "openai-whisper")
            self._model = whisper.load_model(resolved.location, device=options.device, **kwargs)
        except Exception as exc:  # torch.load raises UnpicklingError/RuntimeError/KeyError...
            raise ModelResolutionError(
                options.model, [*resolved.tried, f"{resolved.location}: failed to load ({exc})"]
            ) from exc
        _use_known_alignment_heads(self._model, resolved.location)
        self._fp16 = False  # fp16 on CPU is unsupported; on GPU fp32 keeps results comparable
        self.model_ref = f"{resolved.source}:{resolved.location}"

    def transcribe(
        self, audio: npt.NDArray[np.float32], options: TranscribeOptions
    ) -> list[RawSegment]:
        samples = np.array(audio, dtype=np.float32)  # a writable copy: torch.from_numpy
        speech: SpeechAudio = (
            detect_speech(samples, options.vad_min_silence_ms) if options.vad_filter
            else whole_track(samples)
        )
        if len(speech.audio) == 0:
            return []
        result = self._model.transcribe(
            speech.audio,
            language=options.language or None,
            beam_size=options.beam_size,
            condition_on_previous_text=options.condition_on_previous_text,
            initial_prompt=options.prompt(),
            # The prompt steers simplified script and names hotwords: keep it for
            # every 30 s window, not only the first (openai-whisper's default).
            carry_initial_prompt=True,
            word_timestamps=options.word_timestamps,
            temperature=tuple(options.temperature),
            fp16=self._fp16,
            verbose=None,
        )
        # openai-whisper can emit empty zero-length segments at window ends; they
        # carry no speech and would only confuse turn building.
        segments = [_to_raw(s) for s in result.get("segments", []) if str(s["text"]).strip()]
        return map_to_original(segments, speech)


def _to_raw(seg: dict[str, Any]) -> RawSegment:
    words = tuple(
        Word(start=float(w["start"]), end=float(w["end"]), text=str(w["word"]),
             probability=float(w["probability"]))
        for w in seg.get("words") or ()
    )
    return RawSegment(
        start=float(seg["start"]),
        end=float(seg["end"]),
        text=str(seg["text"]),
        words=words,
        avg_logprob=float(seg["avg_logprob"]),
        no_speech_prob=float(seg["no_speech_prob"]),
        compression_ratio=float(seg["compression_ratio"]),
    )


def _use_known_alignment_heads(model: Any, location: str) -> None:
    """Give an official checkpoint loaded from a file its published alignment heads.

    ``whisper.load_model(path)`` falls back to "all heads of the upper half",
    which makes word timestamps coarser. Files downloaded by openai-whisper are
    named after the model (``base.pt``, ``large-v3.pt``), so the name identifies them.
    """
    import whisper

    heads = getattr(whisper, "_ALIGNMENT_HEADS", {}).get(Path(location).stem)
    if heads is None:
        return
    # A file named like an official model may still have other dimensions.
    with contextlib.suppress(ValueError, RuntimeError):
        model.set_alignment_heads(heads)
