"""Callback script items (catalogue section C): was each question asked, and what
did the borrower answer.

An item is asked when an agent turn matches its question patterns (phrases,
pinyin, regex or sentence embeddings). Embeddings of a whole turn follow its
topic words, so a disclosure (您的车贷已经放款了，今天做个回访) scores as high as
the question: for an item whose exemplars are questions, a turn matched by
meaning alone must hold a question sentence that itself meets the exemplars; and
a turn whose question another item matched by wording asks this one by meaning
only when the score is certain (``semantic_certain``).

The answer is read from the borrower or third-party turns that follow, up to
``answer_turns`` of them, stopping at the next agent turn that asks a different
item. When nothing follows and the agent's turn is a statement rather than a
question (到账142000，跟预期不一致，我记下来), the agent is recording what the
borrower already said: the answer is read from the borrower's turns just before.

Which value a reply gives (``answer_order``):

- ``priority`` (default): values in the order the pack lists them;
- ``position``: the earliest hit in the reply, list order on ties;
- ``clause``: the first clause holding a substantive hit (a one-character 嗯 / 对
  only counts when nothing else does), list order inside that clause:
  钱是到了，多少我真不清楚 -> yes;
- ``party``: who the reply names as the vehicle's user
  (``pipeline.risk.slots_party.vehicle_user``: 主要是我老公开 -> spouse, not self);
  the listed phrases are the fallback when nobody is named.

A one-character answer (对, 嗯, 有, 没) counts only at the head of its clause (嗯对,
那没有), not inside another word (核对, 有点). A negated phrase (没收到) gives the
value's ``negated_value``, or is skipped when it has none. Besides the negation cues
of ``pipeline.rules.context``, a denial right after the word negates it (存款也没有,
家里也指望不上, 家里都指着我 = others rely on me), and a word inside an A-not-A
question (到没到, 收没收到) is no answer at all.
"""

from __future__ import annotations

import re

from pipeline.analysis import Evidence, ScriptItemResult
from pipeline.risk.slots_party import USER_VALUES, vehicle_user
from pipeline.rules import semantic
from pipeline.rules.context import is_question
from pipeline.rules.loader import RulePack
from pipeline.rules.matchers import PreparedText, prepare_text
from pipeline.rules.models import Rule
from pipeline.rules.state import CallState, TextHit

_ANSWER_ROLES = ("borrower", "third_party", "unknown")
_SCALE = {"万": 10000, "w": 10000, "W": 10000, "千": 1000}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(万|千|w|W)?")
# X没X / X不X: 到没到, 收没收到, 有没有, 是不是.
_A_NOT_A = re.compile(r"(\w)[没不]\1")
# A denial straight after the word, in the same clause (存款也没有, 家里也指望不上), or
# the word's people relying on the speaker (家里都指着我, 家里老人还要我养).
_DENIED_AFTER = re.compile(
    r"^(?:也|都|还|就|可|倒|是|那边|里|方面|这块|这边|上)?(?:也|都|还|就)?"
    r"(?:没有|没得|莫得|冇|没|指望不上|靠不上|靠不住|帮不上|帮不了|借不到|不行|够呛|难"
    r"|就我一个|没人)"
    r"|^[^能会帮借给可]{0,4}?(?:也|都|还|就)?(?:要|得|靠|指着|等着|指望|全靠|就靠)着?我"
)
# What may stand before a one-character answer (对, 嗯, 有, 没) at the head of its
# clause: 那没有, 嗯对, 应该有. Anywhere else the character is part of another word
# (核对, 有点, 没事) and answers nothing.
_HEAD_FILLER = re.compile(
    r"^(?:那|嗯|哦|噢|啊|呃|哎|唉|是|就|也|都|还|应该|肯定|当然|确实|倒是|真|那倒|说实话)*$")
_LOOK_BACK = 2  # answer-role turns read before a statement-form ask
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")
_ASKS = re.compile(r"是否|有没有|有无|会不会|能不能|是不是|对不对|一样不|谁|多少|哪|怎么|咋|啥|什么")
Answer = tuple[str | None, str | None, Evidence | None]


def _evidence(state: CallState, hit: TextHit, uncertain_below: float) -> Evidence:
    t = state.turns[hit.turn]
    return Evidence(
        speaker=t.speaker, role=t.role, turn=hit.turn, start=t.start, end=t.end,
        quote=state.prepared[hit.turn].norm, pattern=hit.pattern, method=hit.method,
        score=round(hit.score, 4),
        uncertain=t.low_confidence or (hit.method in ("pinyin", "semantic")
                                       and hit.score < uncertain_below),
    )


