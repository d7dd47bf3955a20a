from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.rules import load_packs
from pipeline.rules.matchers import prepare_text
from pipeline.rules.regex_prefilter import RegexPrefilter, first_chars, required_clauses

ROOT = Path(__file__).resolve().parents[3]


def test_first_characters_are_sound() -> None:
    assert first_chars("(我|我们)(是)?(公安|法院)") == frozenset("我")
    assert first_chars("^(是|对)") == frozenset("是对")
    assert first_chars(r"\d+元") is None  # categories: always scan
    assert first_chars("(啊)?x") == frozenset("啊x")
    assert first_chars("a*") is None  # can match empty: always scan
    assert first_chars("(?<![他她].)(?<=[^的]{2})(车贷|小贷)") == frozenset("车小")  # lookarounds
    assert first_chars("(?=x)y") == frozenset("y")


@pytest.mark.parametrize(("pattern", "clauses"), [
    ("影响征信", ({"影响征信"},)),
    ("(你|您)(就)?(替|帮)(他|她)", ({"你", "您"}, {"替", "帮"}, {"他", "她"})),
    # Alternatives sharing a prefix: the parser factors 是 out of both branches.
    ("(是不是|是否)(您)?(开|使用)", ({"是"}, {"不是", "否"}, {"开", "使用"})),
    (r"每(个)?月\d{1,2}(号|日)", ({"每"}, {"月"}, {"号", "日"})),
    ("[0-9]+(元|块)", ({*"0123456789"}, {"元", "块"})),
    ("(首期|第一期(还款)?)x", ({"首期", "第一期"}, {"x"})),
    ("套[个点]{0,2}现", ({"套"}, {"现"})),
])
def test_required_clauses(pattern: str, clauses: tuple[set[str], ...]) -> None:
    assert required_clauses(pattern) == tuple(frozenset(c) for c in clauses)


@pytest.mark.parametrize("pattern", [
    r"\d+",            # a category: nothing literal is needed
    "(a|)b*",          # every part optional
    "(?i)abc",         # case folding: the literal need not appear as written
    ".{2,4}",
    "[^的]{2}",
])
def test_nothing_is_claimed_when_nothing_is_known(pattern: str) -> None:
    assert required_clauses(pattern) is None


def test_prefilter_names_only_regexes_whose_requirements_are_present() -> None:
    pf = RegexPrefilter(["(你|您)(替|帮)他还", r"\d+元", "坐牢", r"\d+"])
    assert pf.candidates("你帮他还钱") == [0, 3]
    assert pf.candidates("你还钱") == [3]           # 替/帮 missing: regex 0 is skipped
    assert pf.candidates("500元") == [1, 3]          # first characters decide regex 1
    assert pf.candidates("要坐牢的") == [2, 3]
    assert pf.candidates("") == [3]


def _texts() -> list[str]:
    """Every text the project holds: rule examples, sample and held-out dialogues."""
    texts: list[str] = []
    packs = load_packs(ROOT / "compliance_rules")
    for pack in packs:
        for rule in pack.rules:
            for ex in (*rule.examples.match, *rule.examples.no_match):
                texts.extend([ex.text] if ex.text else [t.text for t in ex.turns or ()])
    for labels in (ROOT / "sample_audio" / "conversations.jsonl",
                   ROOT / "heldout" / "conversations.jsonl"):
        for line in labels.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.extend(t["text"] for t in json.loads(line)["turns"])
    return texts


def test_prefilter_never_skips_a_regex_that_matches() -> None:
    """Soundness on real data: every pack regex that matches a text is a candidate."""
    packs = load_packs(ROOT / "compliance_rules")
    patterns = sorted({rx for _key, rx, _roles in packs.entries.regexes})
    compiled = [re.compile(p) for p in patterns]
    pf = RegexPrefilter(patterns)
    matched = 0
    for text in _texts():
        compact = prepare_text(text).compact
        candidates = set(pf.candidates(compact))
        for i, rx in enumerate(compiled):
            if rx.search(compact):
                matched += 1
                assert i in candidates, (patterns[i], text)
    assert matched > 500  # the check saw plenty of matches
