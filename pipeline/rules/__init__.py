"""Compliance rule engine: rule packs (compliance_rules/*.yaml) checked against a
conversation.

    packs = load_packs(Path("compliance_rules"))
    result = check_conversation(conversation, packs, audio=clip, history=other_calls,
                                settings={"calling_hours": ["08:00", "21:00"]})
    result.findings, result.script

Reusable text matching for other stages lives in ``pipeline.rules.matchers``
(exact + pinyin phrase automaton) and ``pipeline.rules.context`` (negation,
reported speech, hypotheticals, questions).
"""

from pipeline.rules.engine import RuleResult, check_conversation
from pipeline.rules.loader import RulePack, RulePacks, load_pack_file, load_packs

__all__ = ["RulePack", "RulePacks", "RuleResult", "check_conversation", "load_pack_file",
           "load_packs"]
