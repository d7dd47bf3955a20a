"""Group chunk embeddings into speakers, estimating how many there are.

Average-linkage agglomerative clustering on cosine distance over the longer
chunks (short ones give noisy embeddings), cut at a distance threshold or at
the caller's speaker count; then duration-weighted k-means refinement over all
chunks, folding of "speakers" with too little speech into their nearest
neighbour, and a neighbour vote for short chunks that are close calls.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage

from pipeline.speakers.options import SpeakerOptions

Matrix = npt.NDArray[np.float64]
Labels = npt.NDArray[np.int64]


def _normalise(x: Matrix) -> Matrix:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


def _initial(x: Matrix, seeds: npt.NDArray[np.bool_], options: SpeakerOptions) -> Labels:
    idx = np.flatnonzero(seeds)
    want = options.num_speakers
    if len(idx) < 2 or (want is not None and want > len(idx)):
        idx = np.arange(len(x))  # too few long chunks: let every chunk seed
    if len(idx) < 2:
        return np.zeros(len(x), dtype=np.int64)
    z = linkage(x[idx], method="average", metric="cosine")
    if want is not None:
        seed_labels = fcluster(z, t=max(1, want), criterion="maxclust")
    else:
        seed_labels = fcluster(z, t=options.cluster_threshold, criterion="distance")
        if seed_labels.max() > options.max_speakers:
            seed_labels = fcluster(z, t=options.max_speakers, criterion="maxclust")
    centroids = np.stack([x[idx][seed_labels == k].mean(axis=0) for k in np.unique(seed_labels)])
    return np.asarray(np.argmax(x @ _normalise(centroids).T, axis=1), dtype=np.int64)


def _centroids(x: Matrix, labels: Labels, weights: Matrix) -> Matrix:
    ks = np.unique(labels)
    return _normalise(np.stack([(x[labels == k] * weights[labels == k, None]).sum(axis=0)
                                for k in ks]))


def _compact(labels: Labels) -> Labels:
    _, inverse = np.unique(labels, return_inverse=True)
    return np.asarray(inverse, dtype=np.int64)


def cluster_embeddings(
    embeddings: Matrix, durations: Matrix, options: SpeakerOptions
) -> Labels:
    """Speaker index (0..k-1) for every chunk, in time order of the input rows."""
    n = len(embeddings)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    x = _normalise(np.asarray(embeddings, dtype=np.float64))
    w = np.asarray(durations, dtype=np.float64)
    labels = _compact(_initial(x, w >= options.seed_min_s, options))
    fixed_count = options.num_speakers is not None

    for _ in range(options.refine_iterations):
        cents = _centroids(x, labels, w)
        new = _compact(np.asarray(np.argmax(x @ cents.T, axis=1), dtype=np.int64))
        # Fold speakers with too little speech (a cough, a misheard echo) into
        # the nearest remaining one, unless the caller fixed the count.
        while not fixed_count and new.max() > 0:
            talk = np.bincount(new, weights=w)
            small = int(np.argmin(talk))
            if talk[small] >= options.min_speaker_s:
                break
            cents = _centroids(x, new, w)
            sims = x[new == small] @ np.delete(cents, small, axis=0).T
            others = np.delete(np.arange(len(cents)), small)
            new[new == small] = others[np.argmax(sims, axis=1)]
            new = _compact(new)
        if np.array_equal(new, labels):
            break
        labels = new

    return _smooth(x, labels, w, options)


def _smooth(x: Matrix, labels: Labels, w: Matrix, options: SpeakerOptions) -> Labels:
    """A short chunk between two chunks of one speaker, and nearly as close to that
    speaker as to its own, takes the neighbours' label."""
    if labels.max() == 0 or len(labels) < 3:
        return labels
    cents = _centroids(x, labels, w)
    sims = x @ cents.T
    out = labels.copy()
    for i in range(1, len(labels) - 1):
        prev, nxt = labels[i - 1], labels[i + 1]
        if prev == nxt != labels[i] and w[i] < options.seed_min_s:
            if sims[i, labels[i]] - sims[i, prev] < 0.1:
                out[i] = prev
    return out
