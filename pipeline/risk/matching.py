"""Find pattern hits of every signal in a clause: exact phrases, regexes, pinyin.

Exact phrases run through one Aho-Corasick automaton. Regexes carry the
paraphrases (车子前两天被我转手了). Phrases of three or more characters also
match on folded pinyin keys, for ASR near-homophones; such hits are marked
uncertain because the sound, not the word, matched. Denial regexes (抵押也没有)
give hits marked ``denial``; answer regexes run only after a matching question.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick

from pipeline.analysis import MatchMethod
from pipeline.risk.pinyin_keys import is_han, spoken_keys, text_keys

if TYPE_CHECKING:
    from pipeline.risk.pack import RiskPack


@dataclass(frozen=True)
class Hit:
    signal_id: str
    start: int  # offsets in the clause
    end: int
    pattern: str
    method: MatchMethod
    score: float
    denial: bool = False  # a denial pattern matched: the hit is negated by construction


class PatternMatcher:
    def __init__(self, pack: RiskPack) -> None:
        self._pack = pack
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[str]] = defaultdict(list)
        for sig in pack.signals:
            for phrase in sig.phrases:
                entries[phrase].append(sig.id)
        for phrase, ids in entries.items():
            self._automaton.add_word(phrase, (phrase, tuple(ids)))
        self._has_words = bool(entries)
        if self._has_words:
            self._automaton.make_automaton()
        # Pinyin index: first-syllable key -> (signal, phrase, keys).
        self._pinyin: dict[str, list[tuple[str, str, tuple[frozenset[str], ...]]]] = defaultdict(list)
        for sig in pack.signals:
            min_chars = sig.spec.pinyin_min_chars or pack.spec.pinyin_min_chars
            for phrase in sig.phrases:
                if len(phrase) >= min_chars and all(is_han(c) for c in phrase):
                    keys = text_keys(phrase)
                    for k in keys[0]:
                        self._pinyin[k].append((sig.id, phrase, keys))

    def exact(self, text: str) -> list[Hit]:
        if not self._has_words:
            return []
        hits: list[Hit] = []
        for end, (phrase, ids) in self._automaton.iter(text):
            start = end - len(phrase) + 1
            hits.extend(Hit(sid, start, end + 1, phrase, "exact", 1.0) for sid in ids)
        return hits

    def regex(self, text: str) -> list[Hit]:
        hits = []
        for sig in self._pack.signals:
            for rx in sig.regexes:
                for m in rx.finditer(text):
                    if m.end() > m.start():
                        hits.append(Hit(sig.id, m.start(), m.end(), rx.pattern, "regex", 0.95))
        return hits

    def denials(self, text: str) -> list[Hit]:
        hits = []
        for sig in self._pack.signals:
            for rx in sig.denials:
                for m in rx.finditer(text):
                    if m.end() > m.start():
                        hits.append(Hit(sig.id, m.start(), m.end(), rx.pattern, "regex", 0.95,
                                        denial=True))
        return hits

    def answers(self, text: str, asked: str) -> list[Hit]:
        """Hits of answer regexes whose question matches the agent's last turn ``asked``."""
        if not asked:
            return []
        hits = []
        for sig in self._pack.signals:
            for questions, regexes in sig.answers:
                if not any(q.search(asked) for q in questions):
                    continue
                for rx in regexes:
                    for m in rx.finditer(text):
                        if m.end() > m.start():
                            hits.append(Hit(sig.id, m.start(), m.end(), rx.pattern, "regex", 0.9))
        return hits

    def pinyin(self, text: str) -> list[Hit]:
        keys = spoken_keys(text)
        hits = []
        seen: set[tuple[str, int, str]] = set()
        for i, ch in enumerate(text):
            if not is_han(ch):
                continue
            for k in keys[i]:
                for sid, phrase, pkeys in self._pinyin.get(k, ()):
                    n = len(pkeys)
                    if i + n > len(text) or (sid, i, phrase) in seen:
                        continue
                    window = text[i:i + n]
                    if window == phrase:
                        continue  # an exact hit, reported by exact()
                    if all(pk & tk for pk, tk in zip(pkeys, keys[i:i + n], strict=True)):
                        seen.add((sid, i, phrase))
                        # Score by how many characters agree exactly.
                        same = sum(a == b for a, b in zip(window, phrase, strict=True)) / n
                        hits.append(Hit(sid, i, i + n, phrase, "pinyin", 0.6 + 0.3 * same))
        return hits

    def sentence_regex(self, sentence: str, clause_start: int, clause_end: int) -> list[Hit]:
        """Hits of sentence-scope regexes that end in the clause [clause_start, clause_end)
        of ``sentence``, as offsets in that clause (start clipped to the clause)."""
        hits = []
        for sig in self._pack.signals:
            for rx in sig.sentence_regexes:
                for m in rx.finditer(sentence):
                    if clause_start < m.end() <= clause_end:
                        start = max(m.start(), clause_start) - clause_start
                        hits.append(Hit(sig.id, start, m.end() - clause_start, rx.pattern,
                                        "regex", 0.9))
        return hits

    def find(self, text: str) -> list[Hit]:
        return self.exact(text) + self.regex(text) + self.pinyin(text) + self.denials(text)
