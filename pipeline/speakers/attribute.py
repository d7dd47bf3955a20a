"""The speaker stage: Transcript + AudioClip + CallMeta -> Conversation."""

from __future__ import annotations

from pipeline.audio import AudioClip
from pipeline.callmeta import CallMeta, Role
from pipeline.conversation import Conversation
from pipeline.speakers.crosstalk import remove_crosstalk
from pipeline.speakers.energy import EnergyTrack
from pipeline.speakers.options import SpeakerOptions
from pipeline.speakers.roles import SpeakerEvidence, assign_roles
from pipeline.speakers.segments import SpeakerSegment
from pipeline.speakers.turns import build_turns
from pipeline.transcript import Transcript


def _split_call(transcript: Transcript, clip: AudioClip | None, meta: CallMeta,
                options: SpeakerOptions) -> tuple[SpeakerSegment, ...]:
    segments = transcript.segments
    if options.remove_crosstalk:
        energy = EnergyTrack.from_clip(clip) if clip is not None and clip.channels > 1 else None
        segments = remove_crosstalk(segments, energy, options)
    return tuple(SpeakerSegment(f"ch{s.channel}", s) for s in segments)


def _mono(transcript: Transcript, clip: AudioClip | None,
          options: SpeakerOptions) -> tuple[SpeakerSegment, ...]:
    if clip is None or not options.diarize_mono or options.num_speakers == 1:
        return tuple(SpeakerSegment("S1", s) for s in transcript.segments)
    from pipeline.speakers.diarize import diarize  # torch and resemblyzer load only here

    return diarize(transcript.segments, clip, options)


def attribute_speakers(
    transcript: Transcript,
    clip: AudioClip | None,
    meta: CallMeta,
    options: SpeakerOptions = SpeakerOptions(),  # noqa: B008 - frozen, safe as a default
) -> Conversation:
    """Split ``transcript`` into speaker turns with roles.

    Split calls (meta.is_split): one speaker per channel ("ch0", "ch1"), echo and
    crosstalk removed. Mono: diarized into "S1".."S5" (one speaker without audio).
    Roles come from what each speaker says, the channel map and the call kind.
    """
    is_split = meta.is_split
    pieces = (_split_call(transcript, clip, meta, options) if is_split
              else _mono(transcript, clip, options))
    channel_map = meta.channel_map
    speakers: list[SpeakerEvidence] = []
    for name in dict.fromkeys(p.speaker for p in pieces):
        own = [p.segment for p in pieces if p.speaker == name]
        channel_role: Role | None = channel_map.get(own[0].channel) if is_split else None
        speakers.append(SpeakerEvidence(
            speaker=name, texts=tuple(s.text for s in own),
            speech_s=sum(s.end - s.start for s in own), channel_role=channel_role))
    assignments = assign_roles(speakers, meta.kind)
    roles = {a.speaker: a.role for a in assignments}
    turns = build_turns(pieces, roles, options.merge_gap_s)
    duration = transcript.duration or (clip.duration if clip is not None else None)
    return Conversation(meta=meta, turns=turns, roles=assignments, duration=duration)
