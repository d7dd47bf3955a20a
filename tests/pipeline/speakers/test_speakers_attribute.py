import time

import pytest

from pipeline.callmeta import CallMeta
from pipeline.speakers import SpeakerOptions, attribute_speakers, score_speakers
from pipeline.transcript import Segment, Transcript

from .speaker_fixtures import clip, meta, reference, transcript


def _seg(ch: int, a: float, b: float, text: str, lp: float = -0.3) -> Segment:
    return Segment(ch, a, b, text, text, avg_logprob=lp)


def test_text_only_spouse_call_is_a_third_party_conversation() -> None:
    t = Transcript((
        _seg(0, 0.0, 4.0, "您好，我是安信汽车金融的客服，工号1024，本次通话将被录音。请问是王强先生吗？"),
        _seg(1, 4.5, 7.0, "他不在家，我是他老婆，你有什么事？"),
        _seg(0, 7.5, 9.0, "那麻烦您转告他回个电话。"),
        _seg(1, 9.2, 9.8, "行。"),
    ), 10.0, "zh", "test", "none")
    m = CallMeta("c1", kind="collection", channels=((0, "agent"), (1, "borrower")))
    conv = attribute_speakers(t, None, m)
    assert [(x.speaker, x.role) for x in conv.turns] == [
        ("ch0", "agent"), ("ch1", "third_party"), ("ch0", "agent"), ("ch1", "third_party")]
    assert conv.has_role("third_party") and not conv.has_role("borrower")
    assert {r.speaker: r.role for r in conv.roles} == {"ch0": "agent", "ch1": "third_party"}


def test_stereo_wrong_number_fixture_end_to_end() -> None:
    name = "wrong_number.flac"
    conv = attribute_speakers(transcript(name), clip(name), meta(name))
    assert [t.index for t in conv.turns] == list(range(len(conv.turns)))
    starts = [t.start or 0.0 for t in conv.turns]
    assert starts == sorted(starts)
    ch1 = conv.by_role("third_party")
    assert ch1 and all(t.speaker == "ch1" and t.channel == 1 for t in ch1)
    assert "打错" in "".join(t.text for t in ch1)
    scores = score_speakers(reference(name)["turns"], conv, speaker_key="voice")
    assert scores.role_accuracy >= 0.95
    assert scores.der < 0.15


def test_mono_without_audio_is_one_speaker() -> None:
    name = "visit_3spk.flac"
    conv = attribute_speakers(transcript(name), None, meta(name))
    assert {t.speaker for t in conv.turns} == {"S1"}


@pytest.mark.slow
def test_mono_visit_is_diarized_into_three_voices() -> None:
    name = "visit_3spk.flac"
    t, c = transcript(name), clip(name)
    conv = attribute_speakers(t, c, meta(name))
    scores = score_speakers(reference(name)["turns"], conv, speaker_key="voice")
    assert scores.hypothesis_speakers == 3
    assert scores.der < 0.15
    assert scores.role_accuracy >= 0.85
    assert {r.role for r in conv.roles} == {"agent", "borrower", "third_party"}
    # a Whisper segment holding two voices was cut where the speaker changed
    assert len(conv.turns) > len(t.segments)
    # the speaker-count hint is honoured
    start = time.perf_counter()
    two = attribute_speakers(t, c, meta(name), SpeakerOptions(num_speakers=2))
    assert len({x.speaker for x in two.turns}) == 2
    assert time.perf_counter() - start < t.duration  # faster than real time once loaded


def test_empty_transcript_gives_empty_conversation() -> None:
    t = Transcript((), 3.0, "zh", "test", "none")
    conv = attribute_speakers(t, None, CallMeta("e", channels=((0, "agent"), (1, "borrower"))))
    assert conv.turns == () and conv.roles == () and conv.duration == 3.0
