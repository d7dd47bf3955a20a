"""Which turns a rule regex can possibly match, told without running it.

A rule pack holds dozens of regexes and a call hundreds of turns; running every
regex over every turn was the largest cost of checking a call. Two sound
(never wrong, only sometimes unhelpful) filters decide from the regex's parse
tree what a match must contain:

- ``first_chars``: the characters a match can start with; a turn holding none
  of them is skipped.
- ``required_clauses``: sets of strings such that every match contains one
  string of each set (``(首期|下一期)(还款)?\\d`` needs 首期 or 下一期).
  ``RegexPrefilter`` puts them all in one Aho-Corasick automaton, so one scan
  of a turn names the few regexes worth running.

Either returns None where it cannot tell (character classes such as ``\\d``,
case-insensitive flags, anything optional); the regex then always runs.
"""

from __future__ import annotations

import re
import re._parser as _parser  # the standard library's regex parser
from collections.abc import Sequence
from typing import Any

import ahocorasick

# A class of this many literal characters or fewer (0-9 fits) still counts as a requirement.
_MAX_CLASS_CHARS = 10


def _first(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(possible first characters, whether the sequence can match empty); None = any."""
    out: set[str] = set()
    for op, av in items:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # anchors and lookarounds consume nothing
        if name == "LITERAL":
            out.add(chr(av))
            return out, False
        if name == "IN":
            for iop, iav in av:
                iname = str(iop)
                if iname == "LITERAL":
                    out.add(chr(iav))
                elif iname == "RANGE" and iav[1] - iav[0] < 64:
                    out.update(chr(c) for c in range(iav[0], iav[1] + 1))
                else:  # categories such as \d also cover non-ASCII digits: unknown
                    return None, False
            return out, False
        if name == "SUBPATTERN":
            sub, empty = _first(list(av[-1]))
            if sub is None:
                return None, False
            out |= sub
            if not empty:
                return out, False
            continue
        if name == "BRANCH":
            any_empty = False
            for branch in av[1]:
                sub, empty = _first(list(branch))
                if sub is None:
                    return None, False
                out |= sub
                any_empty = any_empty or empty
            if not any_empty:
                return out, False
            continue
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _hi, body = av
            sub, empty = _first(list(body))
            if sub is None:
                return None, False
            out |= sub
            if lo > 0 and not empty:
                return out, False
            continue
        return None, False
    return out, True


def _parse(pattern: str) -> Any | None:
    try:
        compiled = re.compile(pattern)
        parsed = _parser.parse(pattern)
    except re.error:
        return None
    # Case folding would let a match differ from the literal the tree holds.
    if compiled.flags & re.IGNORECASE or parsed.state.flags & re.IGNORECASE:
        return None
    return parsed


def first_chars(pattern: str) -> frozenset[str] | None:
    """Characters any match of ``pattern`` must start with, or None when that cannot be
    told (then the regex always runs). Lets most regexes skip most turns unscanned."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    chars, empty = _first(list(parsed))
    return None if chars is None or empty else frozenset(chars)


Clauses = tuple[frozenset[str], ...]  # every clause holds; a clause: one of its strings


def _literal_class(av: Any) -> frozenset[str] | None:
    """The characters of ``[...]`` when it lists a few literal characters or a short range."""
    chars: set[str] = set()
    for op, value in av:
        name = str(op)
        if name == "LITERAL":
            chars.add(chr(value))
        elif name == "RANGE" and value[1] - value[0] < _MAX_CLASS_CHARS:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:  # a negation or a category (\d also covers non-ASCII digits): unknown
            return None
    return frozenset(chars) if len(chars) <= _MAX_CLASS_CHARS else None


def _alternatives(clauses: Clauses) -> frozenset[str] | None:
    """One clause standing for a branch: its most selective clause."""
    if not clauses:
        return None
    return max(clauses, key=lambda c: (min(map(len, c)), -len(c)))


def _needed(items: Sequence[tuple[Any, Any]]) -> Clauses:
    """Clauses every match of this sequence satisfies (empty: nothing is known)."""
    clauses: list[frozenset[str]] = []
    run = ""  # consecutive literal characters: a match holds them contiguously
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run += chr(av)
            continue
        if run:
            clauses.append(frozenset({run}))
            run = ""
        if name == "SUBPATTERN":
            if not (av[1] | av[2]) & re.IGNORECASE:
                clauses.extend(_needed(list(av[-1])))
        elif name == "ATOMIC_GROUP":
            clauses.extend(_needed(list(av)))
        elif name == "BRANCH":
            parts = [_alternatives(_needed(list(b))) for b in av[1]]
            if all(p is not None for p in parts):
                clauses.append(frozenset().union(*(p for p in parts if p is not None)))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            clauses.extend(_needed(list(av[2])))
        elif name == "IN":
            chars = _literal_class(av)
            if chars:
                clauses.append(chars)
        # Anything else (wildcards, categories, lookarounds, optional parts) tells nothing.
    if run:
        clauses.append(frozenset({run}))
    return tuple(dict.fromkeys(c for c in clauses if "" not in c))


def required_clauses(pattern: str) -> Clauses | None:
    """Sets of strings such that every match of ``pattern`` contains one string of each
    set, or None when nothing can be told: ``(你|您)(替|帮)(他|她)`` gives
    ({你, 您}, {替, 帮}, {他, 她})."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    return _needed(list(parsed)) or None


class RegexPrefilter:
    """For regexes 0..n-1: which of them may match a text. One automaton scan finds
    the required strings present; a regex runs when each of its clauses is met.
    Regexes with no clauses fall back to their possible first characters."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._always: list[int] = []
        self._by_first: list[tuple[int, frozenset[str]]] = []
        # One bit per (regex, clause): a string found sets the bits of every clause it
        # meets, and a regex is wanted when all of its bits are set. Only regexes whose
        # most selective clause was met are checked at all, so a common character
        # (你, 是) costs one OR, not a pass over a hundred regexes.
        self._mask: dict[int, int] = {}  # regex -> bits of all its clauses
        bits_of: dict[str, int] = {}
        triggers: dict[str, list[int]] = {}
        bit = 0
        for i, pattern in enumerate(patterns):
            clauses = required_clauses(pattern)
            if clauses is not None:
                mask = 0
                for strings in clauses:
                    for string in strings:
                        bits_of[string] = bits_of.get(string, 0) | (1 << bit)
                    mask |= 1 << bit
                    bit += 1
                self._mask[i] = mask
                rarest = _alternatives(clauses)
                for string in rarest or ():
                    triggers.setdefault(string, []).append(i)
                continue
            first = first_chars(pattern)
            if first is None:
                self._always.append(i)
            else:
                self._by_first.append((i, first))
        self._automaton: Any = None
        if bits_of:
            self._automaton = ahocorasick.Automaton()
            for string, bits in bits_of.items():
                self._automaton.add_word(string, (bits, tuple(triggers.get(string, ()))))
            self._automaton.make_automaton()

    def candidates(self, text: str) -> list[int]:
        """Indexes of the regexes that may match ``text``, in ascending order."""
        wanted = list(self._always)
        if self._automaton is not None and text:
            met = 0
            touched: set[int] = set()
            for _end, (bits, trig) in self._automaton.iter(text):
                met |= bits
                if trig:
                    touched.update(trig)
            mask = self._mask
            wanted.extend(i for i in touched if met & mask[i] == mask[i])
        if self._by_first:
            chars = set(text)
            wanted.extend(i for i, first in self._by_first if not first.isdisjoint(chars))
        return sorted(wanted)
