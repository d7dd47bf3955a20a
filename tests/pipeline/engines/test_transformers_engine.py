from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.engines import EngineOptions, create_engine
from pipeline.engines.base import RawSegment
from pipeline.engines.speech_regions import detect_speech, map_to_original
from pipeline.engines.transformers_engine import (
    TransformersEngine,
    _Decoded,
    _dtw,
    _median_filter,
    compression_ratio,
)
from pipeline.errors import ModelResolutionError
from pipeline.transcript import TranscribeOptions
from tests.pipeline.engines.contract import assert_engine_contract

SR = 16000
FAST = TranscribeOptions(beam_size=1, temperature=(0.0,), vad_filter=False)


@pytest.fixture(scope="module")
def engine(transformers_dir: Path) -> TransformersEngine:
    return TransformersEngine(EngineOptions(engine="transformers", model=str(transformers_dir)))


# -- the adapter on a real (tiny, random) checkpoint ----------------------------------


def test_factory_builds_it_from_a_checkpoint_dir(transformers_dir: Path) -> None:
    engine = create_engine(EngineOptions(engine="transformers", model=str(transformers_dir)))
    assert isinstance(engine, TransformersEngine)
    assert engine.name == "transformers"
    assert engine.model_ref == f"path:{transformers_dir}"


@pytest.mark.slow
def test_transcribe_returns_timed_segments_with_aligned_words(
    engine: TransformersEngine, speech_audio: np.ndarray
) -> None:
    segments = engine.transcribe(speech_audio, FAST)
    assert segments, "the seeded tiny model decodes at least one segment here"
    assert_engine_contract(segments, len(speech_audio) / SR)


@pytest.mark.slow
def test_without_alignment_heads_words_share_out_the_segment(
    transformers_dir_no_heads: Path, speech_audio: np.ndarray
) -> None:
    engine = TransformersEngine(EngineOptions(engine="transformers",
                                              model=str(transformers_dir_no_heads)))
    segments = engine.transcribe(speech_audio, FAST)
    assert segments
    assert_engine_contract(segments, len(speech_audio) / SR)
    for seg in segments:
        assert seg.words[0].start == pytest.approx(seg.start)
        assert seg.words[-1].end == pytest.approx(seg.end)
        for a, b in zip(seg.words, seg.words[1:], strict=False):
            assert a.end == pytest.approx(b.start)  # contiguous, no gaps


def _times(segments: list[RawSegment]) -> list[float]:
    return [t for s in segments for t in (s.start, s.end, *(x for w in s.words
                                                            for x in (w.start, w.end)))]


@pytest.mark.slow
def test_vad_drops_silence_and_maps_times_back(
    engine: TransformersEngine, gapped_audio: tuple[np.ndarray, list[tuple[float, float]]]
) -> None:
    audio, speech = gapped_audio
    options = TranscribeOptions(beam_size=1, temperature=(0.0,), vad_filter=True)
    segments = engine.transcribe(audio, options)
    assert segments
    assert_engine_contract(segments, len(audio) / SR)
    pad = 0.5  # Silero pads regions by 0.4 s
    for w in (w for s in segments for w in s.words):
        assert any(a - pad <= w.start <= b + pad for a, b in speech), (w, speech)
    assert min(s.start for s in segments) >= speech[0][0] - pad
    # Same as decoding only the speech and shifting times back to the recording.
    joined = detect_speech(audio, options.vad_min_silence_ms, max_region_s=29.0)
    on_joined = engine.transcribe(joined.audio, replace(options, vad_filter=False))
    expected = map_to_original(on_joined, joined)
    # Floats may differ in the last bits between runs (SIMD over other buffers).
    assert [s.text for s in segments] == [s.text for s in expected]
    assert _times(segments) == pytest.approx(_times(expected), abs=1e-3)
    assert all(a.start > b.start + 1.0 for a, b in zip(segments, on_joined, strict=True))


@pytest.mark.slow
def test_audio_longer_than_a_window_is_decoded_in_windows(
    engine: TransformersEngine, speech_audio: np.ndarray
) -> None:
    # 34 s of speech without VAD: two windows (30 s + 4 s); every time stays in range.
    audio = np.tile(speech_audio, int(np.ceil(34 * SR / len(speech_audio))))[: 34 * SR]
    segments = engine.transcribe(audio, FAST)
    assert_engine_contract(segments, 34.0)
    assert any(s.start >= 30.0 for s in segments), "nothing decoded from the second window"


def test_all_silence_with_vad_returns_nothing(engine: TransformersEngine) -> None:
    assert engine.transcribe(np.zeros(3 * SR, dtype=np.float32), TranscribeOptions()) == []


# -- turning a token sequence into timed spans ---------------------------------------


def _decoded(engine: TransformersEngine, tokens: list[int]) -> _Decoded:
    first = 3  # <|startoftranscript|><|zh|><|transcribe|>
    return _Decoded(tuple(tokens), first, np.full(len(tokens), -0.5), 0.01, None, -0.5, 1.0)


