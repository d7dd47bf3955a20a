import numpy as np

from pipeline.audio import AudioClip
from pipeline.speakers.crosstalk import remove_crosstalk
from pipeline.speakers.energy import EnergyTrack
from pipeline.speakers.options import SpeakerOptions
from pipeline.transcript import Segment, Word

from .speaker_fixtures import clip, transcript

RATE = 16000


def _stereo(loud: list[tuple[int, float, float]], echo_db: float = -25.0) -> AudioClip:
    """Noise bursts as stand-in speech: each burst loud on its channel, echoed on the other."""
    rng = np.random.default_rng(0)
    x = np.zeros((2, 5 * RATE), np.float32)
    for ch, a, b in loud:
        burst = rng.standard_normal(int((b - a) * RATE)).astype(np.float32) * 0.1
        x[ch, int(a * RATE):int(a * RATE) + len(burst)] += burst
        x[1 - ch, int(a * RATE):int(a * RATE) + len(burst)] += burst * 10 ** (echo_db / 20)
    x += rng.standard_normal(x.shape).astype(np.float32) * 1e-4
    return AudioClip("mem", x, RATE, RATE, 2, "pcm", "wav")


def _seg(ch: int, words: list[tuple[float, float, str]], logprob: float = -0.3) -> Segment:
    ws = tuple(Word(a, b, t, 0.9) for a, b, t in words)
    text = "".join(t for _, _, t in words)
    return Segment(ch, ws[0].start, ws[-1].end, text, text, ws, avg_logprob=logprob)


def test_echo_words_are_cut_and_real_words_kept() -> None:
    clip_ = _stereo([(0, 0.2, 2.0), (1, 2.5, 3.5)])
    agent = _seg(0, [(0.2, 1.0, "本次通话"), (1.0, 2.0, "将被录音")])
    # Whisper glued the agent's echo to the answer on channel 1.
    mixed = _seg(1, [(0.2, 1.0, "本次通话"), (1.0, 2.0, "将被录音"), (2.5, 3.5, "打错了")])
    out = remove_crosstalk((agent, mixed), EnergyTrack.from_clip(clip_), SpeakerOptions())
    assert [(s.channel, s.text) for s in out] == [(0, "本次通话将被录音"), (1, "打错了")]
    assert out[1].start == 2.5 and out[1].words[0].text == "打错了"


def test_segment_that_is_all_echo_is_dropped_and_input_untouched() -> None:
    clip_ = _stereo([(1, 1.0, 3.0)])
    real = _seg(1, [(1.0, 3.0, "我不认识这个人")])
    echo = _seg(0, [(1.0, 3.0, "我不建许这个人")])
    segs = (echo, real)
    out = remove_crosstalk(segs, EnergyTrack.from_clip(clip_), SpeakerOptions())
    assert out == (real,)
    assert segs == (echo, real)


def test_overlapping_speech_of_both_parties_is_kept() -> None:
    clip_ = _stereo([(0, 0.5, 2.5), (1, 1.0, 2.0)])
    a = _seg(0, [(0.5, 2.5, "您的还款日是每月五号")])
    b = _seg(1, [(1.0, 2.0, "嗯嗯")])
    out = remove_crosstalk((a, b), EnergyTrack.from_clip(clip_), SpeakerOptions())
    assert len(out) == 2


def test_text_duplicate_without_audio_keeps_the_more_confident_copy() -> None:
    real = _seg(0, [(0.0, 2.0, "本次通话将被录音")], logprob=-0.2)
    echo = _seg(1, [(0.05, 2.0, "本次通话将被路音")], logprob=-0.9)  # ASR slip on the echo
    other = _seg(1, [(2.5, 3.0, "好的")])
    assert remove_crosstalk((real, echo, other), None, SpeakerOptions()) == (real, other)


def test_real_telephone_echo_fixture() -> None:
    name = "wrong_number.flac"
    t = transcript(name)
    out = remove_crosstalk(t.segments, EnergyTrack.from_clip(clip(name)), SpeakerOptions())
    ch0 = "".join(s.text for s in out if s.channel == 0)
    ch1 = "".join(s.text for s in out if s.channel == 1)
    # before: channel 1 carried the agent's introduction, channel 0 the "wrong number" reply
    assert "专员" in "".join(s.text for s in t.segments if s.channel == 1)
    assert "录音" not in ch1 and "专员" not in ch1
    assert "打错" in ch1 and "打错" not in ch0
    assert "录音" in ch0


def test_echo_of_a_sentence_the_loud_channel_missed_is_moved_there() -> None:
    # Whisper skipped the agent's sentence on channel 0 but transcribed its echo on 1.
    clip_ = _stereo([(0, 0.2, 2.0), (1, 2.5, 3.5)])
    echo = _seg(1, [(0.2, 1.0, "您的车贷"), (1.0, 2.0, "已经逾期")])
    answer = _seg(1, [(2.5, 3.5, "我知道")])
    out = remove_crosstalk((echo, answer), EnergyTrack.from_clip(clip_), SpeakerOptions())
    assert [(s.channel, s.text) for s in out] == [(0, "您的车贷已经逾期"), (1, "我知道")]
    off = remove_crosstalk((echo, answer), EnergyTrack.from_clip(clip_),
                           SpeakerOptions(recover_echo=False))
    assert [(s.channel, s.text) for s in off] == [(1, "我知道")]


def test_short_uncovered_echo_is_a_timing_slip_and_dropped() -> None:
    clip_ = _stereo([(0, 0.2, 2.0)])
    agent = _seg(0, [(0.2, 1.5, "本次通话")])
    slip = _seg(1, [(1.6, 2.0, "录音")])  # past the end of channel 0's segment, 0.4 s
    out = remove_crosstalk((agent, slip), EnergyTrack.from_clip(clip_), SpeakerOptions())
    assert [(s.channel, s.text) for s in out] == [(0, "本次通话")]
