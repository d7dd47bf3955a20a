"""Run a pack's own examples: each must (or must not) raise its signal.

Used by the test suite and by ``callqa risk examples``, so a lender who edits
the YAML sees at once which sentence broke.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.risk.detect import extract_risks
from pipeline.risk.pack import ExampleSpec, RiskPack


@dataclass(frozen=True)
class ExampleOutcome:
    signal_id: str
    index: int
    example: ExampleSpec
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def example_conversation(example: ExampleSpec, pack: RiskPack) -> Conversation:
    started = example.started_at or pack.spec.examples_started_at
    turns = []
    if example.previous:
        turns.append(Turn(0, "ch0", "agent", 0.0, 1.0, example.previous))
    turns.append(Turn(len(turns), "ch1", example.role, 1.0, 2.0, example.text))
    return Conversation(CallMeta("example", "collection", started), tuple(turns))


def _same(expected: object, actual: object) -> bool:
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return abs(float(expected) - float(actual)) < 1e-6
    return expected == actual


def check_example(signal_id: str, index: int, example: ExampleSpec,
                  pack: RiskPack) -> ExampleOutcome:
    result = extract_risks(example_conversation(example, pack), pack)
    found = [s for s in result.signals if s.signal_id == signal_id]
    problems: list[str] = []
    if not example.match:
        if found:
            problems.append(f"must not match, got {[s.polarity for s in found]} "
                            f"via {found[0].evidence.pattern!r}")
        return ExampleOutcome(signal_id, index, example, tuple(problems))
    with_polarity = [s for s in found if s.polarity == example.polarity]
    if not with_polarity:
        problems.append(f"expected {example.polarity}, got {[s.polarity for s in found] or 'nothing'}")
        return ExampleOutcome(signal_id, index, example, tuple(problems))
    slots = with_polarity[0].slot_map
    for key, expected in example.slots.items():
        if not _same(expected, slots.get(key)):
            problems.append(f"slot {key}: expected {expected!r}, got {slots.get(key)!r}")
    return ExampleOutcome(signal_id, index, example, tuple(problems))


def run_examples(pack: RiskPack) -> list[ExampleOutcome]:
    return [check_example(s.id, i, ex, pack)
            for s in pack.spec.signals if s.enabled for i, ex in enumerate(s.examples)]
