"""Group chunk embeddings into speakers, estimating how many there are.

Average-linkage agglomerative clustering on cosine distance over the longer
chunks (short ones give noisy embeddings), cut at a distance threshold or at
the caller's speaker count; then duration-weighted k-means refinement over all
chunks, folding of "speakers" with too little speech into their nearest
neighbour, and a neighbour vote for short chunks that are close calls.

Chunks whose words state who is speaking ("我是…外访专员", "我就是张伟", "我是他
爱人") are anchors: voices of one TTS-like timbre or of two relatives can sit
closer together than one voice's chunks do, and then an unsupervised partition
mixes them; an anchor's words are far more reliable than its embedding. When
anchors of at least two parties are present, the speakers are re-estimated as
k-means seeded by each party's anchors (plus the clusters holding no anchor),
with anchors pinned to their party.
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
    anchors: dict[int, str] | None = None,
) -> Labels:
    """Speaker index (0..k-1) for every chunk.

    ``neighbours[i]`` names the chunks right next to chunk i within one phrase run
    (nearest first), or None; close calls follow them. ``anchors`` maps chunk
    indices to the party their words identify (see the module docstring).
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

    if anchors:
        labels = _anchor_refine(x, labels, w, anchors, options)
    if neighbours is None:
        return labels
    return _smooth(x, labels, w, neighbours, options)


def _anchor_refine(
    x: Matrix, labels: Labels, w: Matrix, anchors: dict[int, str], options: SpeakerOptions
) -> Labels:
    """Re-estimate speakers from anchor chunks (chunk index -> party that chunk's
    words identify). Unchanged with anchors of fewer than two parties, whose
    seeds could not tell any voices apart."""
    parties = sorted(set(anchors.values()))
    want = options.num_speakers
    # The caller's speaker count wins: more parties than speakers means the
    # anchors cannot be honoured (two parties' words in one voice, or a misread cue).
    if len(parties) < 2 or (want is not None and len(parties) > want):
        return labels
    seeds = [x[[i for i, p in anchors.items() if p == party]].mean(axis=0) for party in parties]
    held = {int(labels[i]) for i in anchors}
    seeds += [(x[labels == k] * w[labels == k, None]).sum(axis=0)
              for k in np.unique(labels) if int(k) not in held]
    cents = _normalise(np.stack(seeds[:want] if want is not None else seeds))
    pinned = np.array(list(anchors)), np.array([parties.index(p) for p in anchors.values()])
    out = labels
    for _ in range(options.refine_iterations):
        new = np.asarray(np.argmax(x @ cents.T, axis=1), dtype=np.int64)
        new[pinned[0]] = pinned[1]
        if np.array_equal(new, out):
            break
        out = new
        cents = _normalise(np.stack([
            (x[out == k] * w[out == k, None]).sum(axis=0) if (out == k).any() else cents[k]
            for k in range(len(cents))]))
    return _compact(out)


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
