"""Audio input: decode any common recording format to 16 kHz float32 tracks.

PyAV (FFmpeg) decodes wav, mp3, m4a/aac, amr, flac and ogg/opus at any sample
rate. Channels are kept apart so a stereo call can be split into one track per
party; whether to split is decided later from the call's channel map.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from pipeline.errors import (
    AudioCorruptError,
    AudioEmptyError,
    AudioMissingError,
    AudioTooLongError,
    NoSpeechError,
    NotAudioError,
)

TARGET_RATE = 16000
# Below this peak level (about -60 dBFS) a file holds no audible speech at all.
SILENCE_PEAK = 1e-3

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True)
class AudioOptions:
    max_duration_s: float = 7200.0
    sample_rate: int = TARGET_RATE


@dataclass(frozen=True)
class AudioClip:
    """Decoded audio: ``samples`` has shape (channels, n), read-only."""

    source: str
    samples: Samples
    sample_rate: int
    original_rate: int
    original_channels: int
    codec: str
    container: str

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / self.sample_rate

    def track(self, channel: int) -> Samples:
        return self.samples[channel]

    def mono(self) -> Samples:
        if self.channels == 1:
            return self.samples[0]
        return self.samples.mean(axis=0).astype(np.float32)

    def slice(self, start_s: float, end_s: float) -> AudioClip:
        a = max(0, int(start_s * self.sample_rate))
        b = min(self.samples.shape[1], int(end_s * self.sample_rate))
        return AudioClip(self.source, self.samples[:, a:b], self.sample_rate,
                         self.original_rate, self.original_channels, self.codec, self.container)


def _declared_duration(container: av.container.InputContainer, stream: av.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # microseconds (av.time_base)
    return None


def load_audio(path: Path | str, options: AudioOptions | None = None) -> AudioClip:
    """Decode ``path``; raise an AudioError subclass with an actionable message."""
    opts = options or AudioOptions()
    p = Path(path)
    if not p.exists():
        raise AudioMissingError(p, "file not found; check the path and that the share is mounted")
    if not p.is_file():
        raise NotAudioError(p, "is not a regular file")
    if p.stat().st_size == 0:
        raise AudioEmptyError(p, "file is empty (0 bytes); the recording was not written completely")

    try:
        container = av.open(str(p), mode="r", metadata_errors="ignore")
    except (av.error.InvalidDataError, av.error.DemuxerNotFoundError) as exc:
        raise NotAudioError(p, f"not a recognised audio format ({exc.strerror or exc})") from exc
    except av.error.FFmpegError as exc:
        raise AudioCorruptError(p, f"cannot open the audio stream ({exc})") from exc

    with container:
        if not container.streams.audio:
            raise NotAudioError(p, f"contains no audio stream (format {container.format.name})")
        stream = container.streams.audio[0]
        declared = _declared_duration(container, stream)
        if declared is not None and declared > opts.max_duration_s:
            raise AudioTooLongError(
                p,
                f"recording is {declared / 3600:.1f} h, over the {opts.max_duration_s / 3600:.1f} h "
                "limit; split it or raise CALLQA_MAX_DURATION_S",
            )
        n_channels = stream.codec_context.channels or 1
        original_rate = stream.codec_context.sample_rate or 0
        codec = stream.codec_context.name
        layout = "mono" if n_channels == 1 else "stereo" if n_channels == 2 else stream.layout.name
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=opts.sample_rate)
        max_samples = int(opts.max_duration_s * opts.sample_rate)
        chunks: list[np.ndarray] = []
        total = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    arr = out.to_ndarray()
                    chunks.append(arr)
                    total += arr.shape[1]
                if total > max_samples:
                    raise AudioTooLongError(
                        p, f"recording is over the {opts.max_duration_s / 3600:.1f} h limit; "
                        "split it or raise CALLQA_MAX_DURATION_S"
                    )
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
        except AudioTooLongError:
            raise
        except (av.error.FFmpegError, ValueError) as exc:
            got = total / opts.sample_rate
            raise AudioCorruptError(
                p, f"audio stream is corrupt after {got:.1f} s ({exc}); re-export the recording"
            ) from exc

    if not chunks or sum(c.shape[1] for c in chunks) == 0:
        if declared:
            raise AudioCorruptError(p, "no audio could be decoded although the header "
                                       f"declares {declared:.1f} s; the file is damaged")
        raise AudioEmptyError(p, "contains no audio samples")
    samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    samples.setflags(write=False)
    if float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise NoSpeechError(p, "recording is silent (peak below -60 dBFS); nothing to transcribe")
    return AudioClip(
        source=str(p),
        samples=samples,
        sample_rate=opts.sample_rate,
        original_rate=original_rate,
        original_channels=n_channels,
        codec=codec,
        container=container.format.name,
    )
