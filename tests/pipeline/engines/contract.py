"""What every speech engine must hand back, whatever its model says."""

from __future__ import annotations

from pipeline.engines.base import RawSegment
from pipeline.transcript import Word

EPS = 1e-6


def assert_engine_contract(segments: list[RawSegment], duration: float,
                           words_expected: bool = True) -> None:
    assert isinstance(segments, list)
    previous_start = 0.0
    for seg in segments:
        assert isinstance(seg, RawSegment)
        for value in (seg.start, seg.end, seg.avg_logprob, seg.no_speech_prob,
                      seg.compression_ratio):
            assert isinstance(value, float)
        assert isinstance(seg.text, str) and seg.text.strip()
        assert 0.0 <= seg.start <= seg.end <= duration + EPS, (seg.start, seg.end, duration)
        assert seg.start >= previous_start - EPS, "segments out of order"
        previous_start = seg.start
        assert seg.avg_logprob <= 0.0
        assert 0.0 <= seg.no_speech_prob <= 1.0
        assert seg.compression_ratio >= 0.0
        assert isinstance(seg.words, tuple)
        if words_expected:
            assert seg.words, f"no words in {seg.text!r}"
        last_end = seg.start
        for w in seg.words:
            assert isinstance(w, Word)
            assert isinstance(w.start, float) and isinstance(w.end, float)
            assert isinstance(w.text, str)
            assert isinstance(w.probability, float) and 0.0 <= w.probability <= 1.0
            assert seg.start - EPS <= w.start <= w.end <= seg.end + EPS, (w, seg.start, seg.end)
            assert w.start >= last_end - 0.02 - EPS, "words out of order"
            last_end = w.end
