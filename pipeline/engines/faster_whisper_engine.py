"""faster-whisper (CTranslate2) engine: the default, fastest on CPU."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pipeline.engines.base import EngineOptions, RawSegment
from pipeline.errors import ModelResolutionError
from pipeline.model_resolution import resolve_model
from pipeline.transcript import TranscribeOptions, Word


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(self, options: EngineOptions) -> None:
        from faster_whisper import WhisperModel

        resolved = resolve_model(options.model, "faster-whisper", options.model_cache,
                                 options.allow_network)
        try:
            self._model = WhisperModel(
                resolved.location,
                device=options.device,
                compute_type=options.compute_type,
                cpu_threads=options.cpu_threads,
                num_workers=1,
                local_files_only=not options.allow_network,
            )
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError/OSError
            raise ModelResolutionError(
                options.model, [*resolved.tried, f"{resolved.location}: failed to load ({exc})"]
            ) from exc
        self.model_ref = f"{resolved.source}:{resolved.location}"

    def transcribe(
        self, audio: npt.NDArray[np.float32], options: TranscribeOptions
    ) -> list[RawSegment]:
        import ctranslate2

        # The temperature fallback samples. Reseeding per call makes a call's transcript
        # independent of what its worker decoded before, so any runner, worker count or
        # file order (local pool, Ray actors, a re-run) gives the same findings.
        ctranslate2.set_random_seed(0)
        segments, _info = self._model.transcribe(
            np.ascontiguousarray(audio, dtype=np.float32),
            language=options.language,
            beam_size=options.beam_size,
            vad_filter=options.vad_filter,
            vad_parameters={"min_silence_duration_ms": options.vad_min_silence_ms},
            condition_on_previous_text=options.condition_on_previous_text,
            initial_prompt=options.prompt(),
            word_timestamps=options.word_timestamps,
            temperature=list(options.temperature),
        )
        out: list[RawSegment] = []
        for s in segments:  # a generator: decoding happens while iterating
            words = tuple(
                Word(start=float(w.start), end=float(w.end), text=w.word,
                     probability=float(w.probability))
                for w in (s.words or ())
            )
            out.append(
                RawSegment(
                    start=float(s.start),
                    end=float(s.end),
                    text=s.text,
                    words=words,
                    avg_logprob=float(s.avg_logprob),
                    no_speech_prob=float(s.no_speech_prob),
                    compression_ratio=float(s.compression_ratio),
                )
            )
        return out
