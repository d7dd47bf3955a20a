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


def _initial(x: Matrix, w: Matrix, options: SpeakerOptions) -> Labels:
    idx = np.flatnonzero(w >= options.seed_min_s)
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
    ks = list(np.unique(seed_labels))
    if want is None:
        # A seed cluster with little speech is an outlier chunk, not a speaker.
        talk = {k: float(w[idx][seed_labels == k].sum()) for k in ks}
        ks = [k for k in ks if talk[k] >= options.min_speaker_s] or [max(ks, key=talk.__getitem__)]
    centroids = np.stack([x[idx][seed_labels == k].mean(axis=0) for k in ks])
    return np.asarray(np.argmax(x @ _normalise(centroids).T, axis=1), dtype=np.int64)


def _centroids(x: Matrix, labels: Labels, weights: Matrix) -> Matrix:
    ks = np.unique(labels)
    return _normalise(np.stack([(x[labels == k] * weights[labels == k, None]).sum(axis=0)
                                for k in ks]))


def _compact(labels: Labels) -> Labels:
    _, inverse = np.unique(labels, return_inverse=True)
    return np.asarray(inverse, dtype=np.int64)


def cluster_embeddings(
    embeddings: Matrix,
    durations: Matrix,
    options: SpeakerOptions,
    neighbours: list[tuple[int | None, int | None]] | None = None,
) -> Labels:
    """Speaker index (0..k-1) for every chunk.

    ``neighbours[i]`` names the chunks right next to chunk i within one phrase run
    (nearest first), or None; close calls follow them.
    """
    n = len(embeddings)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    x = _normalise(np.asarray(embeddings, dtype=np.float64))
    w = np.asarray(durations, dtype=np.float64)
    labels = _compact(_initial(x, w, options))
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

    if neighbours is None:
        return labels
    return _smooth(x, labels, w, neighbours, options)


def _smooth(
    x: Matrix, labels: Labels, w: Matrix, neighbours: list[tuple[int | None, int | None]],
    options: SpeakerOptions,
) -> Labels:
    """A close call takes its nearest neighbour's speaker.

    Short chunks ("好的", "您好") embed poorly; when a chunk is nearly as close to
    the speaker of the chunk right next to it (same phrase run, no real pause) as
    to its own best match, continuity is the better guess.
    """
    if labels.max() == 0:
        return labels
    sims = x @ _centroids(x, labels, w).T
    out = labels.copy()
    for i in range(len(labels)):
        best = sims[i, labels[i]]
        margin = best - np.partition(sims[i], -2)[-2]
        if margin >= options.smooth_margin and w[i] >= options.seed_min_s:
            continue
        for j in neighbours[i]:
            if j is None or labels[j] == labels[i]:
                continue
            if best - sims[i, labels[j]] < options.smooth_margin:
                out[i] = labels[j]
                break
    return out
