import pytest

from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.speakers.scoring import RefTurn, score_speakers

REF = [{"speaker": "agent", "start": 0.0, "end": 4.0, "text": "x"},
       {"speaker": "borrower", "start": 5.0, "end": 9.0, "text": "y"}]


def _conv(*turns: tuple[str, str, float, float]) -> Conversation:
    return Conversation(CallMeta("c"), tuple(
        Turn(i, spk, role, a, b, "t") for i, (spk, role, a, b) in enumerate(turns)))  # type: ignore[arg-type]


def test_perfect_hypothesis() -> None:
    s = score_speakers(REF, _conv(("S1", "agent", 0.0, 4.0), ("S2", "borrower", 5.0, 9.0)))
    assert s.der == 0.0 and s.role_accuracy == 1.0
    assert set(s.mapping) == {("agent", "S1"), ("borrower", "S2")}


def test_speaker_names_do_not_matter_but_roles_do() -> None:
    s = score_speakers(REF, _conv(("S9", "borrower", 0.0, 4.0), ("S3", "agent", 5.0, 9.0)))
    assert s.der == 0.0
    assert s.role_accuracy == 0.0


def test_miss_false_alarm_and_confusion_without_collar() -> None:
    s = score_speakers(REF, _conv(("S1", "agent", 0.0, 2.0), ("S1", "agent", 5.0, 9.0),
                                  ("S2", "agent", 10.0, 11.0)), collar=0.0)
    # S1 maps to borrower (4 s shared), so agent 0-2 is confused; agent 2-4 missed;
    # S2 is a false alarm: 2 + 1 + 2 s over 8 s of reference speech
    assert s.missed == pytest.approx(0.25, abs=0.01)
    assert s.false_alarm == pytest.approx(0.125, abs=0.01)
    assert s.confusion == pytest.approx(0.25, abs=0.01)
    assert s.der == pytest.approx(0.625, abs=0.01)
    assert s.role_accuracy == pytest.approx(0.25, abs=0.01)


def test_collar_forgives_boundary_slips() -> None:
    hyp = _conv(("S1", "agent", 0.2, 4.2), ("S2", "borrower", 4.8, 8.8))
    assert score_speakers(REF, hyp, collar=0.25).der == 0.0
    assert score_speakers(REF, hyp, collar=0.0).der > 0.05


def test_voice_key_and_ref_turn_objects() -> None:
    refs = [RefTurn("v1", 0, 2, "third_party"), RefTurn("v2", 2.5, 4, "third_party")]
    s = score_speakers(refs, _conv(("S1", "third_party", 0, 4)), collar=0.0)
    assert s.reference_speakers == 2 and s.confusion > 0 and s.role_accuracy == 1.0
