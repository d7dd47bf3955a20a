import numpy as np

from pipeline.analysis import PiiSpan
from pipeline.conversation import Turn
from pipeline.pii import redact_audio, span_time
from pipeline.pii.audio_redaction import TONE_HZ
from pipeline.transcript import Word

SR = 16000


def test_redact_audio_only_given_channel_and_returns_new_array() -> None:
    samples = np.full((2, SR * 2), 0.05, dtype=np.float32)
    samples.setflags(write=False)  # AudioClip samples are read-only
    out = redact_audio(samples, SR, [(0.5, 1.0, 1)])
    assert out is not samples and samples[1, SR // 2 + 100] == np.float32(0.05)
    assert np.all(out[0] == np.float32(0.05))  # other channel untouched
    seg = out[1, SR // 2: SR]
    spectrum = np.abs(np.fft.rfft(seg))
    peak_hz = np.argmax(spectrum) * SR / len(seg)
    assert abs(peak_hz - TONE_HZ) < 5
    assert 0.05 < float(np.max(np.abs(seg))) <= 0.5  # moderate level
    assert np.all(out[1, : SR // 2 - 1] == np.float32(0.05))


def test_redact_audio_all_channels_and_mono() -> None:
    stereo = np.zeros((2, SR), dtype=np.float32)
    out = redact_audio(stereo, SR, [(0.2, 0.4, None)])
    assert np.abs(out[:, int(0.3 * SR)]).max() > 0 or np.abs(out[:, int(0.3 * SR) + 3]).max() > 0
    assert np.allclose(out[0], out[1])
    mono = np.zeros(SR, dtype=np.float32)
    assert redact_audio(mono, SR, [(0.1, 0.2, None)]).shape == (SR,)


def _turn(words: tuple[Word, ...]) -> Turn:
    text = "我的电话是13800125678好的"
    return Turn(index=3, speaker="ch1", role="borrower", start=10.0, end=16.0, text=text,
                raw_text="我的电话是幺三八零零幺二五六七八好的", words=words, channel=1)


def test_span_time_from_words_with_spoken_digits() -> None:
    words = (Word(10.0, 10.5, "我的", 0.9), Word(10.5, 11.0, "电话是", 0.9),
             Word(11.0, 12.0, "幺三八", 0.9), Word(12.0, 13.0, "零零幺二", 0.9),
             Word(13.0, 14.0, "五六七八", 0.9), Word(14.2, 15.0, "好的", 0.9))
    turn = _turn(words)
    span = PiiSpan("PII-MOBILE-CN", 3, 5, 16, "13800125678", True, 0.9, "138****5678")
    start, end, channel = span_time(turn, span, pad_s=0.0)
    assert (start, end, channel) == (11.0, 14.0, 1)


def test_span_time_falls_back_to_whole_turn() -> None:
    turn = _turn(())
    span = PiiSpan("PII-MOBILE-CN", 3, 5, 16, "13800125678", True, 0.9, "138****5678")
    assert span_time(turn, span) == (10.0, 16.0, 1)
