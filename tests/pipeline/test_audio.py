from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import AudioOptions, load_audio
from pipeline.errors import (
    AudioCorruptError,
    AudioEmptyError,
    AudioMissingError,
    AudioTooLongError,
    NoSpeechError,
    NotAudioError,
)
from tests.conftest import MONO, STEREO_CALL, encode

FORMATS = [
    ("wav", "pcm_s16le", "wav", 16000),
    ("mp3", "libmp3lame", "mp3", 16000),
    ("m4a", "aac", "ipod", 16000),
    ("aac", "aac", "adts", 16000),
    ("amr", "libopencore_amrnb", "amr", 8000),
    ("flac", "flac", "flac", 16000),
    ("ogg", "libopus", "ogg", 48000),
    ("opus", "libopus", "opus", 48000),
]


def test_committed_stereo_call_keeps_channels_apart() -> None:
    clip = load_audio(STEREO_CALL)
    assert clip.channels == 2
    assert clip.original_rate == 8000
    assert clip.sample_rate == 16000
    assert clip.codec == "pcm_mulaw"
    assert 7.5 < clip.duration < 9.0
    # The agent speaks first on channel 0: it is louder there in the first 4 s.
    head = clip.samples[:, : 4 * 16000]
    assert np.abs(head[0]).mean() > 3 * np.abs(head[1]).mean()
    assert not clip.samples.flags.writeable


@pytest.mark.parametrize(("suffix", "codec", "fmt", "rate"), FORMATS)
def test_decodes_common_formats(tmp_path: Path, speech: tuple[np.ndarray, int], suffix: str,
                                codec: str, fmt: str, rate: int) -> None:
    samples, sr = speech
    channels = samples[:1] if codec == "libopencore_amrnb" else samples  # AMR is mono only
    path = encode(channels, sr, tmp_path / f"call.{suffix}", codec, fmt, out_rate=rate)
    clip = load_audio(path)
    assert clip.sample_rate == 16000
    assert clip.channels == channels.shape[0]
    assert abs(clip.duration - samples.shape[1] / sr) < 0.2


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioMissingError, match="file not found"):
        load_audio(tmp_path / "nope.wav")


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.wav"
    p.write_bytes(b"")
    with pytest.raises(AudioEmptyError, match="0 bytes"):
        load_audio(p)


def test_not_audio(tmp_path: Path) -> None:
    p = tmp_path / "notes.wav"
    p.write_text("客户回访记录：这不是录音文件\n" * 50, encoding="utf-8")
    with pytest.raises(NotAudioError, match="not a recognised audio format"):
        load_audio(p)


def test_image_is_not_audio(tmp_path: Path) -> None:
    import av

    p = tmp_path / "scan.png"
    with av.open(str(p), "w", format="image2") as out:
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 8, 8, "rgb24"
        frame = av.VideoFrame.from_ndarray(np.zeros((8, 8, 3), np.uint8), format="rgb24")
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(NotAudioError, match=r"no audio stream|not a recognised"):
        load_audio(p)


def test_corrupt_stream(tmp_path: Path, speech: tuple[np.ndarray, int]) -> None:
    samples, sr = speech
    good = encode(samples, sr, tmp_path / "good.m4a", "aac", "ipod")
    data = bytearray(good.read_bytes())
    # Keep the container header but destroy the coded audio.
    rng = np.random.default_rng(0)
    start = len(data) // 3
    data[start:] = rng.integers(0, 256, len(data) - start, dtype=np.uint8).tobytes()
    bad = tmp_path / "bad.m4a"
    bad.write_bytes(bytes(data))
    with pytest.raises((AudioCorruptError, NotAudioError)):
        load_audio(bad)


def test_truncated_header_only_wav(tmp_path: Path) -> None:
    p = tmp_path / "cut.wav"
    with wave.open(str(p), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"")
    with pytest.raises(AudioEmptyError, match="no audio samples"):
        load_audio(p)


def test_silence_has_no_speech(tmp_path: Path) -> None:
    p = encode(np.zeros((1, 16000 * 3), np.float32), 16000, tmp_path / "silent.wav", "pcm_s16le")
    with pytest.raises(NoSpeechError, match="silent"):
        load_audio(p)


def test_three_hour_recording_rejected_before_decoding(tmp_path: Path) -> None:
    # A FLAC whose STREAMINFO declares 3 h of 8 kHz audio (as a real 3-hour
    # recording's does); the check must come from the header, not from decoding.
    p = encode(np.full((1, 8000), 0.1, np.float32), 8000, tmp_path / "long.flac", "flac")
    data = bytearray(p.read_bytes())
    assert data[:4] == b"fLaC"
    field = int.from_bytes(data[18:26], "big")
    field = (field & ~((1 << 36) - 1)) | (8000 * 3 * 3600)  # total samples: 36 low bits
    data[18:26] = field.to_bytes(8, "big")
    p.write_bytes(bytes(data))
    with pytest.raises(AudioTooLongError, match=r"3\.0 h, over the 2\.0 h limit"):
        load_audio(p)


def test_limit_is_configurable() -> None:
    with pytest.raises(AudioTooLongError, match="CALLQA_MAX_DURATION_S"):
        load_audio(MONO, AudioOptions(max_duration_s=2.0))
    assert load_audio(MONO, AudioOptions(max_duration_s=10.0)).duration == pytest.approx(4.0, 0.05)
