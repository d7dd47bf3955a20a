"""Speech engines behind one interface. Only this package imports a speech library."""

from __future__ import annotations

from pipeline.engines.base import EngineOptions, RawSegment, SpeechEngine


def create_engine(options: EngineOptions) -> SpeechEngine:
    """Build the engine named in ``options``; the library is imported only here."""
    if options.engine == "faster-whisper":
        from pipeline.engines.faster_whisper_engine import FasterWhisperEngine

        return FasterWhisperEngine(options)
    if options.engine == "openai-whisper":
        from pipeline.engines.openai_whisper_engine import OpenAIWhisperEngine

        return OpenAIWhisperEngine(options)
    if options.engine == "transformers":
        from pipeline.engines.transformers_engine import TransformersEngine

        return TransformersEngine(options)
    from pipeline.errors import ConfigError

    raise ConfigError(
        f"unknown engine {options.engine!r}; use faster-whisper, openai-whisper or transformers"
    )


__all__ = ["EngineOptions", "RawSegment", "SpeechEngine", "create_engine"]
