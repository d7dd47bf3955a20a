"""Run every rule of every pack over one conversation.

One pass of the phrase automaton per turn feeds all rules of all packs; sentence
embeddings run only on turns that some semantic slot could use (right speaker,
call kind, keyword prefilter passed, no cheaper hit already) and are cached per
distinct text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.analysis import Finding, ScriptItemResult
from pipeline.audio import AudioClip
from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation
from pipeline.errors import ConfigError
from pipeline.rules import semantic
from pipeline.rules.kinds import metadata, text, timing
from pipeline.rules.loader import RulePack, RulePacks
from pipeline.rules.matchers import PhraseHit, prepare_text
from pipeline.rules.models import KIND_PARAMS, Rule
from pipeline.rules.script import check_script
from pipeline.rules.state import CallState

Check = Callable[[RulePack, Rule, CallState], list[Finding]]
KIND_CHECKS: dict[str, Check] = {
    "phrase": text.check_phrase,
    "audience": text.check_audience,
    "sequence": text.check_sequence,
    "required": text.check_required,
    "response": text.check_response,
    "calling_hours": metadata.check_calling_hours,
    "frequency": metadata.check_frequency,
    "silence": timing.check_silence,
    "overtalk": timing.check_overtalk,
    "speech_rate": timing.check_speech_rate,
    "loudness": timing.check_loudness,
}
_SETTINGS_KEYS = {"disable", "semantic", "packs", "dir"}
_MIN_SEMANTIC_CHARS = 4


@dataclass(frozen=True)
class RuleResult:
    findings: tuple[Finding, ...]
    script: tuple[ScriptItemResult, ...]


def validate_settings(packs: RulePacks, settings: Mapping[str, Any]) -> None:
    """Unknown keys in the run config's ``rules:`` section are typos: say so."""
    params = {p for kind in KIND_PARAMS.values() for p in kind}
    ids = {r.id for pack in packs for r in pack.rules}
    for key, value in settings.items():
        if key in _SETTINGS_KEYS or key in params:
            continue
        if key in ids:
            if not isinstance(value, Mapping):
                raise ConfigError(f"rules.{key}: expected a mapping of parameters, got {value!r}")
            continue
        raise ConfigError(f"rules.{key}: unknown setting; use a parameter name "
                          f"({', '.join(sorted(params))}), a rule ID, or one of "
                          f"{sorted(_SETTINGS_KEYS)}")


def _semantic_scores(packs: RulePacks, conversation: Conversation,
                     prepared: Sequence[Any], hits: Sequence[Mapping[str, Sequence[PhraseHit]]]
                     ) -> dict[tuple[int, str], tuple[float, str]]:
    kind = conversation.meta.kind
    wanted: list[tuple[int, int]] = []  # (turn, spec index)
    for s_idx, spec in enumerate(packs.semantic):
        if kind is not None and kind not in spec.call_kinds:
            continue
        for i, turn in enumerate(conversation.turns):
            if turn.role not in spec.roles or len(prepared[i].compact) < _MIN_SEMANTIC_CHARS:
                continue
            if spec.key in hits[i] or (spec.cue_key is not None and spec.cue_key not in hits[i]):
                continue
            wanted.append((i, s_idx))
    if not wanted or not semantic.available():
        return {}
    turn_ids = sorted({i for i, _ in wanted})
    vectors = semantic.embed([prepared[i].norm for i in turn_ids])
    row = {i: k for k, i in enumerate(turn_ids)}
    out: dict[tuple[int, str], tuple[float, str]] = {}
    for i, s_idx in wanted:
        spec = packs.semantic[s_idx]
        score, exemplar = semantic.best_match(vectors[row[i]], spec.exemplars)
        if score >= spec.threshold:
            out[(i, spec.key)] = (score, exemplar)
    return out


def check_conversation(conversation: Conversation, packs: RulePacks, *,
                       audio: AudioClip | None = None, history: Sequence[CallMeta] = (),
                       settings: Mapping[str, Any] | None = None) -> RuleResult:
    """Findings of every enabled rule that applies to this call kind, and the
    callback script (empty unless ``conversation.meta.kind == "callback"``)."""
    cfg: Mapping[str, Any] = settings or {}
    validate_settings(packs, cfg)
    disabled = set(cfg.get("disable", ()))
    prepared = tuple(prepare_text(t.text) for t in conversation.turns)
    hits: list[dict[str, list[PhraseHit]]] = []
    for p, turn in zip(prepared, conversation.turns, strict=True):
        per_key: dict[str, list[PhraseHit]] = {}
        for h in packs.matcher_for(turn.role).find(p):
            per_key.setdefault(h.key, []).append(h)
        hits.append(per_key)
    sem = _semantic_scores(packs, conversation, prepared, hits) \
        if cfg.get("semantic", True) else {}
    state = CallState(
        conversation=conversation, prepared=prepared, hits=tuple(hits), semantic=sem,
        settings=cfg, audio=audio, history=history,
        semantic_certain={p.name: p.header.semantic_certain for p in packs},
    )
    kind = conversation.meta.kind
    findings: list[Finding] = []
    script: list[ScriptItemResult] = []
    for pack in packs:
        for rule in pack.rules:
            if not rule.enabled or rule.id in disabled or rule.kind == "script_item":
                continue
            if kind is not None and kind not in rule.call_kinds:
                continue
            findings.extend(KIND_CHECKS[rule.kind](pack, rule, state))
        if kind == "callback" and any(r.kind == "script_item" for r in pack.rules):
            script.extend(r for r in check_script(pack, state) if r.item_id not in disabled)
    findings.sort(key=lambda f: (f.evidence.turn if f.evidence.turn is not None else -1,
                                 f.rule_id))
    return RuleResult(findings=tuple(findings), script=tuple(script))
