import random

import pytest

from pipeline.evaluate.metrics import (
    Counts,
    call_counts,
    cer_text,
    chars_per_minute,
    edit_count,
    is_located,
    levenshtein,
    macro,
    match_one_to_one,
    micro,
    slot_equal,
    sum_counts,
    turns_overlapping,
)


def test_counts_rates() -> None:
    c = Counts(tp=3, fp=1, fn=2)
    assert c.precision == 0.75
    assert c.recall == 0.6
    assert c.f1 == pytest.approx(6 / 9)


def test_rates_are_undefined_not_zero_without_denominator() -> None:
    never_predicted = Counts(tp=0, fp=0, fn=2)
    assert never_predicted.precision is None
    assert never_predicted.recall == 0.0
    assert never_predicted.f1 == 0.0
    assert Counts().f1 is None


def test_call_counts_and_sums() -> None:
    per_call = [call_counts({"A", "B"}, {"B", "C"}), call_counts({"A"}, {"A"})]
    totals = sum_counts(per_call)
    assert totals == {"A": Counts(1, 0, 1), "B": Counts(1, 0, 0), "C": Counts(0, 1, 0)}
    assert micro(totals.values()) == Counts(2, 1, 1)


def test_macro_skips_undefined_rates() -> None:
    m = macro([Counts(1, 1, 0), Counts(0, 0, 3)])
    assert m.precision == 0.5  # the second ID has no predictions: skipped
    assert m.recall == 0.5  # (1.0 + 0.0) / 2
    assert m.f1 == pytest.approx((2 / 3 + 0.0) / 2)


def _dp(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def test_levenshtein_known_values() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "逾期") == 2
    assert levenshtein("按时还款", "暗示海款") == 3
    assert levenshtein("逾期", "逾期") == 0


def test_levenshtein_matches_table_on_random_strings() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = "".join(rng.choice("还款逾期ab") for _ in range(rng.randint(0, 90)))
        b = "".join(rng.choice("还款逾期ab") for _ in range(rng.randint(0, 90)))
        assert levenshtein(a, b) == _dp(a, b), (a, b)


def test_cer_text_strips_punctuation_and_converts_to_simplified() -> None:
    assert cer_text("您好，我是 李娜。請按時還款！OK") == "您好我是李娜请按时还款ok"


def test_edit_count_with_numbers_as_digits() -> None:
    plain = edit_count("这周五还两千元。", "这周五还2000元")
    assert (plain.edits, plain.ref_chars, plain.hyp_chars) == (4, 7, 9)
    digits = edit_count("这周五还两千元。", "这周五还2000元", numbers_as_digits=True)
    assert digits.edits == 0
    assert digits.cer == 0.0


def test_turns_overlapping() -> None:
    spans: list[tuple[float | None, float | None]] = [(0.0, 2.0), (2.5, 4.0), (5.0, 6.0),
                                                      (None, None)]
    assert turns_overlapping(1.0, 3.0, spans) == {0, 1}
    assert turns_overlapping(4.2, 4.4, spans) == {1}  # in a gap: nearest turn
    assert turns_overlapping(5.5, None, spans) == {2}
    assert turns_overlapping(None, None, spans) == frozenset()


def test_is_located_accepts_neighbour_only() -> None:
    assert is_located(3, [4])
    assert is_located(3, [9, 2])
    assert not is_located(3, [5])
    assert not is_located(3, [])


def test_match_one_to_one_prefers_nearest_and_never_reuses() -> None:
    expected = [("R", 3), ("R", 7), ("S", 1)]
    predicted = [("R", frozenset({7})), ("R", frozenset({3})), ("S", frozenset({5}))]
    assert match_one_to_one(expected, predicted) == [1, 0, None]
    only_one = [("R", frozenset({4}))]
    assert match_one_to_one([("R", 3), ("R", 5)], only_one) == [0, None]
    assert match_one_to_one([("R", None)], only_one) == [0]


def test_slot_equal() -> None:
    assert slot_equal("amount", 2000, "2000.0")
    assert not slot_equal("amount", 2000, 200.0)
    assert not slot_equal("amount", 2000, "两千")
    assert slot_equal("date", "2026-03-06", "2026-03-06")
    assert not slot_equal("date", "2026-03-06", "2026-03-07")
    assert slot_equal("counterparty", "弟弟", " 弟弟")
    assert slot_equal("user", "朋友", "朋友")
    assert not slot_equal("user", "朋友", None)


def test_chars_per_minute() -> None:
    assert chars_per_minute("车卖了。", 2.5, 4.0) == 120.0
    assert chars_per_minute("车卖了。", None, 4.0) is None
