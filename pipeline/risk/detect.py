"""Borrower risk signals of one call: ``extract_risks(conversation, pack)``.

Reads the turns of the borrower and of third parties (family, colleagues; what
they say about the borrower counts as the borrower's situation). For every
clause: pattern hits (exact, regex, pinyin, denials, answers to the agent's last
question) and, where none of a signal hit, the semantic fallback; then
polarity, slots and weight per hit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pipeline.analysis import Evidence, MatchMethod, RiskSignal
from pipeline.conversation import Conversation, Turn
from pipeline.mandarin import normalise_text
from pipeline.risk import semantic
from pipeline.risk.clauses import Clause, split_clauses
from pipeline.risk.level import contribution, score_signals
from pipeline.risk.matching import Hit, PatternMatcher
from pipeline.risk.models import RiskResult
from pipeline.risk.pack import CompiledSignal, RiskPack
from pipeline.risk.polarity import PolarityResult, classify
from pipeline.risk.slots_amount import AmountMatch, extract_amount
from pipeline.risk.slots_date import extract_date
from pipeline.risk.slots_party import extract_party

SPEAKING_ROLES = ("borrower", "third_party")
_METHOD_RANK: dict[MatchMethod, int] = {"exact": 0, "regex": 1, "pinyin": 2, "semantic": 3}
_MAX_QUOTE = 80
_USES = (("ride_hailing", ("网约车", "滴滴", "快车", "专车", "顺风车", "跑单", "拉活", "接单")),
         ("rental", ("租给", "租出去", "出租", "租车", "短租")),
         ("freight", ("拉货", "货拉拉", "跑运输", "送货", "跑物流", "运货")))

Slots = tuple[tuple[str, str | float | None], ...]


@dataclass(frozen=True)
class _Located:
    hit: Hit
    clause: Clause


def _keep_widest(hits: list[Hit]) -> list[Hit]:
    """Per signal, drop hits inside a wider (or better-method) hit of the same signal.
    A denial hit (抵押也没有) wins over the words it denies."""
    ordered = sorted(hits, key=lambda h: (not h.denial, _METHOD_RANK[h.method],
                                          -(h.end - h.start), h.start))
    kept: list[Hit] = []
    for h in ordered:
        if any(k.signal_id == h.signal_id and k.start < h.end and h.start < k.end for k in kept):
            continue
        kept.append(h)
    return sorted(kept, key=lambda h: h.start)


def _quote(clause: Clause) -> str:
    return clause.sentence if len(clause.sentence) <= _MAX_QUOTE else clause.text


def _ptp_slots(
    sig: CompiledSignal, located: _Located, text: str, previous: Turn | None, today: date | None
) -> Slots:
    anchor = located.clause.start + located.hit.start
    sentence = located.clause.sentence
    s_anchor = anchor - located.clause.sentence_start
    out: list[tuple[str, str | float | None]] = []
    if "amount" in sig.spec.slots:
        # The promise's own clause first (剩下一千月底前补上), then its sentence, the turn.
        clause = located.clause
        amount = extract_amount(clause.text, located.hit.start)
        if amount is None or amount.value is None:
            rest = _REMAINDER.search(clause.text)
            amount = (AmountMatch(None, rest.group(0), rest.start(), rest.end()) if rest
                      else extract_amount(sentence, s_anchor) or extract_amount(text, anchor))
        if (amount is None or amount.value is None) and previous is not None:
            amount = extract_amount(normalise_text(previous.text)) or amount
        out.append(("amount", amount.value if amount else None))
        if amount is not None and amount.value is None:
            out.append(("amount_phrase", amount.phrase))
    if "date" in sig.spec.slots:
        when = extract_date(sentence, today, s_anchor) or extract_date(text, today, anchor)
        if (when is None or when.value is None) and previous is not None:
            when = extract_date(normalise_text(previous.text), today) or when
        out.append(("date", when.value.isoformat() if when and when.value else None))
        if when is not None:
            out.append(("date_phrase", when.phrase))
    return tuple(out)


_PRONOUN = re.compile(r"[他她]")


# "The rest" (剩下的月底前补上): the amount is what remains, not a number said earlier.
_REMAINDER = re.compile(r"剩下(?:的)?|剩余(?:的)?|余下(?:的)?|其余(?:的)?|尾款")


def _party_slots(sig: CompiledSignal, located: _Located, asked: str = "") -> Slots:
    """Who holds or uses the car. A bare 他/她 (车归她了) refers back to the party
    the agent's question named (那车现在是前妻在开吗？)."""
    out: list[tuple[str, str | float | None]] = []
    clause = located.clause
    for slot in ("counterparty", "user"):
        if slot not in sig.spec.slots:
            continue
        party = extract_party(clause.text) or extract_party(clause.sentence)
        if party is None and asked and _PRONOUN.search(clause.text):
            party = extract_party(asked)
        out.append((slot, party.category if party else None))
        if party is not None:
            out.append((f"{slot}_phrase", party.phrase))
    if "user" in sig.spec.slots:
        for use, words in _USES:
            if any(w in clause.sentence for w in words):
                out.append(("use", use))
                break
    return tuple(out)


