"""What every rule kind reads about one call: prepared texts, phrase hits per turn,
semantic scores, events, listeners, settings; and how a finding is built.

Built once per call by ``pipeline.rules.engine``; rule kinds only read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.analysis import Evidence, Finding, MatchMethod
from pipeline.audio import AudioClip
from pipeline.callmeta import CallMeta, Role
from pipeline.conversation import Conversation, Turn
from pipeline.rules.context import SpanContext, has_negation, has_reported_cue, span_context
from pipeline.rules.loader import RulePack, slot_key
from pipeline.rules.matchers import PhraseHit, PreparedText
from pipeline.rules.models import KIND_PARAMS, Rule, SpeakerScope

PINYIN_CERTAIN = 0.8
SCOPE_ROLES: dict[SpeakerScope, tuple[Role, ...]] = {
    "agent": ("agent",),
    "borrower": ("borrower",),
    "third_party": ("third_party",),
    "any": ("agent", "borrower", "third_party", "unknown"),
}
_METHOD_RANK = {"exact": 0, "regex": 1, "pinyin": 2, "semantic": 3}


@dataclass(frozen=True)
class TextHit:
    """A phrase, regex or semantic hit in one turn, with its sentence context."""

    turn: int
    start: int
    end: int
    pattern: str
    method: MatchMethod
    score: float
    context: SpanContext


@dataclass
class CallState:
    conversation: Conversation
    prepared: tuple[PreparedText, ...]
    hits: tuple[Mapping[str, Sequence[PhraseHit]], ...]  # per turn: key -> hits
    semantic: dict[tuple[int, str], tuple[float, str]]  # (turn, key) -> (score, exemplar)
    settings: Mapping[str, Any]
    audio: AudioClip | None = None
    history: Sequence[CallMeta] = ()
    semantic_certain: dict[str, float] = field(default_factory=dict)  # pack -> threshold
    _events: dict[tuple[str, str], int | None] = field(default_factory=dict)
    _index: dict[str, list[int]] | None = None
    _role_turns: dict[str, list[int]] = field(default_factory=dict)
    _text_hits: dict[tuple[str, str, int, str, frozenset[str]], tuple[TextHit, ...]] = \
        field(default_factory=dict)

    def role_turns(self, scope: SpeakerScope) -> list[int]:
        """Indexes of the turns a speaker scope covers (computed once per call)."""
        if scope not in self._role_turns:
            roles = SCOPE_ROLES[scope]
            self._role_turns[scope] = [i for i, t in enumerate(self.turns) if t.role in roles]
        return self._role_turns[scope]

    def candidates(self, pack: str, owner: str, slot: str = "p") -> list[int]:
        """Turns with any raw or semantic hit for a slot (the only turns worth checking)."""
        if self._index is None:
            index: dict[str, set[int]] = {}
            for i, per_key in enumerate(self.hits):
                for key in per_key:
                    index.setdefault(key, set()).add(i)
            for i, key in self.semantic:
                index.setdefault(key, set()).add(i)
            self._index = {k: sorted(v) for k, v in index.items()}
        return self._index.get(slot_key(pack, owner, slot), [])

    @property
    def turns(self) -> tuple[Turn, ...]:
        return self.conversation.turns

    @property
    def meta(self) -> CallMeta:
        return self.conversation.meta

    def param(self, rule: Rule, name: str) -> Any:
        """Rule parameter: settings (per rule, then global) over the pack over defaults."""
        per_rule = self.settings.get(rule.id)
        if isinstance(per_rule, Mapping) and name in per_rule:
            return per_rule[name]
        if name in self.settings:
            return self.settings[name]
        return rule.params.get(name, KIND_PARAMS[rule.kind][name])

    def in_scope(self, rule: Rule, turn: Turn, scope: SpeakerScope | None = None) -> bool:
        return turn.role in SCOPE_ROLES[scope or rule.speaker]

    def raw_hits(self, pack: str, owner: str, slot: str, turn: int) -> Sequence[PhraseHit]:
        return self.hits[turn].get(slot_key(pack, owner, slot), ())

    def has(self, pack: str, owner: str, slot: str, turn: int) -> bool:
        return bool(self.hits[turn].get(slot_key(pack, owner, slot)))

    def text_hits(self, pack: RulePack, rule: Rule, turn: int, slot: str = "p",
                  ignore: Iterable[str] | None = None) -> tuple[TextHit, ...]:
        """Hits of one pattern slot in one turn after exceptions, context words and
        the rule's context filters; best first. Remembered for the call: several
        checks of one rule (trigger, reply, script answer) ask about the same turn."""
        ignored = frozenset(rule.ignore if ignore is None else ignore)
        memo = (pack.name, rule.id, turn, slot, ignored)
        found = self._text_hits.get(memo)
        if found is None:
            found = self._text_hits[memo] = tuple(self._text_hits_of(pack, rule, turn, slot,
                                                                     ignored))
        return found

    def _text_hits_of(self, pack: RulePack, rule: Rule, turn: int, slot: str,
                      ignored: frozenset[str]) -> list[TextHit]:
        text = self.prepared[turn]
        if rule.context and not self._context_near(pack.name, rule, turn):
            return []
        exceptions = self.raw_hits(pack.name, rule.id, "x", turn)
        masks = self.raw_hits(pack.name, rule.id, "m", turn)
        out: list[TextHit] = []
        for h in self.raw_hits(pack.name, rule.id, slot, turn):
            if exceptions and (rule.exception_scope == "turn"
                               or any(_same_clause(text, h, x) for x in exceptions)):
                continue
            if any(m.start <= h.start and h.end <= m.end for m in masks):
                continue
            ctx = span_context(text, h.start, h.end)
            if ignored and any(getattr(ctx, flag) for flag in ignored):
                continue
            out.append(TextHit(turn, h.start, h.end, h.pattern, h.method, h.score, ctx))
        sem = self.semantic.get((turn, slot_key(pack.name, rule.id, slot)))
        if sem is not None and not exceptions:
            negated = "negated" in ignored and has_negation(text)
            reported = "reported" in ignored and has_reported_cue(text)
            if not (negated or reported):
                out.append(TextHit(turn, 0, len(text.compact), sem[1], "semantic", sem[0],
                                   SpanContext()))
        out.sort(key=lambda h: (_METHOD_RANK[h.method], -h.score, h.start - h.end))
        return out

    def _context_near(self, pack: str, rule: Rule, turn: int) -> bool:
        lo = max(0, turn - rule.context_turns)
        hi = min(len(self.turns), turn + rule.context_turns + 1)
        return any(self.has(pack, rule.id, "c", j) for j in range(lo, hi))

    # ---- events and listeners ----

    def event_turn(self, pack: RulePack, name: str) -> int | None:
        """Index of the turn where the pack event first happened, or None."""
        key = (pack.name, name)
        if key not in self._events:
            self._events[key] = self._find_event(pack, name)
        return self._events[key]

    def _find_event(self, pack: RulePack, name: str) -> int | None:
        ev = pack.header.events[name]
        owner = f"event:{name}"
        said = set(self.candidates(pack.name, owner, "answer")) \
            | set(self.candidates(pack.name, owner, "statement"))
        if self.meta.kind is not None and self.meta.kind in ev.reply_confirms_kinds:
            # Face to face, the person the agent addresses is the one who answers:
            # any reply of a borrower-role speaker to the prompt counts.
            said |= {j for j, t in enumerate(self.turns) if t.role == "borrower"}
        for j in sorted(said):
            if self.turns[j].role not in ev.answer_roles:
                continue
            text = self.prepared[j]
            if self.has(pack.name, owner, "answer_denial", j):
                continue
            if any(not span_context(text, h.start, h.end).negated
                   for h in self.raw_hits(pack.name, owner, "statement", j)):
                return j
            answered = any(not span_context(text, h.start, h.end).negated
                           for h in self.raw_hits(pack.name, owner, "answer", j))
            if not answered and not (self.turns[j].role == "borrower"
                                     and self.meta.kind in ev.reply_confirms_kinds):
                continue
            for k in range(j - 1, max(-1, j - 1 - ev.within_turns), -1):
                if self.turns[k].role == "agent" and self.has(pack.name, owner, "prompt", k):
                    return j
        return None

    def listener(self, turn: int) -> Role:
        """Who the speaker of ``turn`` is talking to: the other party who spoke last
        before it (the person who just answered). Before any other party has spoken
        the listener is not known yet: ``"unknown"`` (whoever picks up the phone or
        opens the door has not said who they are)."""
        speaker_role = self.turns[turn].role
        for k in range(turn - 1, -1, -1):
            if self.turns[k].role not in (speaker_role, "unknown"):
                return self.turns[k].role
        return "unknown"

    # ---- findings ----

    def finding(self, pack: RulePack, rule: Rule, *, turn: int | None, pattern: str,
                method: MatchMethod, score: float = 1.0, message: str = "",
                start: float | None = None, end: float | None = None,
                quote: str | None = None, uncertain: bool = False) -> Finding:
        t = self.turns[turn] if turn is not None else None
        if t is not None:
            uncertain = uncertain or t.low_confidence
            start = t.start if start is None else start
            end = t.end if end is None else end
            quote = self.prepared[turn].norm if quote is None and turn is not None else quote
        if method == "pinyin" and score < PINYIN_CERTAIN:
            uncertain = True
        if method == "semantic" and score < self.semantic_certain.get(pack.name, 0.82):
            uncertain = True
        evidence = Evidence(
            speaker=t.speaker if t else None,
            role=t.role if t else None,
            turn=turn,
            start=start,
            end=end,
            quote=quote or "",
            pattern=pattern,
            method=method,
            score=round(float(score), 4),
            uncertain=uncertain,
        )
        return Finding(
            rule_id=rule.id,
            rule_version=rule.version,
            pack=pack.name,
            pack_version=pack.version,
            severity=rule.severity,
            clause=f"{rule.clause.source}: {rule.clause.text}",
            evidence=evidence,
            message=message or rule.title,
        )

    def text_finding(self, pack: RulePack, rule: Rule, hit: TextHit, message: str = "") -> Finding:
        return self.finding(pack, rule, turn=hit.turn, pattern=hit.pattern, method=hit.method,
                            score=hit.score, message=message)


def _same_clause(text: PreparedText, hit: PhraseHit, exc: PhraseHit) -> bool:
    if exc.start < hit.end and hit.start < exc.end:
        return True
    return text.clause_span(hit.start) == text.clause_span(exc.start)


def turn_times(turns: Sequence[Turn]) -> bool:
    """True when every turn has start and end times."""
    return bool(turns) and all(t.start is not None and t.end is not None for t in turns)


def call_duration(conversation: Conversation) -> float | None:
    if conversation.duration is not None:
        return conversation.duration
    ends = [t.end for t in conversation.turns if t.end is not None]
    return max(ends) if ends else None
