"""Borrower risk signals (catalogue section D, pack ``cn_risk``).

    pack = load_risk_pack(path, overrides)
    result = extract_risks(conversation, pack)        # one call
    result = apply_history(meta, result, history, pack)  # + broken promises from history
    timeline = build_timeline([(meta, result), ...])  # one borrower
"""

from pipeline.risk.detect import extract_risks
from pipeline.risk.models import (
    BorrowerTimeline,
    CallRisk,
    Escalation,
    PromiseRecord,
    RiskResult,
    TimelineEvent,
)
from pipeline.risk.pack import RiskPack, default_pack_path, load_risk_pack
from pipeline.risk.timeline import apply_history, build_timeline

__all__ = [
    "BorrowerTimeline",
    "CallRisk",
    "Escalation",
    "PromiseRecord",
    "RiskPack",
    "RiskResult",
    "TimelineEvent",
    "apply_history",
    "build_timeline",
    "default_pack_path",
    "extract_risks",
    "load_risk_pack",
]
