"""Per-call risk level from signal weights, with a line of explanation per signal.

score = sum over distinct signal IDs of the weight of its strongest raising
instance. Only asserted signals raise risk (reported ones by
``reported_factor``); negated and hypothetical ones contribute nothing, whatever
their weight. A signal found only by sound or meaning (uncertain) counts at
``uncertain_factor``. The level is the highest threshold the score reaches.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.analysis import RiskSignal
from pipeline.risk.pack import RiskPack

RAISING = ("asserted", "reported")


def contribution(signal: RiskSignal, pack: RiskPack) -> float:
    """The weight this signal adds to the call score (0 for negated/hypothetical)."""
    if signal.polarity not in RAISING:
        return 0.0
    try:
        weight = pack.weight(signal.signal_id)
    except KeyError:
        weight = signal.weight  # a derived signal of a disabled ID keeps its own weight
    if signal.polarity == "reported":
        weight *= pack.spec.reported_factor
    if signal.evidence.uncertain:
        weight *= pack.spec.uncertain_factor
    return weight


def score_signals(
    signals: Iterable[RiskSignal], pack: RiskPack
) -> tuple[str, float, tuple[str, ...]]:
    best: dict[str, tuple[float, RiskSignal]] = {}
    ignored: list[str] = []
    for s in signals:
        w = contribution(s, pack)
        if s.polarity not in RAISING:
            ignored.append(f"{s.signal_id} {s.polarity} (turn {s.evidence.turn}): no weight")
            continue
        if s.signal_id not in best or w > best[s.signal_id][0]:
            best[s.signal_id] = (w, s)
    score = round(sum(w for w, _ in best.values()), 3)
    t = pack.spec.levels
    level = ("critical" if score >= t.critical else "high" if score >= t.high
             else "medium" if score >= t.medium else "low")
    lines = []
    for sid, (w, s) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        how = s.evidence.method + (", uncertain" if s.evidence.uncertain else "")
        where = f"turn {s.evidence.turn}" if s.evidence.turn is not None else "history"
        lines.append(f"{sid} {s.polarity} ({where}, {how}): +{w:g} «{s.evidence.quote}»")
    lines.extend(ignored)
    lines.append(f"score {score:g} -> {level} (thresholds medium {t.medium:g}, "
                 f"high {t.high:g}, critical {t.critical:g})")
    return level, score, tuple(lines)
