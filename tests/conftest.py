"""Shared fixtures: tiny committed recordings, an encoder for other formats, and an empty
store on each backend (``db_url``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from tests.db import BACKEND_PARAMS, database_url

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "tests" / "fixtures" / "audio"
STEREO_CALL = AUDIO / "zh_stereo_call.wav"
MONO = AUDIO / "zh_mono.wav"


def encode(samples: np.ndarray, rate: int, path: Path, codec: str, fmt: str | None = None,
           out_rate: int | None = None) -> Path:
    """Write float samples (channels, n) to ``path`` with an FFmpeg codec."""
    channels = samples.shape[0]
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=out_rate or rate, layout=layout)
        frame_fmt = "fltp"
        resampler = av.AudioResampler(format=stream.codec_context.format.name,
                                      layout=layout, rate=out_rate or rate)
        step = 1024
        pts = 0
        for i in range(0, samples.shape[1], step):
            chunk = np.ascontiguousarray(samples[:, i:i + step].astype(np.float32))
            frame = av.AudioFrame.from_ndarray(chunk, format=frame_fmt, layout=layout)
            frame.sample_rate = rate
            frame.pts = pts
            pts += chunk.shape[1]
            for f in resampler.resample(frame):
                for packet in stream.encode(f):
                    out.mux(packet)
        for f in resampler.resample(None):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.fixture(scope="session")
def speech() -> tuple[np.ndarray, int]:
    """The committed stereo call decoded to (2, n) float32 at 16 kHz."""
    from pipeline.audio import load_audio

    clip = load_audio(STEREO_CALL)
    return np.array(clip.samples), clip.sample_rate


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Model cache shared by the slow tests; reuses the user's cache when present."""
    env = os.environ.get("CALLQA_MODEL_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "callqa" / "models"


@pytest.fixture(scope="session")
def engine(model_cache: Path):  # type: ignore[no-untyped-def]
    from pipeline.engines import EngineOptions, create_engine

    return create_engine(EngineOptions(model="base", model_cache=str(model_cache), cpu_threads=2))


@pytest.fixture(params=BACKEND_PARAMS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty store, once on SQLite and once on PostgreSQL."""
    with database_url(request.param, tmp_path) as url:
        yield url
