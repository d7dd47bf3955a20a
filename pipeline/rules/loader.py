"""Load and validate rule packs; compile every phrase of every pack into one matcher.

Errors name the file, the rule ID and the field, e.g.
``compliance_rules/cn_conduct.yaml: rule CN-ABUSE-01: severity: Input should be ...``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pipeline.errors import ConfigError
from pipeline.rules.matchers import PhraseMatcher
from pipeline.rules.models import PackHeader, PatternSet, Rule, SpeakerScope


@dataclass(frozen=True)
class RulePack:
    name: str
    version: str
    path: str
    header: PackHeader
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def slot_key(pack: str, owner: str, slot: str) -> str:
    """Matcher key: which pack, which rule or event, which pattern slot."""
    return f"{pack}\x1f{owner}\x1f{slot}"


@dataclass(frozen=True)
class SemanticSpec:
    """Exemplars of one pattern slot and where they apply (so turns are embedded only
    when some slot could use them)."""

    key: str
    cue_key: str | None  # set when the slot has a cheap keyword prefilter
    exemplars: tuple[str, ...]
    threshold: float
    roles: tuple[str, ...]
    call_kinds: tuple[str, ...]


@dataclass(frozen=True)
class MatcherEntries:
    """Everything the packs match on text, with the roles each entry applies to."""

    phrases: tuple[tuple[str, str, tuple[str, ...]], ...]  # (key, phrase, roles)
    regexes: tuple[tuple[str, str, tuple[str, ...]], ...]
    no_pinyin: frozenset[str]


@dataclass(frozen=True)
class RulePacks:
    packs: tuple[RulePack, ...]
    entries: MatcherEntries = field(repr=False)
    semantic: tuple[SemanticSpec, ...] = field(default=(), repr=False)
    _matchers: dict[str, PhraseMatcher] = field(default_factory=dict, repr=False, compare=False)

    def matcher_for(self, role: str) -> PhraseMatcher:
        """One automaton per speaker role holding only the patterns that can apply to
        that role's turns (built on first use)."""
        if role not in self._matchers:
            e = self.entries
            self._matchers[role] = PhraseMatcher(
                [(k, p) for k, p, roles in e.phrases if role in roles],
                [(k, rx) for k, rx, roles in e.regexes if role in roles],
                no_pinyin_keys=e.no_pinyin,
            )
        return self._matchers[role]

    def __iter__(self) -> Iterator[RulePack]:
        return iter(self.packs)

    @property
    def versions(self) -> tuple[tuple[str, str], ...]:
        return tuple((p.name, p.version) for p in self.packs)

    def pack(self, name: str) -> RulePack:
        for p in self.packs:
            if p.name == name:
                return p
        raise KeyError(name)


def _format_error(path: Path, rule_id: str | None, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(rule)"
        where = f"rule {rule_id}: " if rule_id else ""
        lines.append(f"{path}: {where}{loc}: {err['msg']}")
    return "\n".join(lines)


def _expand(ps: PatternSet, lexicons: dict[str, list[str]], path: Path, rule_id: str,
            field_name: str) -> list[str]:
    phrases = list(ps.phrases)
    for name in ps.lexicons:
        if name not in lexicons:
            raise ConfigError(f"{path}: rule {rule_id}: {field_name}.lexicons: unknown lexicon "
                              f"{name!r}; defined: {sorted(lexicons)}")
        phrases.extend(lexicons[name])
    return phrases


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read rule pack: {exc}") from exc


def load_pack_file(path: Path, data: Any = None) -> RulePack:
    if data is None:
        data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with pack, version and rules")
    try:
        header = PackHeader.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_error(path, None, exc)) from exc
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(header.rules):
        rule_id = str(raw.get("id", f"#{i + 1}")) if isinstance(raw, dict) else f"#{i + 1}"
        try:
            rule = Rule.model_validate(raw)
        except ValidationError as exc:
            raise ConfigError(_format_error(path, rule_id, exc)) from exc
        if rule.id in seen:
            raise ConfigError(f"{path}: rule {rule.id}: id: duplicate rule ID in this pack")
        seen.add(rule.id)
        for ev_field in ("unless_event", "before_event"):
            ev = getattr(rule, ev_field)
            if ev and ev not in header.events:
                raise ConfigError(f"{path}: rule {rule.id}: {ev_field}: unknown event {ev!r}; "
                                  f"defined: {sorted(header.events)}")
        rules.append(rule)
    return RulePack(header.pack, header.version, str(path), header, tuple(rules))


_ALL_ROLES = ("agent", "borrower", "third_party", "unknown")
_ALL_KINDS = ("callback", "collection", "visit")
_ANSWER_ROLES = ("borrower", "third_party", "unknown")