def test_spans_follow_timestamp_tokens_and_are_clipped_to_the_window(
    engine: TransformersEngine,
) -> None:
    ts = engine._timestamp_begin
    t = lambda s: ts + round(s / 0.02)  # noqa: E731
    text = engine._processor.tokenizer.encode("你好", add_special_tokens=False)
    more = engine._processor.tokenizer.encode("是我", add_special_tokens=False)
    tokens = [engine._sot, 50260, 50359,
              t(0.4), *text, t(1.2), t(1.2), *more, t(6.0),  # second span runs past 4 s
              t(7.0), *text, t(8.0),                          # wholly in the padding
              engine._eot]
    spans = engine._spans(_decoded(engine, tokens), window_s=4.0)
    assert [(s.start, s.end) for s in spans] == [(pytest.approx(0.4), pytest.approx(1.2)),
                                                 (pytest.approx(1.2), 4.0)]
    assert [engine._text([tokens[p] for p in s.positions]) for s in spans] == ["你好", "是我"]


def test_trailing_text_without_a_timestamp_runs_to_the_window_end(
    engine: TransformersEngine,
) -> None:
    ts = engine._timestamp_begin
    text = engine._processor.tokenizer.encode("还款", add_special_tokens=False)
    tokens = [engine._sot, 50260, 50359, ts + 50, *text, engine._eot]
    spans = engine._spans(_decoded(engine, tokens), window_s=3.0)
    assert [(s.start, s.end) for s in spans] == [(pytest.approx(1.0), 3.0)]
    assert spans[0].closing is None


def test_chinese_words_are_whole_characters(engine: TransformersEngine) -> None:
    # Rare characters are split over several byte-level BPE tokens; a word must
    # never be half a character.
    text = "逾期罚息𠮷"
    ids = engine._processor.tokenizer.encode(text, add_special_tokens=False)
    groups = engine._word_groups(tuple(ids), tuple(range(len(ids))), "zh")
    words = [engine._text([ids[p] for p in g]) for g in groups]
    assert "".join(words) == text
    assert all("\ufffd" not in w for w in words)
    assert len(ids) > len(words)  # the test covers multi-token characters


def test_spaced_languages_split_words_on_spaces(engine: TransformersEngine) -> None:
    ids = engine._processor.tokenizer.encode(" please repay on time", add_special_tokens=False)
    groups = engine._word_groups(tuple(ids), tuple(range(len(ids))), "en")
    assert [engine._text([ids[p] for p in g]) for g in groups] == [
        " please", " repay", " on", " time"]


# -- load errors ----------------------------------------------------------------------


def test_missing_dir_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "whisper-zh"
    with pytest.raises(ModelResolutionError) as err:
        TransformersEngine(EngineOptions(engine="transformers", model=str(missing)))
    assert err.value.tried == [f"path {missing}: does not exist"]


def test_dir_without_config_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ModelResolutionError) as err:
        TransformersEngine(EngineOptions(engine="transformers", model=str(tmp_path)))
    assert "missing config.json" in str(err.value)


def test_broken_checkpoint_is_a_resolution_error_listing_what_was_tried(
    transformers_dir: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(transformers_dir, broken)
    (broken / "model.safetensors").write_bytes(b"truncated")
    with pytest.raises(ModelResolutionError) as err:
        TransformersEngine(EngineOptions(engine="transformers", model=str(broken)))
    assert any(t.startswith(f"{broken}: failed to load") for t in err.value.tried)


def test_cached_checkpoint_is_found_by_name(transformers_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(transformers_dir, tmp_path / "transformers" / "whisper-zh")
    engine = TransformersEngine(EngineOptions(engine="transformers", model="whisper-zh",
                                              model_cache=str(tmp_path)))
    assert engine.model_ref == f"cache:{tmp_path / 'transformers' / 'whisper-zh'}"
    assert json.loads((tmp_path / "transformers" / "whisper-zh" / "config.json").read_text())


# -- numeric helpers ------------------------------------------------------------------


def test_dtw_follows_the_cheap_diagonal() -> None:
    cost = np.ones((3, 6))
    for i, js in enumerate([(0, 1), (2, 3), (4, 5)]):
        cost[i, list(js)] = 0.0
    rows, cols = _dtw(cost)
    starts = cols[np.diff(rows, prepend=-1) > 0]
    assert starts.tolist() == [0, 2, 4]
    assert rows[-1] == 2 and cols[-1] == 5
    assert np.all(np.diff(rows) >= 0) and np.all(np.diff(cols) >= 0)


def test_median_filter_removes_a_spike_and_keeps_shape() -> None:
    x = np.zeros((2, 3, 20))
    x[:, :, 10] = 5.0
    out = _median_filter(x, 7)
    assert out.shape == x.shape
    assert np.all(out == 0.0)


def test_compression_ratio_flags_repetition() -> None:
    assert compression_ratio("") == 0.0
    assert compression_ratio("您好我是回访专员") < 2.4
    assert compression_ratio("逾期" * 100) > 2.4
