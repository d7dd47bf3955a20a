"""Precision/recall of the recognisers on labelled lines.

Input: JSONL with {"text", "entities": [{"id","start","end"}]}. A prediction at or
above the detection threshold matches a label of the same ID whose span overlaps it;
``exact`` counts matches with identical offsets.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.pii.models import PiiEntity
from pipeline.pii.pack import ENTITY_IDS, PiiPack
from pipeline.pii.recognizers import detect_entities


@dataclass(frozen=True)
class PrfScore:
    tp: int
    fp: int
    fn: int
    exact: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(frozen=True)
class PiiEvaluation:
    overall: PrfScore
    per_entity: dict[str, PrfScore]
    errors: tuple[str, ...]  # one line per miss or false alarm, for debugging


def _match(preds: list[PiiEntity], gold: list[dict[str, object]]) -> tuple[int, int, list[int]]:
    used: set[int] = set()
    exact = 0
    missed: list[int] = []
    for gi, g in enumerate(gold):
        hit = None
        for pi, p in enumerate(preds):
            if pi in used or p.entity_id != g["id"]:
                continue
            if p.start < int(str(g["end"])) and int(str(g["start"])) < p.end:
                hit = pi
                break
        if hit is None:
            missed.append(gi)
            continue
        used.add(hit)
        exact += int(preds[hit].start == g["start"] and preds[hit].end == g["end"])
    return len(used), exact, missed


def evaluate_lines(path: Path | str, pack: PiiPack, threshold: float | None = None) -> PiiEvaluation:
    thr = pack.thresholds.detect if threshold is None else threshold
    counts: dict[str, Counter[str]] = {eid: Counter() for eid in ENTITY_IDS}
    errors: list[str] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        text: str = row["text"]
        gold: list[dict[str, object]] = list(row.get("entities", []))
        preds = [e for e in detect_entities(text, pack) if e.score >= thr]
        _, _, missed = _match(preds, gold)
        for gi in missed:
            g = gold[gi]
            errors.append(f"MISS {g['id']} {text!r}")
            counts[str(g["id"])]["fn"] += 1
        for p in preds:
            same = [g for g in gold if g["id"] == p.entity_id
                    and p.start < int(str(g["end"])) and int(str(g["start"])) < p.end]
            if same:
                counts[p.entity_id]["tp"] += 1
                g = same[0]
                counts[p.entity_id]["exact"] += int(p.start == g["start"] and p.end == g["end"])
                if not (p.start == g["start"] and p.end == g["end"]):
                    errors.append(f"SPAN {p.entity_id} {p.text!r} vs "
                                  f"{text[int(str(g['start'])):int(str(g['end']))]!r}")
            else:
                counts[p.entity_id]["fp"] += 1
                errors.append(f"FALSE {p.entity_id} {p.text!r} {p.score} {p.reason} in {text!r}")
    per = {eid: PrfScore(c["tp"], c["fp"], c["fn"], c["exact"]) for eid, c in counts.items()}
    total = PrfScore(sum(s.tp for s in per.values()), sum(s.fp for s in per.values()),
                     sum(s.fn for s in per.values()), sum(s.exact for s in per.values()))
    return PiiEvaluation(total, per, tuple(errors))


def evaluate_conversations(path: Path | str, pack: PiiPack,
                           threshold: float | None = None) -> PiiEvaluation:
    """Turn-level scores on labelled conversations (spec/labels.md) with ``expect.pii``
    entries {"id", "turn", "text", "valid"}: a detection matches a label of the same ID
    in the same turn. Conversations without ``expect.pii`` are skipped."""
    thr = pack.thresholds.detect if threshold is None else threshold
    counts: dict[str, Counter[str]] = {eid: Counter() for eid in ENTITY_IDS}
    errors: list[str] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        conv = json.loads(line)
        expect = conv.get("expect") or {}
        if "pii" not in expect:
            continue
        gold = Counter((str(g["id"]), int(g["turn"])) for g in expect["pii"])
        pred: Counter[tuple[str, int]] = Counter()
        for i, turn in enumerate(conv.get("turns", [])):
            for e in detect_entities(str(turn.get("text", "")), pack):
                if e.score >= thr:
                    pred[(e.entity_id, i)] += 1
        for (eid, _turn), n in (gold & pred).items():
            counts[eid]["tp"] += n
            counts[eid]["exact"] += n
        for (eid, turn_i), n in (pred - gold).items():
            counts[eid]["fp"] += n
            errors.append(f"FALSE {eid} {conv.get('id')} turn {turn_i}")
        for (eid, turn_i), n in (gold - pred).items():
            counts[eid]["fn"] += n
            errors.append(f"MISS {eid} {conv.get('id')} turn {turn_i}")
    per = {eid: PrfScore(c["tp"], c["fp"], c["fn"], c["exact"]) for eid, c in counts.items()}
    total = PrfScore(sum(s.tp for s in per.values()), sum(s.fp for s in per.values()),
                     sum(s.fn for s in per.values()), sum(s.exact for s in per.values()))
    return PiiEvaluation(total, per, tuple(errors))
