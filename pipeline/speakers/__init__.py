"""Speakers and roles: who said each sentence, and in which capacity.

    conversation = attribute_speakers(transcript, clip, meta, SpeakerOptions())
    scores = score_speakers(labelled_turns, conversation)

Only ``pipeline.speakers.diarize`` imports resemblyzer/torch, and only when a
mono recording is diarized.
"""

from pipeline.speakers.attribute import attribute_speakers
from pipeline.speakers.options import SpeakerOptions
from pipeline.speakers.scoring import RefTurn, SpeakerScores, score_speakers

__all__ = ["RefTurn", "SpeakerOptions", "SpeakerScores", "attribute_speakers", "score_speakers"]
