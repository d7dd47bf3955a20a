"""Compare each call's analysis with its labels and aggregate the scores.

How each catalogue section maps to a call-level positive (labels.md leaves it to us):

- A/B conduct and service rules: expected when ``expect.findings`` lists the ID;
  predicted when the analysis has a Finding with that ``rule_id``.
- C callback items: the "positive" is a skipped item. Expected when
  ``expect.script[CB-xx]`` is false (or findings lists CB-xx); predicted when the
  analysis has a ScriptItemResult with ``asked=False`` (or a Finding with that ID).
  A labelled item with no ScriptItemResult counts as not asked. Items are scored
  only on calls whose ``expect.script`` names them. Asked/not-asked accuracy and
  answer accuracy are reported separately (``script``).
- D risk signals: expected when ``expect.risks`` has the ID with polarity
  ``asserted``; predicted when the analysis has a RiskSignal with that ID and
  polarity ``asserted`` (catalogue: only asserted raises risk). Negated and
  hypothetical labels are hard negatives. Polarity accuracy matches every
  labelled risk (any polarity) to a signal of the same ID on the same or a
  neighbouring turn, whatever its polarity (``risks``).
- E PII: expected when ``expect.pii`` has the entity ID; predicted when a PiiSpan
  has it. Span precision/recall match (id, turn) one to one (``pii``).

A section is scored only on calls that label it (``expect.risks``/``pii``/``script``
present), so an unlabelled call never produces false alarms.

Localisation: a found expected item is located when any predicted evidence of that
ID overlaps the labelled turn or its neighbour. In audio mode the evidence's time
span (or its transcript turn's span) is mapped to reference turns by time overlap.
Call-level evidence (no turn, no time: calling hours, history) is counted apart.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pipeline.analysis import CallAnalysis, Evidence
from pipeline.conversation import Conversation
from pipeline.evaluate.catalogue import Section, is_known, section_of
from pipeline.evaluate.labels import LabelRecord
from pipeline.evaluate.metrics import (
    Counts,
    EditCount,
    Macro,
    call_counts,
    chars_per_minute,
    edit_count,
    is_located,
    macro,
    match_one_to_one,
    mean,
    micro,
    ratio,
    slot_equal,
    sum_counts,
    turns_overlapping,
)
from pipeline.evaluate.reference import conversation_from_labels
from pipeline.transcript import Transcript

Mode = Literal["text", "audio"]
POSITIVE_POLARITIES: frozenset[str] = frozenset({"asserted"})
K = TypeVar("K")


@dataclass(frozen=True)
class CallRun:
    """What running one labelled call produced (input to scoring)."""

    record: LabelRecord
    mode: Mode
    analysis: CallAnalysis | None
    hypothesis: Conversation | None = None  # audio mode: the conversation analysed
    transcript: Transcript | None = None
    speakers: tuple[tuple[str, float], ...] = ()
    error_code: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Issue:
    """One place where the system and the labels disagree, with the words involved."""

    kind: str  # miss, false_alarm, mislocated, script, answer, polarity, slot, pii_miss, ...
    id: str
    turn: int | None
    quote: str
    detail: str = ""


@dataclass(frozen=True)
class CallDetail:
    call_id: str
    kind: str | None
    mode: Mode
    issues: tuple[Issue, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class IdScore:
    id: str
    section: Section
    counts: Counts
    calls: int  # calls on which the ID was scored
    located: int = 0
    localisable: int = 0
    call_level: int = 0
    absent_total: int = 0  # calls labelling the ID as a hard negative
    absent_fired: int = 0  # ... on which it fired anyway

    @property
    def localisation(self) -> float | None:
        return ratio(self.located, self.localisable)


@dataclass(frozen=True)
class ScriptItemScore:
    id: str
    asked_n: int = 0
    asked_correct: int = 0
    answer_n: int = 0
    answer_correct: int = 0

    @property
    def asked_accuracy(self) -> float | None:
        return ratio(self.asked_correct, self.asked_n)

    @property
    def answer_accuracy(self) -> float | None:
        return ratio(self.answer_correct, self.answer_n)


@dataclass(frozen=True)
class RiskIdScore:
    id: str
    labelled: int = 0
    matched: int = 0
    polarity_correct: int = 0
    slots_n: int = 0
    slots_exact: int = 0


@dataclass(frozen=True)
class RiskScores:
    per_id: tuple[RiskIdScore, ...]
    polarity_confusion: tuple[tuple[str, str, int], ...]  # (labelled, predicted, n)
    slots: tuple[tuple[str, int, int], ...]  # (slot, n, exact)

    @property
    def matched(self) -> int:
        return sum(r.matched for r in self.per_id)

    @property
    def polarity_accuracy(self) -> float | None:
        return ratio(sum(r.polarity_correct for r in self.per_id), self.matched)

    @property
    def slot_exact_rate(self) -> float | None:
        return ratio(sum(e for _, _, e in self.slots), sum(n for _, n, _ in self.slots))


@dataclass(frozen=True)
class PiiIdScore:
    id: str
    labelled: int = 0
    predicted: int = 0
    matched: int = 0
    valid_agree: int = 0

    @property
    def precision(self) -> float | None:
        return ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float | None:
        return ratio(self.matched, self.labelled)


@dataclass(frozen=True)
class TurnCer:
    call_id: str
    kind: str | None
    turn: int
    role: str
    channel: int | None
    start: float | None
    end: float | None
    chars_per_minute: float | None
    reference: str
    hypothesis: str
    count: EditCount


@dataclass(frozen=True)
class CallCer:
    call_id: str
    kind: str | None
    count: EditCount  # the conversation the analysers read (echo removed)
    count_digits: EditCount  # the same with quantities as digits on both sides
    count_transcript: EditCount  # every raw transcript segment, echo included


@dataclass(frozen=True)
class CerScores:
    calls: tuple[CallCer, ...]
    by_role: tuple[tuple[str, EditCount], ...]
    by_channel: tuple[tuple[int, EditCount], ...]
    turns: tuple[TurnCer, ...]

    @property
    def overall(self) -> EditCount:
        return sum((c.count for c in self.calls), EditCount())

    @property
    def overall_digits(self) -> EditCount:
        return sum((c.count_digits for c in self.calls), EditCount())

    @property
    def overall_transcript(self) -> EditCount:
        return sum((c.count_transcript for c in self.calls), EditCount())

    def by_kind(self) -> dict[str, EditCount]:
        out: dict[str, EditCount] = {}
        for c in self.calls:
            key = c.kind or "unknown"
            out[key] = out.get(key, EditCount()) + c.count
        return out


@dataclass(frozen=True)
class EvaluationReport:
    mode: Mode
    per_id: tuple[IdScore, ...]
    script: tuple[ScriptItemScore, ...]
    risks: RiskScores
    pii: tuple[PiiIdScore, ...]
    cer: CerScores | None
    speakers: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]  # call -> scores
    unknown_ids: tuple[str, ...]
    calls: tuple[CallDetail, ...]
    ids_filter: tuple[str, ...] = ()
    labelled_pii: bool = False

    @property
    def errors(self) -> tuple[CallDetail, ...]:
        return tuple(c for c in self.calls if c.error is not None)

    @property
    def micro(self) -> Counts:
        return micro(s.counts for s in self.per_id)

    @property
    def macro(self) -> Macro:
        return macro([s.counts for s in self.per_id])

    def section_counts(self) -> dict[str, tuple[Counts, Macro]]:
        out: dict[str, tuple[Counts, Macro]] = {}
        for section in dict.fromkeys(s.section for s in self.per_id):
            rows = [s.counts for s in self.per_id if s.section == section]
            out[section] = (micro(rows), macro(rows))
        return out

    @property
    def localisation(self) -> float | None:
        return ratio(sum(s.located for s in self.per_id), sum(s.localisable for s in self.per_id))

    @property
    def script_accuracy(self) -> float | None:
        return ratio(sum(s.asked_correct for s in self.script), sum(s.asked_n for s in self.script))

    @property
    def answer_accuracy(self) -> float | None:
        return ratio(sum(s.answer_correct for s in self.script),
                     sum(s.answer_n for s in self.script))

    @property
    def pii_precision(self) -> float | None:
        return ratio(sum(p.matched for p in self.pii), sum(p.predicted for p in self.pii))

    @property
    def pii_recall(self) -> float | None:
        return ratio(sum(p.matched for p in self.pii), sum(p.labelled for p in self.pii))

    def speaker_means(self) -> dict[str, float | None]:
        names = dict.fromkeys(k for _, scores in self.speakers for k, _ in scores)
        return {k: mean(v for _, scores in self.speakers for kk, v in scores if kk == k)
                for k in names}

    def speaker_by_kind(self) -> dict[str, dict[str, float]]:
        """DER and role accuracy per call kind, weighted by reference speech time
        (the issue asks for "accuracy of speech time", so a long call counts more)."""
        kinds = {c.call_id: c.kind for c in self.calls}
        groups: dict[str, list[dict[str, float]]] = {}
        for cid, scores in self.speakers:
            groups.setdefault(kinds.get(cid) or "unknown", []).append(dict(scores))
        out: dict[str, dict[str, float]] = {}
        for kind, rows in sorted(groups.items()):
            weight = sum(r.get("reference_speech_s", 0.0) for r in rows)
            if weight <= 0:
                continue
            agg = {key: sum(r.get(key, 0.0) * r.get("reference_speech_s", 0.0)
                            for r in rows) / weight
                   for key in ("der", "missed", "false_alarm", "confusion", "role_accuracy")}
            out[kind] = {"calls": float(len(rows)), "speech_s": weight, **agg}
        return out


# ---------------------------------------------------------------- one call


@dataclass(frozen=True)
class PredictedItem:
    id: str
    turns: frozenset[int]  # reference turn indices; empty for call-level evidence
    evidence: Evidence | None
    polarity: str | None = None


@dataclass
class _CallScore:
    counts: dict[str, Counts]
    scored_ids: set[str]
    located: Counter[str] = field(default_factory=Counter)
    localisable: Counter[str] = field(default_factory=Counter)
    call_level: Counter[str] = field(default_factory=Counter)
    absent_total: Counter[str] = field(default_factory=Counter)
    absent_fired: Counter[str] = field(default_factory=Counter)
    issues: list[Issue] = field(default_factory=list)


def _reference_turns(run: CallRun, turn: int | None, start: float | None,
                     end: float | None) -> frozenset[int]:
    """Evidence position expressed as reference turn indices."""
    if run.mode == "text" or run.hypothesis is None:
        return frozenset() if turn is None else frozenset({turn})
    if start is None and end is None and turn is not None and turn < len(run.hypothesis.turns):
        start, end = run.hypothesis.turns[turn].start, run.hypothesis.turns[turn].end
    return turns_overlapping(start, end, [(t.start, t.end) for t in run.record.turns])


def _evidence_turns(run: CallRun, ev: Evidence | None) -> frozenset[int]:
    return frozenset() if ev is None else _reference_turns(run, ev.turn, ev.start, ev.end)


def _in_scope(item_id: str, record: LabelRecord) -> bool:
    section = section_of(item_id)
    exp = record.expect
    if section == "script":
        return (exp.script is not None and item_id in exp.script) or \
            any(f.id == item_id for f in exp.findings)
    if section == "risk":
        return exp.risks is not None
    if section == "pii":
        return exp.pii is not None
    return True


def expected_items(record: LabelRecord) -> list[tuple[str, int | None]]:
    """(id, turn) of every labelled positive; script skips carry no turn."""
    exp = record.expect
    items: list[tuple[str, int | None]] = [(f.id, f.turn) for f in exp.findings]
    items += [(cb, None) for cb, asked in (exp.script or {}).items()
              if not asked and all(f.id != cb for f in exp.findings)]
    items += [(r.id, r.turn) for r in exp.risks or () if r.polarity in POSITIVE_POLARITIES]
    items += [(p.id, p.turn) for p in exp.pii or ()]
    return [(i, t) for i, t in items if is_known(i)]


def predicted_items(run: CallRun) -> list[PredictedItem]:
    a = run.analysis
    if a is None:
        return []
    items = [PredictedItem(f.rule_id, _evidence_turns(run, f.evidence), f.evidence)
             for f in a.findings]
    items += [PredictedItem(s.item_id, frozenset(), s.evidence) for s in a.script if not s.asked]
    items += [PredictedItem(r.signal_id, _evidence_turns(run, r.evidence), r.evidence, r.polarity)
              for r in a.risks if r.polarity in POSITIVE_POLARITIES]
    items += [PredictedItem(p.entity_id, _reference_turns(run, p.turn, None, None), None)
              for p in a.pii]
    return items


def _quote(record: LabelRecord, turn: int | None) -> str:
    return record.turns[turn].text if turn is not None and turn < len(record.turns) else ""


def _first(turns: Iterable[int]) -> int | None:
    return min(turns, default=None)


def _score_ids(run: CallRun, wanted: frozenset[str] | None) -> _CallScore:
    record = run.record

    def keep(item_id: str) -> bool:
        return (wanted is None or item_id in wanted) and _in_scope(item_id, record)

    expected = [(i, t) for i, t in expected_items(record) if keep(i)]
    predicted = [p for p in predicted_items(run) if keep(p.id)]
    exp_ids = {i for i, _ in expected}
    pred_ids = {p.id for p in predicted}
    absent = {i for i in record.expect.absent if is_known(i) and keep(i)}
    scored = exp_ids | pred_ids | absent
    score = _CallScore(counts=call_counts(exp_ids, pred_ids), scored_ids=scored)
    for item_id in absent:
        score.absent_total[item_id] += 1
        if item_id in pred_ids:
            score.absent_fired[item_id] += 1
    span_level = {"pii"}  # PII disagreements are listed span by span instead
    for item_id, turn in expected:
        if item_id not in pred_ids:
            if section_of(item_id) not in span_level:
                quote = _quote(record, turn)
                if section_of(item_id) == "script":
                    asked = next((s for s in run.analysis.script if s.item_id == item_id), None) \
                        if run.analysis else None
                    quote = asked.evidence.quote if asked and asked.evidence else quote
                    score.issues.append(Issue("miss", item_id, turn, quote,
                                              "labelled skipped, reported as asked"))
                else:
                    score.issues.append(Issue("miss", item_id, turn, quote))
            continue
        if turn is None:
            continue
        found = [p for p in predicted if p.id == item_id]
        turns = frozenset().union(*(p.turns for p in found))
        if not turns:
            score.call_level[item_id] += 1
            continue
        score.localisable[item_id] += 1
        if is_located(turn, turns):
            score.located[item_id] += 1
        elif section_of(item_id) not in span_level:
            score.issues.append(Issue("mislocated", item_id, turn, _quote(record, turn),
                                      f"evidence on turn(s) {sorted(turns)}"))
    for p in predicted:
        if p.id in exp_ids or section_of(p.id) in span_level:
            continue
        ev = p.evidence
        detail = f"{ev.method}: {ev.pattern}" if ev else ""
        if p.id in absent:
            detail = ("hard negative; " + detail).rstrip("; ")
        score.issues.append(Issue("false_alarm", p.id, _first(p.turns),
                                  ev.quote if ev else "", detail))
    return score


def _score_script(run: CallRun, wanted: frozenset[str] | None) -> tuple[
        list[ScriptItemScore], list[Issue]]:
    exp = run.record.expect
    if run.analysis is None:
        return [], []
    results = {s.item_id: s for s in run.analysis.script}
    scores: list[ScriptItemScore] = []
    issues: list[Issue] = []
    for item in sorted(set(exp.script or {}) | set(exp.answers or {})):
        if not is_known(item) or (wanted is not None and item not in wanted):
            continue
        got = results.get(item)
        asked_n = asked_ok = answer_n = answer_ok = 0
        if exp.script is not None and item in exp.script:
            asked_n = 1
            asked_ok = int((got is not None and got.asked) == exp.script[item])
        if exp.answers is not None and item in exp.answers:
            answer_n = 1
            want = exp.answers[item].strip().casefold()
            have = (got.answer or "").strip().casefold() if got else ""
            answer_ok = int(want == have)
            if not answer_ok:
                ev = got.answer_evidence if got else None
                issues.append(Issue("answer", item, ev.turn if ev else None,
                                    ev.quote if ev else "",
                                    f"labelled {exp.answers[item]!r}, got {have or None!r}"))
        scores.append(ScriptItemScore(item, asked_n, asked_ok, answer_n, answer_ok))
    return scores, issues


def _score_risks(run: CallRun, wanted: frozenset[str] | None) -> tuple[
        list[RiskIdScore], Counter[tuple[str, str]], Counter[tuple[str, str]], list[Issue]]:
    """Per labelled risk: matched?, polarity right?, slots exact? (any polarity)."""
    labelled = [r for r in run.record.expect.risks or ()
                if is_known(r.id) and (wanted is None or r.id in wanted)]
    signals = list(run.analysis.risks) if run.analysis else []
    predicted = [(s.signal_id, _evidence_turns(run, s.evidence)) for s in signals]
    pairs = match_one_to_one([(r.id, r.turn) for r in labelled], predicted)
    per_id: dict[str, RiskIdScore] = {}
    confusion: Counter[tuple[str, str]] = Counter()
    slots: Counter[tuple[str, str]] = Counter()  # (slot, "n"|"exact")
    issues: list[Issue] = []
    for r, pi in zip(labelled, pairs, strict=True):
        s = per_id.get(r.id, RiskIdScore(r.id))
        s = dataclasses.replace(s, labelled=s.labelled + 1)
        if pi is None:
            per_id[r.id] = s
            if r.polarity not in POSITIVE_POLARITIES:  # asserted misses are listed as misses
                issues.append(Issue("polarity", r.id, r.turn, _quote(run.record, r.turn),
                                    f"labelled {r.polarity}, not detected"))
            continue
        sig = signals[pi]
        ok = sig.polarity == r.polarity
        confusion[(r.polarity, sig.polarity)] += 1
        if not ok:
            issues.append(Issue("polarity", r.id, r.turn, sig.evidence.quote,
                                f"labelled {r.polarity}, got {sig.polarity}"))
        n = exact = 0
        got_slots = sig.slot_map
        for name, value in r.slots.items():
            n += 1
            slots[(name, "n")] += 1
            if slot_equal(name, value, got_slots.get(name)):
                exact += 1
                slots[(name, "exact")] += 1
            else:
                issues.append(Issue("slot", r.id, r.turn, sig.evidence.quote,
                                    f"{name}: labelled {value!r}, got {got_slots.get(name)!r}"))
        per_id[r.id] = dataclasses.replace(s, matched=s.matched + 1,
                                           polarity_correct=s.polarity_correct + int(ok),
                                           slots_n=s.slots_n + n, slots_exact=s.slots_exact + exact)
    return list(per_id.values()), confusion, slots, issues


def _score_pii(run: CallRun, wanted: frozenset[str] | None) -> tuple[list[PiiIdScore], list[Issue]]:
    if run.record.expect.pii is None:
        return [], []
    labelled = [p for p in run.record.expect.pii
                if is_known(p.id) and (wanted is None or p.id in wanted)]
    spans = [p for p in (run.analysis.pii if run.analysis else ())
             if wanted is None or p.entity_id in wanted]
    predicted = [(p.entity_id, _reference_turns(run, p.turn, None, None)) for p in spans]
    # The same number must be found in the same turn; time mapping already absorbs
    # re-segmentation in audio mode, so no neighbour tolerance here.
    pairs = match_one_to_one([(p.id, p.turn) for p in labelled], predicted, tolerance=0)
    per_id: dict[str, PiiIdScore] = {}
    issues: list[Issue] = []
    for p, pi in zip(labelled, pairs, strict=True):
        s = per_id.get(p.id, PiiIdScore(p.id))
        if pi is None:
            per_id[p.id] = dataclasses.replace(s, labelled=s.labelled + 1)
            issues.append(Issue("pii_miss", p.id, p.turn, p.text))
            continue
        agree = p.valid is None or p.valid == spans[pi].valid
        per_id[p.id] = dataclasses.replace(s, labelled=s.labelled + 1, matched=s.matched + 1,
                                           valid_agree=s.valid_agree + int(agree))
        if not agree:
            issues.append(Issue("pii_valid", p.id, p.turn, p.text,
                                f"labelled valid={p.valid}, got valid={spans[pi].valid}"))
    matched = {pi for pi in pairs if pi is not None}
    for i, span in enumerate(spans):
        s = per_id.get(span.entity_id, PiiIdScore(span.entity_id))
        per_id[span.entity_id] = dataclasses.replace(s, predicted=s.predicted + 1)
        if i not in matched:
            issues.append(Issue("pii_false_alarm", span.entity_id, _first(predicted[i][1]),
                                span.text))
    return list(per_id.values()), issues


# ---------------------------------------------------------------- CER


@dataclass(frozen=True)
class _Unit:
    """A stretch of recognised text with its channel and times."""

    channel: int | None
    start: float | None
    end: float | None
    text: str
    role: str | None = None


def _hypothesis_units(run: CallRun) -> list[_Unit]:
    """The recognised text the analysers read: the conversation turns after speaker
    attribution (echo and crosstalk removed), else the raw transcript segments."""
    if run.hypothesis is not None and run.hypothesis.turns:
        units = [_Unit(t.channel, t.start, t.end, t.raw_text or t.text, t.role)
                 for t in run.hypothesis.turns]
    elif run.transcript is not None:
        units = [_Unit(s.channel, s.start, s.end, s.raw_text) for s in run.transcript.segments]
    else:
        units = []
    return sorted(units, key=lambda u: (u.start if u.start is not None else float("inf"),
                                        u.channel or 0))


def _call_cer(run: CallRun) -> tuple[CallCer, list[tuple[str, EditCount]],
                                     list[tuple[int, EditCount]], list[TurnCer]] | None:
    if run.transcript is None:
        return None
    record = run.record
    reference = conversation_from_labels(record)
    units = _hypothesis_units(run)
    segments = sorted(run.transcript.segments, key=lambda s: (s.start, s.channel))
    ref_all = "".join(t.text for t in record.turns)
    hyp_all = "".join(u.text for u in units)
    call = CallCer(record.id, record.kind, edit_count(ref_all, hyp_all),
                   edit_count(ref_all, hyp_all, numbers_as_digits=True),
                   edit_count(ref_all, "".join(s.raw_text for s in segments)))
    by_role: list[tuple[str, EditCount]] = []
    for role in dict.fromkeys([t.speaker for t in record.turns] +
                              [u.role for u in units if u.role is not None]):
        ref = "".join(t.text for t in record.turns if t.speaker == role)
        hyp = "".join(u.text for u in units if u.role == role)
        by_role.append((role, edit_count(ref, hyp)))
    by_channel: list[tuple[int, EditCount]] = []
    channels = {u.channel for u in units if u.channel is not None}
    split = len({s.channel for s in segments}) >= 2 and record.channels is not None
    if split:
        for ch in sorted(channels):
            ref = "".join(t.raw_text for t in reference.turns if t.channel == ch)
            hyp = "".join(u.text for u in units if u.channel == ch)
            by_channel.append((ch, edit_count(ref, hyp)))
    # Each hypothesis unit goes to the reference turn it overlaps most (on its own
    # channel when the recording is split), so per-turn CER never counts one twice.
    assigned: dict[int, list[str]] = {}
    for unit in units:
        if unit.start is None or unit.end is None:
            continue
        best: tuple[float, int] | None = None
        for t in reference.turns:
            if t.start is None or t.end is None or (split and t.channel != unit.channel):
                continue
            overlap = min(t.end, unit.end) - max(t.start, unit.start)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, t.index)
        if best is not None:
            assigned.setdefault(best[1], []).append(unit.text)
    turns = [
        TurnCer(record.id, record.kind, t.index, t.role, t.channel, t.start, t.end,
                chars_per_minute(t.raw_text, t.start, t.end), t.raw_text,
                "".join(assigned.get(t.index, [])),
                edit_count(t.raw_text, "".join(assigned.get(t.index, []))))
        for t in reference.turns if t.start is not None and t.end is not None
    ]
    return call, by_role, by_channel, turns


def _sum_by_key(rows: Iterable[tuple[K, EditCount]]) -> tuple[tuple[K, EditCount], ...]:
    out: dict[K, EditCount] = {}
    for key, count in rows:
        out[key] = out.get(key, EditCount()) + count
    return tuple(out.items())


# ---------------------------------------------------------------- all calls


def unknown_ids(records: Sequence[LabelRecord]) -> tuple[str, ...]:
    seen: set[str] = set()
    for r in records:
        exp = r.expect
        seen |= {f.id for f in exp.findings} | set(exp.absent) | set(exp.script or {})
        seen |= set(exp.answers or {}) | {x.id for x in exp.risks or ()}
        seen |= {x.id for x in exp.pii or ()}
    return tuple(sorted(i for i in seen if not is_known(i)))


def score_runs(runs: Sequence[CallRun], *, mode: Mode,
               ids: Iterable[str] | None = None) -> EvaluationReport:
    """Aggregate per-call comparisons into the report. Failed calls (no analysis) are
    listed under errors and left out of every score rather than counted as misses."""
    wanted = frozenset(ids) if ids is not None else None
    ok = [r for r in runs if r.analysis is not None]
    id_scores: list[_CallScore] = []
    script_rows: list[ScriptItemScore] = []
    risk_rows: list[RiskIdScore] = []
    confusion: Counter[tuple[str, str]] = Counter()
    slots: Counter[tuple[str, str]] = Counter()
    pii_rows: list[PiiIdScore] = []
    details: list[CallDetail] = []
    cer_calls: list[CallCer] = []
    cer_roles: list[tuple[str, EditCount]] = []
    cer_channels: list[tuple[int, EditCount]] = []
    cer_turns: list[TurnCer] = []
    for run in runs:
        if run.analysis is None:
            details.append(CallDetail(run.record.id, run.record.kind, run.mode,
                                      error=f"[{run.error_code}] {run.error}"))
            continue
        s = _score_ids(run, wanted)
        id_scores.append(s)
        srows, sissues = _score_script(run, wanted)
        script_rows += srows
        rrows, rconf, rslots, rissues = _score_risks(run, wanted)
        risk_rows += rrows
        confusion += rconf
        slots += rslots
        prows, pissues = _score_pii(run, wanted)
        pii_rows += prows
        cer = _call_cer(run)
        if cer is not None:
            cer_calls.append(cer[0])
            cer_roles += cer[1]
            cer_channels += cer[2]
            cer_turns += cer[3]
        details.append(CallDetail(run.record.id, run.record.kind, run.mode,
                                  tuple(s.issues + sissues + rissues + pissues),
                                  error=f"[{run.error_code}] {run.error}" if run.error else None))
    totals = sum_counts(s.counts for s in id_scores)
    all_ids = sorted(set().union(*(s.scored_ids for s in id_scores)) if id_scores else set())
    per_id = tuple(
        IdScore(
            id=i,
            section=section_of(i),
            counts=totals.get(i, Counts()),
            calls=sum(i in s.scored_ids or _in_scope(i, r.record) for s, r in zip(
                id_scores, ok, strict=True)),
            located=sum(s.located[i] for s in id_scores),
            localisable=sum(s.localisable[i] for s in id_scores),
            call_level=sum(s.call_level[i] for s in id_scores),
            absent_total=sum(s.absent_total[i] for s in id_scores),
            absent_fired=sum(s.absent_fired[i] for s in id_scores),
        )
        for i in all_ids
    )
    return EvaluationReport(
        mode=mode,
        per_id=per_id,
        script=_merge_script(script_rows),
        risks=RiskScores(
            per_id=_merge_risks(risk_rows),
            polarity_confusion=tuple((e, p, n) for (e, p), n in sorted(confusion.items())),
            slots=tuple((name, slots[(name, "n")], slots[(name, "exact")])
                        for name in sorted({k for k, _ in slots})),
        ),
        pii=_merge_pii(pii_rows),
        cer=CerScores(tuple(cer_calls), _sum_by_key(cer_roles), _sum_by_key(cer_channels),
                      tuple(cer_turns)) if cer_calls else None,
        speakers=tuple((r.record.id, r.speakers) for r in ok if r.speakers),
        unknown_ids=unknown_ids([r.record for r in runs]),
        calls=tuple(details),
        ids_filter=tuple(sorted(wanted)) if wanted is not None else (),
        labelled_pii=any(r.record.expect.pii is not None for r in ok),
    )


def _merge_script(rows: Iterable[ScriptItemScore]) -> tuple[ScriptItemScore, ...]:
    out: dict[str, ScriptItemScore] = {}
    for r in rows:
        s = out.get(r.id, ScriptItemScore(r.id))
        out[r.id] = ScriptItemScore(r.id, s.asked_n + r.asked_n, s.asked_correct + r.asked_correct,
                                    s.answer_n + r.answer_n, s.answer_correct + r.answer_correct)
    return tuple(out[k] for k in sorted(out))


def _merge_risks(rows: Iterable[RiskIdScore]) -> tuple[RiskIdScore, ...]:
    out: dict[str, RiskIdScore] = {}
    for r in rows:
        s = out.get(r.id, RiskIdScore(r.id))
        out[r.id] = RiskIdScore(r.id, s.labelled + r.labelled, s.matched + r.matched,
                                s.polarity_correct + r.polarity_correct,
                                s.slots_n + r.slots_n, s.slots_exact + r.slots_exact)
    return tuple(out[k] for k in sorted(out))


def _merge_pii(rows: Iterable[PiiIdScore]) -> tuple[PiiIdScore, ...]:
    out: dict[str, PiiIdScore] = {}
    for r in rows:
        s = out.get(r.id, PiiIdScore(r.id))
        out[r.id] = PiiIdScore(r.id, s.labelled + r.labelled, s.predicted + r.predicted,
                               s.matched + r.matched, s.valid_agree + r.valid_agree)
    return tuple(out[k] for k in sorted(out))