def _regex_check(sig: CompiledSignal, hit: Hit) -> Callable[[str], bool] | None:
    if hit.method != "regex":
        return None
    rx = next((r for r in sig.regexes if r.pattern == hit.pattern), None)
    if rx is None:
        return None  # a sentence-scope regex: its gap spans clauses, no inner check
    return _fullmatcher(rx)


def _fullmatcher(rx: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: rx.fullmatch(text) is not None


def _other_subject(pack: RiskPack, hit: Hit, clause: Clause, role: str) -> bool:
    """The words before the hit name someone else as its subject (我弟周转不开)."""
    cues = pack.spec.cues
    lead = clause.text[:hit.start]
    rxs = cues.other_subject + (cues.other_subject_borrower if role == "borrower" else [])
    return any(re.search(rx, lead) for rx in rxs)


def _allowed(pack: RiskPack, hit: Hit, clause: Clause, asked: str, role: str = "borrower") -> bool:
    """Not vetoed by an exclude regex, and in context: the sentence or the agent's
    question before it (车现在谁在开？— 借给我弟了) mentions what the signal is about.
    A borrower-only pattern needs the borrower; an own-situation signal needs no
    other subject."""
    sig = pack.signal(hit.signal_id)
    if any(rx.search(clause.text) for rx in sig.exclude):
        return False
    if role != "borrower" and any(rx.search(clause.text[hit.start:hit.end])
                                  for rx in sig.borrower_only):
        return False
    if sig.spec.own_situation and _other_subject(pack, hit, clause, role):
        return False
    return not sig.context or any(rx.search(clause.sentence) or rx.search(asked)
                                  for rx in sig.context)


def _turn_hits(matcher: PatternMatcher, pack: RiskPack, clause: Clause, asked: str,
               role: str = "borrower") -> list[Hit]:
    offset = clause.start - clause.sentence_start
    found = (matcher.find(clause.text) + matcher.answers(clause.text, asked)
             + matcher.sentence_regex(clause.sentence, offset, offset + len(clause.text)))
    return _keep_widest([h for h in found if _allowed(pack, h, clause, asked, role)])


def extract_risks(conversation: Conversation, pack: RiskPack) -> RiskResult:
    """Risk signals, slots and the risk level of one call. Pure: reads, never edits."""
    matcher: PatternMatcher = pack.matcher
    meta = conversation.meta
    today = meta.started_at.date() if meta.started_at is not None else None
    cues = pack.spec.cues
    found: list[tuple[Turn, str, _Located]] = []
    following: dict[tuple[int, int], str] = {}  # (turn, clause start) -> next clause
    same_sentence: set[tuple[int, int]] = set()  # ... when that clause is in the sentence
    pending_semantic: list[tuple[Turn, str, Clause, set[str], str]] = []

    asked = ""  # the agent's last turn: context for a short answer
    for turn in conversation.turns:
        if turn.role == "agent":
            asked = normalise_text(turn.text)
        if turn.role not in SPEAKING_ROLES:
            continue
        text = normalise_text(turn.text)
        clauses = split_clauses(text)
        for a, b in itertools.pairwise(clauses):
            following[(turn.index, a.start)] = b.text
            if a.sentence_start == b.sentence_start:
                same_sentence.add((turn.index, a.start))
        for clause in clauses:
            hits = _turn_hits(matcher, pack, clause, asked, turn.role)
            found.extend((turn, text, _Located(h, clause)) for h in hits)
            if len(clause.text) >= pack.spec.semantic.min_chars:
                pending_semantic.append((turn, text, clause, {h.signal_id for h in hits}, asked))

    if pack.spec.semantic.enabled:
        exemplars = tuple((s.id, normalise_text(e)) for s in pack.signals for e in s.spec.exemplars)
        sem = semantic.best_matches([p[2].text for p in pending_semantic], exemplars,
                                    pack.spec.semantic.threshold)
        for (turn, text, clause, already, q), row in zip(pending_semantic, sem, strict=True):
            for sh in row:
                probe = Hit(sh.signal_id, 0, len(clause.text), sh.exemplar, "semantic", sh.score)
                if sh.signal_id not in already and _allowed(pack, probe, clause, q, turn.role):
                    hit = Hit(sh.signal_id, 0, len(clause.text), sh.exemplar, "semantic",
                              round(sh.score, 3))
                    found.append((turn, text, _Located(hit, clause)))

    spans: dict[tuple[int, int, str], list[tuple[int, int]]] = {}
    for turn, _, located in found:
        key3 = (turn.index, located.clause.start, located.hit.signal_id)
        spans.setdefault(key3, []).append((located.hit.start, located.hit.end))
    by_index = {t.index: i for i, t in enumerate(conversation.turns)}
    signals: list[RiskSignal] = []
    sentence_of: dict[int, tuple[int, int]] = {}  # id(signal) -> (turn, sentence start)
    seen: set[tuple[int, str, str, tuple[str | float | None, ...]]] = set()
    for turn, text, located in found:
        sig = pack.signal(located.hit.signal_id)
        clause, hit = located.clause, located.hit
        siblings = [sp for sp in spans[(turn.index, clause.start, sig.id)]
                    if sp != (hit.start, hit.end)]
        where = (turn.index, clause.start)
        pol = classify(clause.text, clause.sentence, clause.start - clause.sentence_start,
                       hit.start, hit.end, hit.pattern, clause.terminator, cues, sig.spec,
                       _regex_check(sig, hit), siblings, following.get(where, ""),
                       whole_clause=hit.method == "semantic",
                       next_in_sentence=following.get(where, "") if where in same_sentence else "")
        if hit.denial and pol.polarity == "asserted":
            pol = PolarityResult("negated", hit.pattern)
        pos = by_index[turn.index]
        previous = conversation.turns[pos - 1] if pos > 0 else None
        if previous is not None and previous.role in SPEAKING_ROLES:
            previous = None  # only an agent's proposal can fill a missing slot
        asked_before = normalise_text(previous.text) if previous is not None else ""
        slots = (_ptp_slots(sig, located, text, previous, today)
                 + _party_slots(sig, located, asked_before))
        # One signal per turn and polarity; promises with different terms are
        # distinct (周五先还一千五，剩下的月底前补上 is two).
        terms = tuple(v for k, v in slots if k in ("amount", "date", "amount_phrase"))
        key = (turn.index, sig.id, pol.polarity, terms)
        if key in seen:
            continue
        seen.add(key)
        evidence = Evidence(
            speaker=turn.speaker, role=turn.role, turn=turn.index, start=turn.start,
            end=turn.end, quote=_quote(clause), pattern=hit.pattern, method=hit.method,
            score=hit.score,
            uncertain=turn.low_confidence or hit.method in ("pinyin", "semantic"),
        )
        draft = RiskSignal(sig.id, pol.polarity, evidence, slots, 0.0)
        final = RiskSignal(sig.id, pol.polarity, evidence, slots, contribution(draft, pack))
        sentence_of[id(final)] = (turn.index, clause.sentence_start)
        signals.append(final)
    signals = _suppress(signals, sentence_of, pack)
    signals.sort(key=lambda s: (s.evidence.turn or 0, s.signal_id, s.polarity))
    return result_from_signals(signals, pack)


def _suppress(signals: list[RiskSignal], sentence_of: dict[int, tuple[int, int]],
              pack: RiskPack) -> list[RiskSignal]:
    """Drop signals that an asserted signal of the same sentence cancels."""
    cancelled: set[tuple[str, tuple[int, int]]] = set()
    for s in signals:
        if s.polarity == "asserted":
            for other in pack.signal(s.signal_id).spec.suppresses:
                cancelled.add((other, sentence_of[id(s)]))
    return [s for s in signals if (s.signal_id, sentence_of[id(s)]) not in cancelled]


def result_from_signals(signals: list[RiskSignal] | tuple[RiskSignal, ...],
                        pack: RiskPack) -> RiskResult:
    level, score, explanation = score_signals(signals, pack)
    return RiskResult(tuple(signals), level, score, explanation, pack.name, pack.version)
