from __future__ import annotations

import numpy as np
import pytest

from pipeline.engines.base import RawSegment
from pipeline.engines.speech_regions import (
    SAMPLE_RATE,
    SpeechAudio,
    detect_speech,
    map_to_original,
    whole_track,
)
from pipeline.transcript import Word

SR = SAMPLE_RATE


def _speech(regions: list[tuple[float, float]], total_s: float) -> SpeechAudio:
    samples = tuple((int(a * SR), int(b * SR)) for a, b in regions)
    n = sum(b - a for a, b in samples)
    return SpeechAudio(np.zeros(n, dtype=np.float32), samples, int(total_s * SR))


def _seg(start: float, end: float, words: list[tuple[float, float]]) -> RawSegment:
    return RawSegment(start, end, "好的", tuple(Word(a, b, "好", 0.9) for a, b in words),
                      -0.2, 0.01, 1.1)


def test_times_map_back_across_removed_silence() -> None:
    # speech 1–3 s and 6–8 s of a 10 s track; joined audio is 4 s long
    speech = _speech([(1.0, 3.0), (6.0, 8.0)], 10.0)
    assert speech.duration == pytest.approx(4.0)
    assert speech.to_original(0.0) == pytest.approx(1.0)
    assert speech.to_original(1.5) == pytest.approx(2.5)
    assert speech.to_original(2.5) == pytest.approx(6.5)
    # exactly on the join: an end stays in the first region, a start moves on
    assert speech.to_original(2.0, is_end=True) == pytest.approx(3.0)
    assert speech.to_original(2.0) == pytest.approx(6.0)
    assert speech.to_original(9.0, is_end=True) == pytest.approx(8.0)  # past the end: clamp


def test_identity_without_vad() -> None:
    speech = whole_track(np.zeros(3 * SR, dtype=np.float32))
    for t in (0.0, 1.234, 3.0):
        assert speech.to_original(t) == pytest.approx(t)
    assert whole_track(np.zeros(0, dtype=np.float32)).windows() == []


def test_map_to_original_moves_words_and_keeps_segments_around_them() -> None:
    speech = _speech([(1.0, 3.0), (6.0, 8.0)], 10.0)
    seg = _seg(1.5, 2.5, [(1.5, 1.9), (2.1, 2.5)])  # spans the join at 2.0
    [mapped] = map_to_original([seg], speech)
    assert (mapped.start, mapped.end) == (pytest.approx(2.5), pytest.approx(6.5))
    assert [(w.start, w.end) for w in mapped.words] == [
        (pytest.approx(2.5), pytest.approx(2.9)), (pytest.approx(6.1), pytest.approx(6.5))]
    assert mapped.text == seg.text and mapped.avg_logprob == seg.avg_logprob
    assert seg.start == 1.5  # input untouched


def test_windows_cut_at_pauses_and_never_exceed_30_s() -> None:
    speech = _speech([(0, 12), (20, 32), (40, 52), (60, 64)], 70.0)
    windows = speech.windows(30.0)
    # 12 + 12 = 24 fits; adding the third (36) would not, so cut at the join
    assert windows == [(0, 24 * SR), (24 * SR, 40 * SR)]
    long = _speech([(0, 70)], 70.0).windows(30.0)  # one region: hard cuts
    assert long == [(0, 30 * SR), (30 * SR, 60 * SR), (60 * SR, 70 * SR)]
    assert all(b - a <= 30 * SR for a, b in windows + long)


def test_vad_finds_speech_and_skips_silence(speech_audio: np.ndarray) -> None:
    gap = np.zeros(3 * SR, dtype=np.float32)
    audio = np.concatenate([gap, speech_audio, gap])
    speech = detect_speech(audio, min_silence_ms=500)
    assert speech.regions
    first, last = speech.regions[0][0] / SR, speech.regions[-1][1] / SR
    assert 2.4 <= first <= 3.5  # speech starts at 3 s; Silero pads by 0.4 s
    speech_end = 3.0 + len(speech_audio) / SR
    assert speech_end - 1.0 <= last <= speech_end + 0.5
    assert len(speech.audio) == sum(b - a for a, b in speech.regions)
    assert speech.duration < len(audio) / SR - 4.0


def test_vad_on_silence_finds_nothing() -> None:
    speech = detect_speech(np.zeros(2 * SR, dtype=np.float32), min_silence_ms=500)
    assert speech.regions == () and len(speech.audio) == 0 and speech.windows() == []
