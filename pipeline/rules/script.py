"""Callback script items (catalogue section C): was each question asked, and what
did the borrower answer.

An item is asked when an agent turn matches its question patterns (phrases,
pinyin, regex or sentence embeddings). The answer is read from the borrower or
third-party turns that follow, up to ``answer_turns`` of them, stopping at the
next agent turn that asks a different item. Answer values are tried in the
order the pack lists them; a negated phrase (没收到) gives ``negated_value``.
"""

from __future__ import annotations

import re

from pipeline.analysis import Evidence, ScriptItemResult
from pipeline.rules.loader import RulePack
from pipeline.rules.models import Rule
from pipeline.rules.state import CallState, TextHit

_ANSWER_ROLES = ("borrower", "third_party", "unknown")
_SCALE = {"万": 10000, "w": 10000, "W": 10000, "千": 1000}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(万|千|w|W)?")


def _evidence(state: CallState, hit: TextHit, uncertain_below: float) -> Evidence:
    t = state.turns[hit.turn]
    return Evidence(
        speaker=t.speaker, role=t.role, turn=hit.turn, start=t.start, end=t.end,
        quote=state.prepared[hit.turn].norm, pattern=hit.pattern, method=hit.method,
        score=round(hit.score, 4),
        uncertain=t.low_confidence or (hit.method in ("pinyin", "semantic")
                                       and hit.score < uncertain_below),
    )


def _asked_turns(pack: RulePack, rule: Rule, state: CallState) -> list[TextHit]:
    out = []
    for i in state.candidates(pack.name, rule.id):
        if state.in_scope(rule, state.turns[i]):
            hits = state.text_hits(pack, rule, i)
            if hits:
                out.append(hits[0])
    return out


def _detail(rule: Rule, text: str) -> str | None:
    for rx in rule.detail_regex:
        m = re.search(rx, text)
        if m:
            groups = [g for g in m.groups() if g]
            value = groups[-1] if groups else m.group(0)
            amount = _AMOUNT.fullmatch(value)
            if amount:  # amounts as yuan: 9万 -> 90000
                scale = _SCALE.get(amount.group(2) or "", 1)
                number = float(amount.group(1)) * scale
                return str(int(number)) if number.is_integer() else str(number)
            return value
    return None


def _answer(pack: RulePack, rule: Rule, state: CallState, asked: int,
            other_asks: set[int]) -> tuple[str | None, str | None, Evidence | None]:
    window = int(state.param(rule, "answer_turns"))
    seen = 0
    for j in range(asked + 1, len(state.turns)):
        t = state.turns[j]
        if t.role == "agent":
            if j in other_asks:
                break
            continue
        if t.role not in _ANSWER_ROLES:
            continue
        seen += 1
        if seen > window:
            break
        text = state.prepared[j]
        found: list[tuple[int, int, str, TextHit]] = []  # (position, priority, value, hit)
        for k, ans in enumerate(rule.answers):
            hits = state.text_hits(pack, rule, j, slot=f"a{k}:{ans.value}", ignore=())
            for hit in hits:
                if hit.context.negated and ans.negated_value:
                    found.append((hit.start, k, ans.negated_value, hit))
                elif not hit.context.negated:
                    found.append((hit.start, k, ans.value, hit))
        if found:
            by_position = state.param(rule, "answer_order") == "position"
            _, _, value, hit = min(found, key=lambda f: (f[0], f[1]) if by_position
                                   else (f[1], f[0]))
            return value, _detail(rule, text.compact), _evidence(state, hit, 0.8)
        detail = _detail(rule, text.compact)
        if detail is not None and not rule.answers:
            return None, detail, None
    return None, None, None


def check_script(pack: RulePack, state: CallState) -> tuple[ScriptItemResult, ...]:
    items = [r for r in pack.rules if r.enabled and r.kind == "script_item"]
    asked_by_item = {r.id: _asked_turns(pack, r, state) for r in items}
    certain = pack.header.semantic_certain
    results: list[ScriptItemResult] = []
    for rule in items:
        hits = asked_by_item[rule.id]
        if not hits:
            results.append(ScriptItemResult(item_id=rule.id, asked=False, evidence=None))
            continue
        others = {h.turn for rid, hs in asked_by_item.items() if rid != rule.id for h in hs
                  if not any(x.turn == h.turn for x in hits)}
        best = min(hits, key=lambda h: ({"exact": 0, "regex": 1}.get(h.method, 2), -h.score))
        answer: tuple[str | None, str | None, Evidence | None] = (None, None, None)
        # The last time the question was asked usually gets the real answer; try each.
        for h in sorted(hits, key=lambda h: h.turn):
            got = _answer(pack, rule, state, h.turn, others)
            if got[0] is not None or got[1] is not None:
                answer = got
                break
        results.append(ScriptItemResult(
            item_id=rule.id, asked=True, evidence=_evidence(state, best, certain),
            answer=answer[0], answer_detail=answer[1], answer_evidence=answer[2]))
    return tuple(results)
