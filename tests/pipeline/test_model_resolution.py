from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.errors import ModelResolutionError
from pipeline.model_resolution import BUNDLED_SHA256, assemble_bundled_model, resolve_model


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return assemble_bundled_model(tmp_path_factory.mktemp("cache"))


def test_explicit_path_wins(tmp_path: Path, bundled: Path) -> None:
    r = resolve_model(str(bundled), "faster-whisper", tmp_path)
    assert r.source == "path"
    assert r.location == str(bundled)


def test_explicit_path_that_does_not_exist_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(ModelResolutionError) as info:
        resolve_model(str(tmp_path / "my-model"), "faster-whisper", tmp_path)
    assert "does not exist" in str(info.value)


def test_explicit_path_with_wrong_content(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    with pytest.raises(ModelResolutionError, match=r"missing model\.bin, config\.json"):
        resolve_model(str(tmp_path / "m"), "faster-whisper", tmp_path)


def test_cache_before_bundled(tmp_path: Path, bundled: Path) -> None:
    cache = bundled.parent.parent
    r = resolve_model("base", "faster-whisper", cache)
    assert r.source == "cache"
    custom = cache / "faster-whisper" / "my-finetune"
    custom.mkdir(exist_ok=True)
    for f in ("model.bin", "config.json"):
        (custom / f).write_text("x")
    assert resolve_model("my-finetune", "faster-whisper", cache).source == "cache"


def test_bundled_assembled_and_verified(tmp_path: Path) -> None:
    r = resolve_model("base", "faster-whisper", tmp_path)
    assert r.source == "bundled"
    model = Path(r.location) / "model.bin"
    assert model.stat().st_size == 145_217_532
    assert "cache" in r.tried[-1]
    assert (Path(r.location) / "tokenizer.json").is_file()
    assert BUNDLED_SHA256 in (Path(r.location) / ".callqa-verified.json").read_text()


def test_corrupted_cached_model_is_detected_and_rebuilt(tmp_path: Path) -> None:
    r = resolve_model("base", "faster-whisper", tmp_path)
    model = Path(r.location) / "model.bin"
    with model.open("r+b") as f:
        f.seek(1000)
        f.write(b"\x00" * 64)
    os.utime(model, ns=(1, 1))
    r2 = resolve_model("base", "faster-whisper", tmp_path)
    assert r2.source == "bundled"
    assert any("sha256 mismatch" in t for t in r2.tried)


def test_hub_only_with_network(tmp_path: Path) -> None:
    with pytest.raises(ModelResolutionError) as info:
        resolve_model("large-v3", "faster-whisper", tmp_path)
    msg = str(info.value)
    # One error naming every place tried, in order.
    assert msg.index("path large-v3") < msg.index("cache") < msg.index("network not allowed")
    r = resolve_model("large-v3", "faster-whisper", tmp_path, allow_network=True)
    assert r.source == "hub"
    assert r.location == "large-v3"


def test_bundled_is_only_for_faster_whisper(tmp_path: Path) -> None:
    with pytest.raises(ModelResolutionError, match="only for faster-whisper"):
        resolve_model("base", "openai-whisper", tmp_path)


@pytest.mark.slow
def test_corrupt_model_file_gives_one_clear_error(tmp_path: Path, bundled: Path) -> None:
    from pipeline.engines import EngineOptions, create_engine

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((bundled / "config.json").read_text())
    (broken / "model.bin").write_bytes(b"not a model" * 100)
    with pytest.raises(ModelResolutionError) as info:
        create_engine(EngineOptions(model=str(broken)))
    assert "failed to load" in str(info.value)
    assert str(broken) in str(info.value)