def _pattern_sets(pack: RulePack) -> Iterator[tuple[str, str, PatternSet, tuple[str, ...],
                                                    tuple[str, ...]]]:
    """(owner, slot, pattern set, speaker roles, call kinds) for everything a pack
    matches on text."""
    for rule in pack.rules:
        if not rule.enabled:
            continue
        roles = SCOPE_ROLES[rule.speaker]
        kinds = tuple(rule.call_kinds)
        trigger_roles = SCOPE_ROLES[rule.trigger_speaker] if rule.kind == "response" else roles
        yield rule.id, "p", rule.patterns, trigger_roles, kinds
        for i, g in enumerate(rule.groups):
            yield rule.id, f"g{i}", g, roles, kinds
        if rule.response is not None:
            yield rule.id, "r", rule.response, roles, kinds
        if rule.exceptions:
            yield rule.id, "x", PatternSet(phrases=rule.exceptions), trigger_roles, kinds
        if rule.mask is not None:
            yield rule.id, "m", rule.mask, trigger_roles, kinds
        if rule.context:
            yield rule.id, "c", PatternSet(phrases=rule.context), _ALL_ROLES, kinds
        for k, ans in enumerate(rule.answers):
            yield (rule.id, f"a{k}:{ans.value}", PatternSet(phrases=ans.phrases, regex=ans.regex),
                   _ANSWER_ROLES, kinds)
    for name, ev in pack.header.events.items():
        yield f"event:{name}", "prompt", ev.prompt, ("agent",), _ALL_KINDS
        for slot in ("answer", "statement", "answer_denial"):
            yield f"event:{name}", slot, getattr(ev, slot), tuple(ev.answer_roles), _ALL_KINDS


def _field_name(owner: str, slot: str) -> str:
    """The YAML field a matcher slot came from, for error messages."""
    if owner.startswith("event:"):
        return f"events.{owner[6:]}.{slot}"
    if slot.startswith("g"):
        return f"groups.{slot[1:]}"
    if slot.startswith("a"):
        return f"answers.{slot[1:].split(':')[0]}"
    return {"p": "patterns", "r": "response", "x": "exceptions", "c": "context",
            "m": "mask"}.get(slot, slot)


def compile_packs(packs: Sequence[RulePack]) -> RulePacks:
    phrases: list[tuple[str, str, tuple[str, ...]]] = []
    regexes: list[tuple[str, str, tuple[str, ...]]] = []
    no_pinyin: list[str] = []
    semantic: list[SemanticSpec] = []
    for pack in packs:
        lex = pack.header.lexicons
        for owner, slot, ps, roles, kinds in _pattern_sets(pack):
            key = slot_key(pack.name, owner, slot)
            for phrase in _expand(ps, lex, Path(pack.path), owner, _field_name(owner, slot)):
                phrases.append((key, phrase, roles))
            for rx in ps.regex:
                regexes.append((key, rx, roles))
            if not ps.pinyin:
                no_pinyin.append(key)
            if ps.semantic:
                cue_key = slot_key(pack.name, owner, slot + ":cue") if ps.semantic_cues else None
                semantic.append(SemanticSpec(
                    key, cue_key, tuple(ps.semantic),
                    ps.semantic_threshold or pack.header.semantic_threshold, roles, kinds))
                for cue in ps.semantic_cues:
                    phrases.append((slot_key(pack.name, owner, slot + ":cue"), cue, roles))
    entries = MatcherEntries(tuple(phrases), tuple(regexes), frozenset(no_pinyin))
    return RulePacks(tuple(packs), entries, tuple(semantic))


def load_packs(directory: Path, names: Sequence[str] | None = None) -> RulePacks:
    """Load ``<directory>/<name>.yaml`` for each name. By default: the three catalogue
    packs and any customer pack that declares ``stage: rules`` (other stages such as
    cn_risk and cn_pii share the directory with their own schemas)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ConfigError(f"rule pack directory {directory} does not exist; "
                          "set CALLQA_RULES_DIR or pass --rules")
    loaded: list[RulePack] = []
    if names is None:
        for p in sorted(directory.glob("*.yaml")):
            data = _read_yaml(p)
            if _is_rule_pack(data):
                loaded.append(load_pack_file(p, data))
    else:
        for n in names:
            p = directory / (n if n.endswith(".yaml") else f"{n}.yaml")
            if not p.is_file():
                raise ConfigError(f"rule pack {n!r} not found: {p} does not exist")
            loaded.append(load_pack_file(p))
    if not loaded:
        raise ConfigError(f"no rule packs found in {directory}")
    return compile_packs(loaded)


def _is_rule_pack(data: Any) -> bool:
    """Packs of this stage; other stages (risk, PII) keep their own schema in the same
    directory. A malformed file is treated as ours so its error is reported."""
    if not isinstance(data, dict):
        return True
    return data.get("pack") in _OWN_PACKS or data.get("stage") == "rules"


SCOPE_ROLES: dict[SpeakerScope, tuple[str, ...]] = {
    "agent": ("agent",),
    "borrower": ("borrower",),
    "third_party": ("third_party",),
    "any": ("agent", "borrower", "third_party", "unknown"),
}
_OWN_PACKS = ("cn_conduct", "service_quality", "cn_callback_script")
