"""Pipeline stage: PII spans in a conversation's turns."""

from __future__ import annotations

from pipeline.analysis import PiiSpan
from pipeline.conversation import Conversation
from pipeline.pii.masking import mask_value
from pipeline.pii.pack import PiiPack
from pipeline.pii.recognizers import detect_entities


def detect_pii(conversation: Conversation, pack: PiiPack) -> tuple[PiiSpan, ...]:
    """PII spans in every turn (offsets in ``turn.text``), scoring at the mask threshold.

    The mask threshold (not the detection one) is used because these spans decide what
    is masked in the store: a misheard ID number with context is kept, flagged
    ``valid=False`` with its lower score.
    """
    spans: list[PiiSpan] = []
    for turn in conversation.turns:
        for e in detect_entities(turn.text, pack, pack.thresholds.mask):
            spans.append(PiiSpan(entity_id=e.entity_id, turn=turn.index, start=e.start,
                                 end=e.end, text=e.text, valid=e.valid, score=e.score,
                                 masked=mask_value(e.entity_id, e.text, pack)))
    return tuple(spans)
