"""Pydantic schema of a rule pack (compliance_rules/*.yaml).

A pack is data: rules, their patterns, thresholds and the clause each enforces.
``pipeline.rules.loader`` validates every rule on its own so an error names the
file, the rule ID and the field.

Rule kinds (``kind``):
- ``phrase``: a speaker says something matching ``patterns`` (after context filters).
- ``audience``: like ``phrase``, but only while the listener is ``listener``
  (e.g. a third party) and, with ``unless_event``, before that event happened.
- ``sequence``: ``patterns`` said before the pack event ``before_event``
  (e.g. loan details before identity confirmed).
- ``required``: each pattern group in ``groups`` must be said within ``window``;
  a finding when one is absent.
- ``response``: after a ``trigger_speaker`` turn matching ``patterns``, one of the
  speaker's next ``params.within_turns`` turns must match ``response``.
- ``calling_hours``, ``frequency``: call metadata and the borrower's call history.
- ``silence``, ``overtalk``, ``speech_rate``, ``loudness``: timing and audio.
- ``script_item``: a callback question; ``answers`` turn the reply into a value.

Text kinds filter hits with ``exceptions`` (phrases that clear a hit in the turn or
clause), ``mask`` (spans inside which the patterns mean nothing, e.g. a lender's
name holding 车贷) and ``ignore`` (negated, reported, hypothetical, question).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.analysis import Severity
from pipeline.callmeta import CallKind

RuleKind = Literal["phrase", "audience", "sequence", "required", "response", "calling_hours",
                   "frequency", "silence", "overtalk", "speech_rate", "loudness", "script_item"]
SpeakerScope = Literal["agent", "borrower", "third_party", "any"]
ContextFlag = Literal["negated", "reported", "hypothetical", "question"]

AnswerRole = Literal["borrower", "third_party", "unknown"]
_KINDS: tuple[CallKind, ...] = ("callback", "collection", "visit")
_DEFAULT_IGNORE: tuple[ContextFlag, ...] = ("negated", "reported")
_ANSWER_ROLES: tuple[AnswerRole, ...] = ("borrower", "unknown")
RULE_ID = re.compile(r"^(X-)?[A-Z]+(-[A-Z0-9]+)+$")
TEXT_KINDS = ("phrase", "audience", "sequence", "script_item")

# Thresholds each timing / metadata kind reads, with their defaults (catalogue values).
KIND_PARAMS: dict[str, dict[str, Any]] = {
    "calling_hours": {"calling_hours": ["08:00", "21:00"], "timezone": "Asia/Shanghai"},
    "frequency": {"max_calls_per_day": 3, "max_dial_attempts": 6, "timezone": "Asia/Shanghai"},
    "silence": {"max_silence_s": 8.0},
    "overtalk": {"max_events": 3, "max_share": 0.15, "min_overlap_s": 0.5, "grace_s": 0.3},
    "speech_rate": {"min_cpm": 150.0, "max_cpm": 330.0, "window_s": 20.0, "min_speech_s": 8.0},
    "loudness": {"rise_db": 10.0, "min_duration_s": 2.0, "frame_s": 0.05, "floor_db": -50.0},
    "response": {"within_turns": 2},
    "required": {},
    "phrase": {},
    "audience": {},
    "sequence": {"skip_listener": None},
    "script_item": {"answer_turns": 3, "answer_order": "priority"},
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatternSet(_Strict):
    """Ways to say one thing. Phrases match exact text and toneless pinyin."""

    phrases: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    semantic: list[str] = Field(default_factory=list, description="exemplar sentences")
    semantic_threshold: float | None = Field(default=None, gt=0, le=1)
    semantic_cues: list[str] = Field(
        default_factory=list,
        description="cheap prefilter: a turn is embedded only if one of these occurs",
    )
    lexicons: list[str] = Field(default_factory=list, description="names of pack lexicons")
    pinyin: bool = True

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for rx in value:
            try:
                re.compile(rx)
            except re.error as exc:
                raise ValueError(f"regex {rx!r} does not compile: {exc}") from exc
        return value

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.regex or self.semantic or self.lexicons)


class Clause(_Strict):
    source: str
    text: str


class Window(_Strict):
    """Where a rule looks: seconds from the start or before the end, or turn counts
    (used when the transcript has no timestamps)."""

    first_s: float | None = Field(default=None, gt=0)
    last_s: float | None = Field(default=None, gt=0)
    first_turns: int | None = Field(default=None, gt=0)
    last_turns: int | None = Field(default=None, gt=0)


class ExampleTurn(_Strict):
    role: Literal["agent", "borrower", "third_party", "unknown"]
    text: str
    start: float | None = None
    end: float | None = None


class ExampleHistoryCall(_Strict):
    started_at: datetime
    connected: bool = True
    dial_attempts: int | None = None


class Example(_Strict):
    """A case the rule must (or must not) flag. A bare string is one turn spoken by
    the rule's speaker."""

    text: str | None = None
    turns: list[ExampleTurn] | None = None
    kind: CallKind | None = None
    started_at: datetime | None = None
    dial_attempts: int | None = None
    history: list[ExampleHistoryCall] = Field(default_factory=list)
    answer: str | None = None  # script items: the value the reply must give
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _has_content(self) -> Example:
        if self.text is None and self.turns is None and self.started_at is None \
                and not self.history and self.dial_attempts is None:
            raise ValueError("an example needs text, turns, started_at or history")
        return self


