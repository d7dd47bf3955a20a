import math

from pipeline.speakers.segments import SpeakerSegment, slice_segment
from pipeline.speakers.turns import asr_confidence, build_turns
from pipeline.transcript import Segment, Word


def _seg(start: float, end: float, text: str, ch: int = 0, lp: float = -0.2) -> Segment:
    return Segment(ch, start, end, text, text, avg_logprob=lp)


def test_consecutive_pieces_of_one_speaker_merge_below_the_gap() -> None:
    pieces = [SpeakerSegment("ch0", _seg(0.0, 1.0, "您好")),
              SpeakerSegment("ch0", _seg(1.5, 3.0, "我是回访专员")),
              SpeakerSegment("ch1", _seg(3.2, 3.8, "嗯", ch=1)),
              SpeakerSegment("ch0", _seg(4.0, 5.0, "请问")),
              SpeakerSegment("ch0", _seg(7.0, 8.0, "还在吗"))]
    turns = build_turns(pieces, {"ch0": "agent", "ch1": "borrower"}, merge_gap_s=1.5)
    assert [(t.index, t.speaker, t.role, t.text) for t in turns] == [
        (0, "ch0", "agent", "您好我是回访专员"), (1, "ch1", "borrower", "嗯"),
        (2, "ch0", "agent", "请问"), (3, "ch0", "agent", "还在吗")]
    assert turns[0].start == 0.0 and turns[0].end == 3.0 and turns[0].channel == 0


def test_confidence_from_logprob() -> None:
    assert asr_confidence(0.0) == 1.0
    assert math.isclose(asr_confidence(-0.5), math.exp(-0.5))
    assert asr_confidence(-50) < 1e-6
    turn = build_turns([SpeakerSegment("S1", _seg(0, 1, "a", lp=-0.1)),
                        SpeakerSegment("S1", _seg(1, 4, "b", lp=-2.0))], {"S1": "agent"})[0]
    assert math.isclose(turn.confidence, (math.exp(-0.1) + 3 * math.exp(-2.0)) / 4, abs_tol=1e-3)
    assert turn.low_confidence


def test_slice_segment_recomputes_times_and_text() -> None:
    words = (Word(0.0, 0.4, "我是", 0.9), Word(0.4, 0.8, "他愛人,", 0.9),
             Word(1.5, 1.9, "我就是", 0.9), Word(1.9, 2.3, "張偉", 0.9))
    seg = Segment(0, 0.0, 2.3, "我是他爱人,我就是张伟", "我是他爱人,我就是张伟", words, -0.3)
    part = slice_segment(seg, 2, 4)
    assert (part.start, part.end, part.raw_text, part.text) == (1.5, 2.3, "我就是张伟", "我就是张伟")
    assert part.avg_logprob == -0.3 and seg.words == words
