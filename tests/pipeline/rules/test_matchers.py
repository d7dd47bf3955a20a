from __future__ import annotations

import pytest

from pipeline.rules.context import has_negation, is_question, span_context
from pipeline.rules.matchers import PhraseMatcher, prepare_text

PHRASES = [("overdue", "逾期"), ("arrears", "拖欠"), ("ontime", "按时还款"), ("penalty", "违约金"),
           ("jail", "坐牢"), ("jail3", "要坐牢"), ("family", "骚扰您的家人"), ("arrest", "抓你"),
           ("vehicle", "抵给"), ("cashout", "套现"), ("knife", "拿刀"), ("instalment", "月供"),
           ("detain", "刑拘"), ("chop", "砍你"), ("insult", "二百五"), ("owe_us", "欠我们")]
MATCHER = PhraseMatcher(PHRASES, [("amount", r"\d+(元|块)")])


def keys(text: str) -> dict[str, str]:
    return {h.key: h.method for h in MATCHER.find(prepare_text(text))}


@pytest.mark.parametrize(("text", "key"), [
    ("你已经于七三天了", "overdue"),
    ("脱欠的款项", "arrears"),
    ("请暗示海款", "ontime"),
    ("为约金要交", "penalty"),
    ("再拖下去就要坐老了", "jail3"),  # three syllables: toneless (牢 láo / 老 lǎo)
    ("他的贷款脱欠很久了", "arrears"),
    ("您这个月已经于七了", "overdue"),
])
def test_asr_homophones_match_on_pinyin(text: str, key: str) -> None:
    assert keys(text).get(key) == "pinyin"


@pytest.mark.parametrize(("text", "key"), [
    ("再拖下去就要坐老了", "jail"),  # two syllables need the tones too: láo is not lǎo
    ("请问是李海涛先生吗", "cashout"),  # 涛先 tāo-xiān vs 套现 tào-xiàn
    ("那到账金额对不对", "knife"),  # 那到 nà-dào vs 拿刀 ná-dāo
    ("你看你这工作还保不保得住", "chop"),  # 看你 kàn vs 砍你 kǎn
    ("我是孙悦工号0419", "instalment"),  # 悦工 = yuè-gōng, but it cuts through 工号
    ("代表法院执行局通知你", "detain"),  # 行局 cuts through 执行局
    ("金额跟您预期一致吧", "overdue"),  # 预期 yù-qī is a word of its own, not 逾期 yú-qī
    ("进门之前我们先打个电话", "owe_us"),  # 3 syllables, but 前 belongs to 之前
])
def test_two_syllable_sound_alikes_inside_other_words_do_not_match(text: str, key: str) -> None:
    assert key not in keys(text)


def test_numeric_pattern_does_not_match_inside_a_longer_number() -> None:
    assert keys("你就是个二百五")["insult"] == "exact"  # normalised to 250
    assert "insult" not in keys("这周五还两千五百")  # 2500
    assert "insult" not in keys("还1250块")


def test_exact_hit_wins_over_pinyin_on_same_span() -> None:
    assert keys("已经逾期了") == {"overdue": "exact"}


def test_punctuation_and_spaces_do_not_break_a_phrase_but_end_a_clause() -> None:
    p = prepare_text("按时 还款，好吗？")
    assert p.compact == "按时还款好吗"
    assert p.boundaries == (2, 4)  # a space is a pause: a clause boundary for context
    assert "ontime" in keys("按时 还款，好吗？")


def test_rare_readings_do_not_make_false_friends() -> None:
    # 抵 also reads zhǐ and 给 jǐ: expanding them would match 自己.
    assert "vehicle" not in keys("我自己开")


def test_regex_and_numbers_are_normalised() -> None:
    assert keys("欠了三千五百块")["amount"] == "regex"


@pytest.mark.parametrize(("text", "pattern", "flags"), [
    ("我们不会骚扰您的家人", "骚扰您的家人", {"negated"}),
    ("你不还钱就抓你去坐牢", "抓你", set()),
    ("坐牢是不可能的", "坐牢", {"negated"}),
    ("他们说要抓你", "抓你", {"reported"}),
    ("我跟你说，明天就抓你", "抓你", set()),
    ("如果你不还，我们就抓你", "抓你", {"hypothetical"}),
    ("你想坐牢吗？", "坐牢", {"question"}),
    ("你是不是想坐牢", "坐牢", {"question"}),
    ("我们不会骚扰您，但是你不还就抓你", "抓你", set()),
    ("实在不行找朋友借点先还上", "借点", set()),  # 实在不行: if all else fails, no negation
    ("我们不建议您借点先还上", "借点", {"negated"}),
])
def test_span_context(text: str, pattern: str, flags: set[str]) -> None:
    p = prepare_text(text)
    start = p.compact.rindex(pattern)
    assert span_context(p, start, start + len(pattern)).flags() == flags


def test_whole_turn_helpers() -> None:
    assert is_question(prepare_text("收到了吗"))
    assert not is_question(prepare_text("收到了"))
    assert has_negation(prepare_text("我们不会联系您家人"))


@pytest.mark.parametrize(("text", "spans"), [
    ("按时还款，好吗？", [(0, 4), (0, 4), (0, 4), (4, 6), (4, 6)]),  # compact 按时还款好吗
    ("好", [(0, 1)]),
    ("一，二，三", [(0, 1), (1, 2), (2, 3)]),
])
def test_clause_span_is_the_clause_holding_each_position(
        text: str, spans: list[tuple[int, int]]) -> None:
    p = prepare_text(text)
    positions = [0, 1, 3, 4, 5][:len(spans)] if len(spans) == 5 else list(range(len(spans)))
    assert [p.clause_span(pos) for pos in positions] == spans


def test_equal_prepared_texts_hash_alike_and_share_cached_context() -> None:
    a, b = prepare_text("你再不还就抓你"), prepare_text.__wrapped__("你再不还就抓你")
    assert a == b and hash(a) == hash(b) and a is not b
    assert span_context(a, 5, 7) is span_context(b, 5, 7)


def test_hit_cache_stays_bounded_and_forgets_the_oldest_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.rules import matchers

    monkeypatch.setattr(matchers, "_FOUND_CACHE_SIZE", 3)
    matcher = PhraseMatcher(PHRASES)
    texts = [prepare_text(f"第{i}期已经逾期了") for i in range(5)]
    for t in texts:
        assert [h.key for h in matcher.find(t)] == ["overdue"]
    assert list(matcher._found) == texts[2:]
    # A forgotten text is found again, with the same hits.
    assert matcher.find(texts[0]) == matcher.find(texts[0]) != ()