def _asks(sentence: str) -> bool:
    """A sentence that asks something (？, a final particle, 是否 / 有没有 / 谁 …)."""
    if sentence.rstrip().endswith(("?", "？")):
        return True
    prepared = prepare_text(sentence)
    return bool(prepared.compact) and (is_question(prepared) or bool(_ASKS.search(prepared.compact)))


def _question_item(rule: Rule) -> bool:
    """The item is a question (its exemplars ask), not a reminder like CB-09."""
    return sum(_asks(e) for e in rule.patterns.semantic) * 2 > len(rule.patterns.semantic)


def _semantic_ask(pack: RulePack, rule: Rule, state: CallState, hit: TextHit) -> TextHit | None:
    """Keep a by-meaning hit of a question item only when a question sentence of the
    turn meets the exemplars on its own."""
    if not _question_item(rule):
        return hit
    sentences = [m.group(0) for m in _SENTENCE.finditer(state.prepared[hit.turn].norm)]
    asking = [s for s in sentences if _asks(s)]
    if not asking:
        return None
    if len(sentences) == 1:
        return hit  # the turn is the question: its score stands
    threshold = rule.patterns.semantic_threshold or pack.header.semantic_threshold
    exemplars = tuple(rule.patterns.semantic)
    vectors = semantic.embed(asking)
    score, exemplar = max(semantic.best_match(v, exemplars) for v in vectors)
    if score < threshold:
        return None
    return TextHit(hit.turn, hit.start, hit.end, exemplar, hit.method, score, hit.context)


def _asked_turns(pack: RulePack, rule: Rule, state: CallState) -> list[TextHit]:
    out = []
    for i in state.candidates(pack.name, rule.id):
        if not state.in_scope(rule, state.turns[i]):
            continue
        for hit in state.text_hits(pack, rule, i):
            kept = _semantic_ask(pack, rule, state, hit) if hit.method == "semantic" else hit
            if kept is not None:
                out.append(kept)
                break
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


def _in_a_not_a(text: PreparedText, hit: TextHit) -> bool:
    return any(m.start() < hit.end and hit.start < m.end()
               for m in _A_NOT_A.finditer(text.compact))


def _heads_clause(text: PreparedText, hit: TextHit) -> bool:
    c_start, _ = text.clause_span(hit.start)
    return bool(_HEAD_FILLER.match(text.compact[c_start:hit.start]))


def _denied_after(text: PreparedText, hit: TextHit) -> bool:
    _, c_end = text.clause_span(max(hit.start, hit.end - 1))
    return bool(_DENIED_AFTER.match(text.compact[hit.end:c_end]))


def _clause_index(text: PreparedText, pos: int) -> int:
    return sum(1 for b in text.boundaries if b <= pos)


def _pick(found: list[tuple[int, int, str, TextHit]], order: str,
          text: PreparedText) -> tuple[str, TextHit]:
    """Choose one (value, hit) from (position, priority, value, hit) candidates."""
    if order == "position":
        _, _, value, hit = min(found, key=lambda f: (f[0], f[1]))
    elif order == "clause":
        strong = [f for f in found if len(f[3].pattern) > 1 or f[3].method == "regex"]
        pool = strong or found
        first = min(_clause_index(text, f[0]) for f in pool)
        _, _, value, hit = min((f for f in pool if _clause_index(text, f[0]) == first),
                               key=lambda f: (f[1], f[0]))
    else:
        _, _, value, hit = min(found, key=lambda f: (f[1], f[0]))
    return value, hit


def _party_answer(rule: Rule, state: CallState, j: int) -> Answer | None:
    text = state.prepared[j]
    party = vehicle_user(text.norm)
    if party is None:
        return None
    values = {a.value for a in rule.answers} or set(USER_VALUES)
    value = party.category if party.category in values else "other"
    t = state.turns[j]
    evidence = Evidence(speaker=t.speaker, role=t.role, turn=j, start=t.start, end=t.end,
                        quote=text.norm, pattern=party.phrase, method="exact",
                        uncertain=t.low_confidence)
    return value, _detail(rule, text.compact), evidence


