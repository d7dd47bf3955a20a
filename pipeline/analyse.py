"""Analysis stage: Conversation -> CallAnalysis (findings, script, risks, PII).

Rule packs are loaded once per worker (``load_analysers``) and reused for every call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.analysis import CallAnalysis
from pipeline.audio import AudioClip
from pipeline.callmeta import CallMeta
from pipeline.config import RunConfig
from pipeline.conversation import Conversation
from pipeline.pii import PiiPack, detect_pii, load_pii_pack
from pipeline.risk import RiskPack, extract_risks, load_risk_pack
from pipeline.rules import RulePacks, check_conversation, load_packs


@dataclass(frozen=True)
class Analysers:
    rules: RulePacks
    risk: RiskPack
    pii: PiiPack
    config: RunConfig


def load_analysers(rules_dir: Path, config: RunConfig) -> Analysers:
    return Analysers(
        rules=load_packs(rules_dir),
        risk=load_risk_pack(rules_dir / "cn_risk.yaml", config.risk or None),
        pii=load_pii_pack(rules_dir / "cn_pii.yaml"),
        config=config,
    )


def analyse_conversation(
    conversation: Conversation,
    analysers: Analysers,
    *,
    audio: AudioClip | None = None,
    history: Sequence[CallMeta] = (),
) -> CallAnalysis:
    rules = check_conversation(conversation, analysers.rules, audio=audio, history=history,
                               settings=analysers.config.rules or None)
    risk = extract_risks(conversation, analysers.risk)
    pii = detect_pii(conversation, analysers.pii)
    versions = tuple(sorted(
        {(f.pack, f.pack_version) for f in rules.findings}
    ))
    return CallAnalysis(
        findings=rules.findings,
        script=rules.script,
        risks=risk.signals,
        pii=pii,
        risk_level=risk.level,
        risk_score=risk.score,
        versions=versions,
    )