class Examples(_Strict):
    match: list[Example] = Field(default_factory=list)
    no_match: list[Example] = Field(default_factory=list)


class AnswerValue(_Strict):
    value: str
    phrases: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    negated_value: str | None = Field(
        default=None, description="value when the phrase is negated (收到 vs 没收到)"
    )


class Rule(_Strict):
    id: str
    version: str
    kind: RuleKind
    severity: Severity
    title: str = ""
    enabled: bool = True
    speaker: SpeakerScope = "agent"
    call_kinds: list[CallKind] = Field(default_factory=lambda: list(_KINDS))
    window: Window | None = None
    patterns: PatternSet = Field(default_factory=PatternSet)
    groups: list[PatternSet] = Field(default_factory=list)
    context: list[str] = Field(
        default_factory=list, description="at least one must occur in the turn or its neighbours"
    )
    context_turns: int = Field(default=0, ge=0, le=5)
    exceptions: list[str] = Field(default_factory=list, description="phrases that clear a hit")
    mask: PatternSet | None = Field(
        default=None,
        description="spans where the patterns mean nothing: a pattern hit inside a mask hit "
        "is dropped (a company name such as 恒通车贷 is not a debt disclosure)",
    )
    exception_scope: Literal["turn", "clause"] = "turn"
    ignore: list[ContextFlag] = Field(default_factory=lambda: list(_DEFAULT_IGNORE))
    listener: Literal["borrower", "third_party"] | None = None
    unless_event: str | None = None
    before_event: str | None = None
    trigger_speaker: SpeakerScope = "borrower"
    response: PatternSet | None = None
    answers: list[AnswerValue] = Field(default_factory=list)
    detail_regex: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    clause: Clause
    examples: Examples = Field(default_factory=Examples)

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError(f"{value!r} is not an ID like CN-ABUSE-01 or X-ACME-01")
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> Rule:
        k = self.kind
        if k in TEXT_KINDS and self.patterns.empty:
            raise ValueError(f"kind {k} needs patterns")
        if k == "required" and not self.groups and self.patterns.empty:
            raise ValueError("kind required needs groups or patterns")
        if k == "required" and self.window is None:
            raise ValueError("kind required needs a window")
        if k == "audience" and self.listener is None:
            raise ValueError("kind audience needs listener")
        if k == "sequence" and not self.before_event:
            raise ValueError("kind sequence needs before_event")
        if k == "response" and (self.response is None or self.patterns.empty):
            raise ValueError("kind response needs patterns (trigger) and response")
        if k == "script_item" and not self.id.startswith(("CB-", "X-")):
            raise ValueError("script items use CB- IDs")
        unknown = set(self.params) - set(KIND_PARAMS[k])
        if unknown:
            raise ValueError(f"params {sorted(unknown)} are not read by kind {k}; "
                             f"known: {sorted(KIND_PARAMS[k])}")
        for rx in self.detail_regex:
            re.compile(rx)
        return self

    def param(self, name: str) -> Any:
        return self.params.get(name, KIND_PARAMS[self.kind][name])


class EventSpec(_Strict):
    """A conversation event other rules depend on, e.g. identity confirmed: the agent
    asks (``prompt``) and the borrower affirms (``answer``) within ``within_turns``,
    or the borrower states it unprompted (``statement``)."""

    prompt: PatternSet = Field(default_factory=PatternSet)
    answer: PatternSet = Field(default_factory=PatternSet)
    statement: PatternSet = Field(default_factory=PatternSet)
    answer_denial: PatternSet = Field(default_factory=PatternSet)
    within_turns: int = Field(default=2, ge=1, le=6)
    answer_roles: list[AnswerRole] = Field(default_factory=lambda: list(_ANSWER_ROLES))
    reply_confirms_kinds: list[CallKind] = Field(
        default_factory=list,
        description="call kinds held face to face (home visits): there a borrower-role "
        "speaker who replies to the prompt, without denying, confirms the event",
    )


class PackHeader(BaseModel):
    """Everything in a pack file except the rules (validated one by one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pack: str
    version: str
    stage: Literal["rules"] = "rules"
    description: str = ""
    semantic_threshold: float = Field(default=0.72, gt=0, le=1)
    semantic_certain: float = Field(default=0.82, gt=0, le=1)
    lexicons: dict[str, list[str]] = Field(default_factory=dict)
    events: dict[str, EventSpec] = Field(default_factory=dict)
    rules: list[dict[str, Any]]