def _turn_answer(pack: RulePack, rule: Rule, state: CallState, j: int) -> Answer | None:
    """The value one answer-role turn gives, or None when it gives none."""
    order = str(state.param(rule, "answer_order"))
    if order == "party":
        got = _party_answer(rule, state, j)
        if got is not None:
            return got
    text = state.prepared[j]
    found: list[tuple[int, int, str, TextHit]] = []  # (position, priority, value, hit)
    for k, ans in enumerate(rule.answers):
        hits = state.text_hits(pack, rule, j, slot=f"a{k}:{ans.value}", ignore=())
        for hit in hits:
            if hit.method != "semantic" and _in_a_not_a(text, hit):
                continue
            if hit.method in ("exact", "pinyin") and len(hit.pattern) == 1 \
                    and not _heads_clause(text, hit):
                continue
            negated = hit.context.negated or (hit.method != "semantic"
                                              and _denied_after(text, hit))
            if negated and ans.negated_value:
                found.append((hit.start, k, ans.negated_value, hit))
            elif not negated:
                found.append((hit.start, k, ans.value, hit))
    if found:
        value, hit = _pick(found, order, text)
        return value, _detail(rule, text.compact), _evidence(state, hit, 0.8)
    detail = _detail(rule, text.compact)
    if detail is not None and not rule.answers:
        return None, detail, None
    return None


def _answer(pack: RulePack, rule: Rule, state: CallState, asked: int,
            other_asks: set[int]) -> Answer:
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
        got = _turn_answer(pack, rule, state, j)
        if got is not None:
            return got
    return None, None, None


def _answer_before(pack: RulePack, rule: Rule, state: CallState, asked: int,
                   other_asks: set[int]) -> Answer:
    """A statement-form ask records what the borrower said just before it."""
    if is_question(state.prepared[asked]):
        return None, None, None
    seen = 0
    for j in range(asked - 1, -1, -1):
        t = state.turns[j]
        if t.role == "agent":
            if j in other_asks:
                break
            continue
        if t.role not in _ANSWER_ROLES:
            continue
        seen += 1
        if seen > _LOOK_BACK:
            break
        got = _turn_answer(pack, rule, state, j)
        if got is not None and got[0] is not None:
            return got
    return None, None, None


def _drop_claimed(asked_by_item: dict[str, list[TextHit]], certain: float) -> None:
    """A turn whose question one item matches by wording does not also ask another
    item by meaning alone, unless the meaning is certain (有没有借给别人开 is CB-03;
    its topic words make it look like CB-04's 押出去借钱)."""
    worded: dict[int, set[str]] = {}
    for rid, hits in asked_by_item.items():
        for h in hits:
            if h.method != "semantic":
                worded.setdefault(h.turn, set()).add(rid)
    for rid, hits in asked_by_item.items():
        hits[:] = [h for h in hits if h.method != "semantic" or h.score >= certain
                   or not (worded.get(h.turn, set()) - {rid})]


def check_script(pack: RulePack, state: CallState) -> tuple[ScriptItemResult, ...]:
    items = [r for r in pack.rules if r.enabled and r.kind == "script_item"]
    asked_by_item = {r.id: _asked_turns(pack, r, state) for r in items}
    certain = pack.header.semantic_certain
    _drop_claimed(asked_by_item, certain)
    results: list[ScriptItemResult] = []
    for rule in items:
        hits = asked_by_item[rule.id]
        if not hits:
            results.append(ScriptItemResult(item_id=rule.id, asked=False, evidence=None))
            continue
        others = {h.turn for rid, hs in asked_by_item.items() if rid != rule.id for h in hs
                  if not any(x.turn == h.turn for x in hits)}
        best = min(hits, key=lambda h: ({"exact": 0, "regex": 1}.get(h.method, 2), -h.score))
        answer: Answer = (None, None, None)
        # The last time the question was asked usually gets the real answer; try each.
        for h in sorted(hits, key=lambda h: h.turn):
            got = _answer(pack, rule, state, h.turn, others)
            if got[0] is not None or got[1] is not None:
                answer = got
                break
        if answer[0] is None:
            for h in sorted(hits, key=lambda h: h.turn):
                got = _answer_before(pack, rule, state, h.turn, others)
                if got[0] is not None:
                    answer = got
                    break
        results.append(ScriptItemResult(
            item_id=rule.id, asked=True, evidence=_evidence(state, best, certain),
            answer=answer[0], answer_detail=answer[1], answer_evidence=answer[2]))
    return tuple(results)
