"""What a matched phrase means in its sentence: negated, reported, hypothetical, a question.

Stable API (also used by ``pipeline/risk``):

- ``span_context(text: PreparedText, start: int, end: int) -> SpanContext`` for a
  hit at ``compact[start:end]``.
- ``SpanContext(negated, reported, hypothetical, question)`` with ``polarity``
  (``negated`` > ``reported`` > ``hypothetical`` > ``asserted``) and ``flags()``
  (the set of names that are true, e.g. ``{"negated", "question"}``).
- ``is_question(text: PreparedText) -> bool`` for a whole turn.
- ``has_negation(text: PreparedText) -> bool``: any negation cue in the turn
  and ``has_reported_cue(text)``: any third-person speech cue
  (used to keep sentence embeddings, which ignore negation, from firing).

The cues are deliberately local: negation only counts inside the hit's clause and
close before it (我们不会骚扰您的家人), or right after it (坐牢是不可能的), and
not across a consequence marker (你不还钱就抓你 is a threat, not a negation).
Reported speech needs a third-person speaker verb before the hit (他们说要抓我,
听说); "我跟你说" is the speaker's own statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.analysis import Polarity
from pipeline.rules.matchers import PreparedText

# Negation cues that may stand right before the hit (longest first).
_NEG_BEFORE = re.compile(
    r"(绝对不会|绝不会|从来不|从不|决不|绝不|不会|不能|不要|不用|不必|不得|不该|不想|不许|不可能"
    r"|没有|没|并不|并没有|并非|不是|非|别|甭|无需|无须|不曾|未曾|未|不)"
)
# Between the cue and the hit: only auxiliaries and light words, no consequence marker.
_NEG_GAP = re.compile(
    r"^(会|要|去|来|能|用|再|得|敢|想|有|打算|准备|给|对|向|跟|和|把|让|被|是|也|都|就是|随便"
    r"|真的|可能|因为|为了|故意|主动|轻易|会去|会要|去找|您|你|你们|他|她|我们|这么|那么"
    r"|什么|任何|乱|私自|擅自|随意|再去|一直|找人|派人|叫人|找|要求|逼|强迫|建议|推荐|鼓励|提倡|允许"
    r"|同意|主张|愿意|需要){0,3}$"
)
_CONSEQUENCE = re.compile(r"就|才|那么|否则|不然|的话|然后|马上|立刻|肯定|到时")
# What the borrower is asked to do: 不还钱我们打你 is a condition, not a negation.
_CONDITION = re.compile(r"^(还|给钱|交|付|配合|接电话|接|处理|出来|开门|联系)")
# A-not-A questions (是不是, 有没有) hold a negation character but negate nothing;
# neither do idioms such as 实在不行 (if all else fails), 不然, 不管, 差不多.
_A_NOT_A = re.compile(r"(\w)[不没]\1|实在不行|不行的话|要不然|不然|要不|不管|不如|不得不|差不多|不少|不错"
                      r"|不停|不断|不光|不仅|了不起|没准")
_NEG_AFTER = re.compile(
    r"^.{0,4}(是不可能|不可能|不会的|不会|不存在|没有的事|是假的|是谣言|不至于|是吓唬|是骗人|不属实|是不对的"
    r"|是违法的|是违规的|不允许|我们不做|我们不会)"
)
_REPORTED = re.compile(
    r"(他|她|它|他们|她们|你们|有人|人家|对方|那边|那个人|那人|同事|催收|催收的|客服|领导|律师|别人|网上|朋友"
    r"|之前的人|上次的人|上次那个|之前那个|前面那个|打电话的|来的人|外包)"
    r"(都|还|也|就|又|一直|老是|总是|当时|上次|之前|跟我|对我|和我|给我)?"
    r"(说|讲|讲过|说过|讲的|说的|告诉我|威胁|威胁我|吓唬|吓唬我|骂|骂我|扬言|声称|放话|发短信|发信息)"
    r"|听说|据说|传言|所谓|网上说|有的催收|有些催收|有些公司|有的公司|不正规的"
)
_HYPOTHETICAL = re.compile(
    r"如果|要是|假如|假设|万一|一旦|倘若|如若|若是|的话|要不是|哪怕|即使|就算|除非|假使"
)
_QUESTION_END = re.compile(
    r"(吗|嘛|么|呢|吧|没有|没|不|是不是|对不对|好不好|行不行|可以吗|能不能|有没有|会不会)$"
)
_QUESTION_ANY = re.compile(
    r"是不是|有没有|会不会|能不能|可不可以|要不要|对不对|是否|多少|什么时候|谁|哪|怎么|为什么|几"
)
_BREAK = re.compile(r"但是|可是|不过|然而|只是|但")
_ANY_NEG = re.compile(r"不会|不要|不能|没有|不是|绝不|从不|不可能|不存在|别担心|放心|不用")


@dataclass(frozen=True)
class SpanContext:
    negated: bool = False
    reported: bool = False
    hypothetical: bool = False
    question: bool = False

    @property
    def polarity(self) -> Polarity:
        if self.negated:
            return "negated"
        if self.reported:
            return "reported"
        if self.hypothetical:
            return "hypothetical"
        return "asserted"

    def flags(self) -> set[str]:
        names = ("negated", "reported", "hypothetical", "question")
        return {n for n in names if getattr(self, n)}


def _clause_before(text: PreparedText, start: int) -> str:
    c_start, _ = text.clause_span(start)
    before = text.compact[c_start:start]
    # A contrast word opens a new scope: 我们不会骚扰您，但是你不还就找你单位.
    last = None
    for m in _BREAK.finditer(before):
        last = m
    return before[last.end():] if last else before


def _is_negated(text: PreparedText, start: int, end: int) -> bool:
    before = _A_NOT_A.sub(lambda m: "#" * len(m.group(0)), _clause_before(text, start))
    window = before[-8:]
    for m in _NEG_BEFORE.finditer(window):
        gap = window[m.end():]
        if _CONSEQUENCE.search(gap) or _CONDITION.match(gap) or "#" in gap:
            continue
        if _NEG_GAP.match(gap) or len(gap) <= 2:
            return True
    _, c_end = text.clause_span(max(start, end - 1))
    after = text.compact[end:c_end]
    return bool(_NEG_AFTER.match(after))


def _is_reported(text: PreparedText, start: int) -> bool:
    # The speaker verb may sit in the previous clause: 他们上次说，明天就来抓我.
    c_start, _ = text.clause_span(start)
    prev_start, _ = text.clause_span(max(0, c_start - 1)) if c_start > 0 else (0, 0)
    before = text.compact[prev_start:start]
    return bool(_REPORTED.search(before[-20:]))


def _is_hypothetical(text: PreparedText, start: int, end: int) -> bool:
    c_start, c_end = text.clause_span(start)
    prev_start = text.clause_span(c_start - 1)[0] if c_start > 0 else c_start
    return bool(_HYPOTHETICAL.search(text.compact[prev_start:end])) or \
        text.compact[end:c_end].startswith("的话")


def is_question(text: PreparedText) -> bool:
    if text.ends_with_question:
        return True
    return bool(_QUESTION_END.search(text.compact[-4:])) and len(text.compact) > 1


def _clause_is_question(text: PreparedText, start: int) -> bool:
    c_start, c_end = text.clause_span(start)
    clause = text.compact[c_start:c_end]
    if c_end == len(text.compact) and text.ends_with_question:
        return True
    return bool(_QUESTION_END.search(clause[-3:])) or bool(_QUESTION_ANY.search(clause))


@lru_cache(maxsize=65536)
def span_context(text: PreparedText, start: int, end: int) -> SpanContext:
    """Context of the hit at ``compact[start:end]``. Cached: several rules, the risk
    extractor and repeated texts ask about the same span, and the answer depends on
    the text and the span alone."""
    return SpanContext(
        negated=_is_negated(text, start, end),
        reported=_is_reported(text, start),
        hypothetical=_is_hypothetical(text, start, end),
        question=_clause_is_question(text, start),
    )


def has_negation(text: PreparedText) -> bool:
    return bool(_ANY_NEG.search(text.compact))


def has_reported_cue(text: PreparedText) -> bool:
    """Any third-person speech cue in the turn (他们说…, 听说…)."""
    return bool(_REPORTED.search(text.compact))
