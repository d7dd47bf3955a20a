"""Run the ``examples`` a pack declares: each ``match`` example must make its rule
fire and each ``no_match`` example must not. Used by ``callqa rules test`` and by
the parametrised pytest over every pack.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.callmeta import CallKind, CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.rules.engine import check_conversation
from pipeline.rules.loader import RulePack, RulePacks
from pipeline.rules.models import Example, Rule


@dataclass(frozen=True)
class ExampleCase:
    pack: str
    rule_id: str
    expect: bool  # True: must match
    index: int
    example: Example

    @property
    def name(self) -> str:
        return f"{self.pack}:{self.rule_id}:{'match' if self.expect else 'no_match'}[{self.index}]"


@dataclass(frozen=True)
class ExampleOutcome:
    case: ExampleCase
    passed: bool
    detail: str


def iter_cases(packs: RulePacks) -> Iterator[ExampleCase]:
    for pack in packs:
        for rule in pack.rules:
            if not rule.enabled:
                continue
            for expect, items in ((True, rule.examples.match), (False, rule.examples.no_match)):
                for i, ex in enumerate(items):
                    yield ExampleCase(pack.name, rule.id, expect, i, ex)


def _kind(rule: Rule, ex: Example) -> CallKind:
    if ex.kind is not None:
        return ex.kind
    return "collection" if "collection" in rule.call_kinds else rule.call_kinds[0]


def example_conversation(rule: Rule, ex: Example) -> tuple[Conversation, tuple[CallMeta, ...]]:
    if ex.turns is not None:
        turns = tuple(Turn(index=i, speaker=t.role, role=t.role, start=t.start, end=t.end,
                           text=t.text) for i, t in enumerate(ex.turns))
    elif ex.text is not None:
        role = "agent" if rule.speaker == "any" else rule.speaker
        turns = (Turn(index=0, speaker=role, role=role, start=None, end=None, text=ex.text),)
    else:
        turns = ()
    meta = CallMeta(call_id=f"example-{rule.id}", kind=_kind(rule, ex), started_at=ex.started_at,
                    borrower_id="B-example", dial_attempts=ex.dial_attempts)
    history = tuple(
        CallMeta(call_id=f"history-{i}", kind=meta.kind, started_at=h.started_at,
                 borrower_id="B-example", dial_attempts=h.dial_attempts,
                 extra=(("connected", "true" if h.connected else "false"),))
        for i, h in enumerate(ex.history)
    )
    return Conversation(meta=meta, turns=turns), history


def run_case(packs: RulePacks, case: ExampleCase) -> ExampleOutcome:
    pack: RulePack = packs.pack(case.pack)
    rule = pack.rule(case.rule_id)
    conv, history = example_conversation(rule, case.example)
    result = check_conversation(conv, packs, history=history)
    if rule.kind == "script_item":
        item = next((s for s in result.script if s.item_id == rule.id), None)
        fired = bool(item and item.asked)
        detail = f"asked={fired}"
        if fired and case.expect and case.example.answer is not None:
            got = item.answer if item else None
            ok = got == case.example.answer
            return ExampleOutcome(case, ok, f"answer {got!r}, expected {case.example.answer!r}")
    else:
        hits = [f for f in result.findings if f.rule_id == rule.id]
        fired = bool(hits)
        detail = "; ".join(f"turn {f.evidence.turn} {f.evidence.method} {f.evidence.pattern!r}"
                           for f in hits) or "no finding"
    return ExampleOutcome(case, fired == case.expect, detail)
