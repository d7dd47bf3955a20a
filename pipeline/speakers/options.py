"""Settings of the speaker stage; they travel with a run so a result explains itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpeakerOptions:
    """How speakers are found and roles assigned.

    Crosstalk: on a split (stereo) call, speech that is ``echo_db`` quieter on its
    own channel than on another channel is that other party's voice leaking
    through (line echo, headset crosstalk) and is removed.

    Diarization (mono): Whisper words are grouped into chunks of at most
    ``max_chunk_s``, broken at pauses of ``split_gap_s``; each chunk gets a
    speaker embedding and the chunks are clustered. Without ``num_speakers`` the
    number of speakers is estimated (agglomerative clustering cut at
    ``cluster_threshold`` cosine distance, at most ``max_speakers``).
    """

    # mono diarization
    diarize_mono: bool = True
    num_speakers: int | None = None  # a hint from the caller; None = estimate
    max_speakers: int = 5
    cluster_threshold: float = 0.30  # average-linkage cosine distance
    split_gap_s: float = 0.2
    max_chunk_s: float = 2.0
    min_embed_s: float = 0.6  # shorter chunks borrow surrounding audio for their embedding
    seed_min_s: float = 1.0  # only chunks this long seed the clusters
    min_speaker_s: float = 2.0  # a "speaker" with less speech is folded into its nearest one
    refine_iterations: int = 5
    smooth_margin: float = 0.05  # cosine similarity: a closer call follows its neighbour
    neighbour_gap_s: float = 0.5
    # chunks whose words state an identity (cue weight >= this) seed their party's
    # voice; None = voices from embeddings alone
    anchor_min_weight: float | None = 3.0
    # stereo crosstalk
    remove_crosstalk: bool = True
    echo_db: float = -12.0
    recover_echo: bool = True  # echo of speech the loud channel's transcript lacks moves there
    recover_min_s: float = 1.0  # shorter uncovered echo runs are timing slips: dropped
    duplicate_similarity: float = 0.6
    duplicate_overlap: float = 0.5
    # turns
    merge_gap_s: float = 1.5
