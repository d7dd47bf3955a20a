from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.engines import EngineOptions, create_engine
from pipeline.engines.base import RawSegment
from pipeline.engines.openai_whisper_engine import OpenAIWhisperEngine
from pipeline.engines.speech_regions import detect_speech, map_to_original
from pipeline.errors import ModelResolutionError
from pipeline.transcript import TranscribeOptions
from tests.pipeline.engines.contract import assert_engine_contract

SR = 16000
# Greedy, no fallback: random weights would otherwise retry every temperature.
FAST = TranscribeOptions(beam_size=1, temperature=(0.0,), vad_filter=False)


@pytest.fixture(scope="module")
def engine(openai_whisper_pt: Path) -> OpenAIWhisperEngine:
    return OpenAIWhisperEngine(EngineOptions(engine="openai-whisper",
                                             model=str(openai_whisper_pt)))


def test_factory_builds_it_from_a_pt_path(openai_whisper_pt: Path) -> None:
    engine = create_engine(EngineOptions(engine="openai-whisper", model=str(openai_whisper_pt)))
    assert isinstance(engine, OpenAIWhisperEngine)
    assert engine.name == "openai-whisper"
    assert engine.model_ref == f"path:{openai_whisper_pt}"


@pytest.mark.slow
def test_transcribe_returns_timed_segments_with_words(
    engine: OpenAIWhisperEngine, speech_audio: np.ndarray
) -> None:
    segments = engine.transcribe(speech_audio, FAST)
    assert segments, "the seeded tiny model decodes at least one segment here"
    assert_engine_contract(segments, len(speech_audio) / SR)


def _times(segments: list[RawSegment]) -> list[float]:
    return [t for s in segments for t in (s.start, s.end, *(x for w in s.words
                                                            for x in (w.start, w.end)))]


@pytest.mark.slow
def test_vad_drops_silence_and_maps_times_back(
    engine: OpenAIWhisperEngine, gapped_audio: tuple[np.ndarray, list[tuple[float, float]]]
) -> None:
    audio, speech = gapped_audio
    options = TranscribeOptions(beam_size=1, temperature=(0.0,), vad_filter=True,
                                word_timestamps=True)
    segments = engine.transcribe(audio, options)
    assert segments
    assert_engine_contract(segments, len(audio) / SR)
    pad = 0.5  # Silero pads regions by 0.4 s
    for w in (w for s in segments for w in s.words):
        assert any(a - pad <= w.start <= b + pad for a, b in speech), (w, speech)
    assert min(s.start for s in segments) >= speech[0][0] - pad
    # Same as decoding only the speech and shifting times back to the recording.
    joined = detect_speech(audio, options.vad_min_silence_ms)
    on_joined = engine.transcribe(joined.audio, replace(options, vad_filter=False))
    expected = map_to_original(on_joined, joined)
    # Floats may differ in the last bits between runs (SIMD over other buffers).
    assert [s.text for s in segments] == [s.text for s in expected]
    assert _times(segments) == pytest.approx(_times(expected), abs=1e-3)
    assert all(a.start > b.start + 1.0 for a, b in zip(segments, on_joined, strict=True))


@pytest.mark.slow
def test_all_silence_with_vad_returns_nothing(engine: OpenAIWhisperEngine) -> None:
    assert engine.transcribe(np.zeros(3 * SR, dtype=np.float32),
                             TranscribeOptions(vad_filter=True)) == []


@pytest.mark.slow
def test_without_word_timestamps_segments_have_no_words(
    engine: OpenAIWhisperEngine, speech_audio: np.ndarray
) -> None:
    short = speech_audio[: 2 * SR]
    options = TranscribeOptions(beam_size=1, temperature=(0.0,), vad_filter=False,
                                word_timestamps=False)
    segments = engine.transcribe(short, options)
    assert_engine_contract(segments, 2.0, words_expected=False)
    assert all(s.words == () for s in segments)


def test_missing_path_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pt"
    with pytest.raises(ModelResolutionError) as err:
        OpenAIWhisperEngine(EngineOptions(engine="openai-whisper", model=str(missing)))
    assert str(missing) in str(err.value)
    assert err.value.tried == [f"path {missing}: does not exist"]


def test_corrupt_checkpoint_is_a_resolution_error_listing_what_was_tried(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"not a torch checkpoint")
    with pytest.raises(ModelResolutionError) as err:
        OpenAIWhisperEngine(EngineOptions(engine="openai-whisper", model=str(bad)))
    assert any(t.startswith(f"{bad}: failed to load") for t in err.value.tried)
    assert str(bad) in str(err.value)


def test_a_directory_is_not_an_openai_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(ModelResolutionError) as err:
        OpenAIWhisperEngine(EngineOptions(engine="openai-whisper", model=str(tmp_path)))
    assert "not an openai-whisper .pt file" in str(err.value)


def test_a_name_offline_lists_cache_and_skipped_hub(tmp_path: Path) -> None:
    with pytest.raises(ModelResolutionError) as err:
        OpenAIWhisperEngine(EngineOptions(engine="openai-whisper", model="small",
                                          model_cache=str(tmp_path)))
    tried = "\n".join(err.value.tried)
    assert str(tmp_path / "openai-whisper" / "small") in tried
    assert "network not allowed" in tried


def test_official_name_with_other_dimensions_still_loads(
    openai_whisper_pt: Path, tmp_path: Path
) -> None:
    # "base.pt" makes the adapter try base's published alignment heads, which do
    # not fit a 1-layer model; it must keep the default heads, not fail.
    named = tmp_path / "base.pt"
    shutil.copy(openai_whisper_pt, named)
    engine = OpenAIWhisperEngine(EngineOptions(engine="openai-whisper", model=str(named)))
    assert engine.model_ref == f"path:{named}"
