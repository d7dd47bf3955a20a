"""Split a turn into sentences and clauses, keeping offsets into the turn text.

Polarity scope follows Chinese punctuation: a negation (没, 不) governs its own
clause (up to the next comma); a condition (要是, 如果) governs the rest of its
sentence (up to 。！？). An ellipsis (……) is a hesitation inside a sentence
(实在不行……我只能把车卖了), so it ends a clause only. Whisper often leaves out
punctuation, so the polarity module also limits cue distance in characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_CLAUSE_END = re.compile(r"[，,、：:。！？!?；;…\n]+|\s{1,}")
# A comma inside a number (2,500) is a thousands separator, not a clause end.
_THOUSANDS = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d])")


@dataclass(frozen=True)
class Clause:
    text: str
    start: int  # offset in the turn text
    sentence_start: int  # offset of the enclosing sentence in the turn text
    sentence: str
    terminator: str  # the punctuation that closed the clause ("" at the end)


def _spans(text: str, rx: re.Pattern[str]) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for m in rx.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start(), m.group(0)))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text), ""))
    return out


def _mask_numbers(text: str) -> str:
    """``text`` with the commas of 2,500 replaced by a placeholder (same offsets)."""
    return _THOUSANDS.sub(lambda m: m.group(0).replace(",", "0"), text)


def split_clauses(text: str) -> list[Clause]:
    clauses: list[Clause] = []
    for s_start, s_end, s_term in _spans(text, _SENTENCE_END):
        sentence = text[s_start:s_end]
        masked = _mask_numbers(sentence)
        for c_start, c_end, c_term in _spans(masked, _CLAUSE_END):
            term = c_term if c_end < len(sentence) else (c_term or s_term)
            clauses.append(Clause(sentence[c_start:c_end], s_start + c_start, s_start, sentence,
                                  term.strip() or term))
    return clauses
