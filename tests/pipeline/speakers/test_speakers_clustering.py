import numpy as np

from pipeline.speakers.chunks import chunk_neighbours, speech_chunks
from pipeline.speakers.clustering import cluster_embeddings
from pipeline.speakers.options import SpeakerOptions
from pipeline.transcript import Segment, Word


def _voices(n_per: list[int], spread: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(n_per), 256))
    rows, truth = [], []
    for k, n in enumerate(n_per):
        rows.append(centres[k] + spread * rng.standard_normal((n, 256)))
        truth += [k] * n
    return np.vstack(rows), np.array(truth)


def _agree(a: np.ndarray, b: np.ndarray) -> bool:
    return len({(x, y) for x, y in zip(a, b, strict=True)}) == len(set(a)) == len(set(b))


def test_estimates_three_speakers() -> None:
    x, truth = _voices([10, 8, 6], spread=0.4)
    labels = cluster_embeddings(x, np.full(len(x), 1.5), SpeakerOptions())
    assert _agree(labels, truth)


def test_one_speaker_stays_one() -> None:
    x, _ = _voices([12], spread=0.4)
    assert set(cluster_embeddings(x, np.full(12, 1.5), SpeakerOptions())) == {0}


def test_speaker_count_hint_and_maximum() -> None:
    x, truth = _voices([6, 6, 6, 6, 6, 6], spread=0.3)
    assert len(set(cluster_embeddings(x, np.full(36, 1.5), SpeakerOptions()))) == 5
    labels = cluster_embeddings(x, np.full(36, 1.5), SpeakerOptions(num_speakers=6))
    assert _agree(labels, truth)


def test_tiny_cluster_is_folded_into_a_real_speaker() -> None:
    x, _ = _voices([10, 10, 1], spread=0.3)
    dur = np.array([1.5] * 20 + [0.9])
    assert len(set(cluster_embeddings(x, dur, SpeakerOptions()))) == 2


def test_chunks_split_at_pauses_and_merge_short_pieces() -> None:
    words = (Word(0.0, 0.3, "好的", 0.9), Word(0.55, 1.5, "我们", 0.9),  # short piece, small gap
             Word(2.1, 2.9, "我就是", 0.9), Word(2.9, 3.7, "张伟", 0.9),   # pause 0.6 s
             Word(3.7, 4.9, "你们", 0.9))                                 # runs past max 2 s
    seg = Segment(0, 0.0, 4.9, "", "", words)
    chunks = speech_chunks((seg,), SpeakerOptions())
    assert [(c.first, c.last) for c in chunks] == [(0, 2), (2, 4), (4, 5)]
    assert chunk_neighbours(chunks, 0.5) == [(None, None), (2, None), (1, None)]


def _close_voices(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two voices whose centres differ less than one voice's chunks scatter."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(256)
    shift = rng.standard_normal(256) * 0.35
    truth = np.array([0] * 12 + [1] * 12)
    x = np.vstack([common + (shift if t else -shift) + 1.0 * rng.standard_normal(256)
                   for t in truth])
    return x, truth


def test_identity_anchors_separate_close_voices() -> None:
    x, truth = _close_voices()
    dur = np.full(len(x), 1.5)
    blind = cluster_embeddings(x, dur, SpeakerOptions())
    anchors = {0: "agent", 1: "agent", 12: "borrower", 13: "borrower"}
    seeded = cluster_embeddings(x, dur, SpeakerOptions(), anchors=anchors)
    assert _agree(seeded, truth)
    assert not _agree(blind, truth)  # the case anchors are for
    # pinned: every anchor keeps its party's speaker
    assert seeded[0] == seeded[1] != seeded[12] == seeded[13]


def test_anchors_of_one_party_change_nothing() -> None:
    x, _ = _voices([10, 8, 6], spread=0.4)
    dur = np.full(len(x), 1.5)
    assert np.array_equal(cluster_embeddings(x, dur, SpeakerOptions(), anchors={0: "agent"}),
                          cluster_embeddings(x, dur, SpeakerOptions()))


def test_anchor_chunks_are_chunks_that_state_one_identity() -> None:
    from pipeline.speakers.diarize import anchor_chunks

    words = (Word(0.0, 1.2, "我是安信的外访专员", 0.9), Word(1.8, 2.8, "我就是张伟", 0.9),
             Word(3.4, 4.4, "今天天气不错", 0.9))
    seg = Segment(0, 0.0, 4.4, "", "", words)
    chunks = speech_chunks((seg,), SpeakerOptions())
    assert anchor_chunks((seg,), chunks, 3.0) == {0: "agent", 1: "borrower"}
    assert anchor_chunks((seg,), chunks, None) == {}
