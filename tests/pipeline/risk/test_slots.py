"""Amount, date and party slots."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.mandarin import normalise_text
from pipeline.risk.slots_amount import extract_amount
from pipeline.risk.slots_date import extract_date, find_dates
from pipeline.risk.slots_party import classify_party, extract_party

MONDAY = date(2026, 3, 2)  # a Monday
FRIDAY_LATE_MONTH = date(2026, 3, 27)


@pytest.mark.parametrize(("spoken", "yuan"), [
    ("两千五", 2500), ("三千块", 3000), ("2,500", 2500), ("一万二", 12000), ("五百块钱", 500),
    ("1.5万", 15000), ("2千", 2000), ("一千二百元", 1200), ("还八百", 800),
])
def test_amounts(spoken: str, yuan: float) -> None:
    m = extract_amount(normalise_text(spoken))
    assert m is not None and m.value == yuan


@pytest.mark.parametrize("text", ["15号", "3个月", "周5", "第3期", "尾号1234", "13812345678", "还2次"])
def test_not_amounts(text: str) -> None:
    assert extract_amount(normalise_text(text)) is None


def test_amount_nearest_to_anchor() -> None:
    text = normalise_text("欠了一万多，这周先还三千")
    anchor = text.index("还")
    m = extract_amount(text, anchor)
    assert m is not None and m.value == 3000


def test_whole_balance_keeps_phrase() -> None:
    m = extract_amount("月底前还清")
    assert m is not None and m.value is None and m.phrase == "还清"


@pytest.mark.parametrize(("spoken", "iso"), [
    ("下周五", "2026-03-13"), ("这周五", "2026-03-06"), ("周五", "2026-03-06"),
    ("星期天", "2026-03-08"), ("礼拜一", "2026-03-02"), ("月底", "2026-03-31"),
    ("15号", "2026-03-15"), ("1号", "2026-04-01"), ("明天", "2026-03-03"), ("后天", "2026-03-04"),
    ("大后天", "2026-03-05"), ("下个月5号", "2026-04-05"), ("3月10号", "2026-03-10"),
    ("2月10号", "2027-02-10"), ("下个月底", "2026-04-30"), ("3天后", "2026-03-05"),
    ("下下周一", "2026-03-16"),
])
def test_dates_resolve_against_call_day(spoken: str, iso: str) -> None:
    m = extract_date(normalise_text(spoken), MONDAY)
    assert m is not None and m.value is not None and m.value.isoformat() == iso


def test_month_rollover_and_short_months() -> None:
    m = extract_date("下个月31号", date(2026, 1, 15))
    assert m is not None and m.value == date(2026, 2, 28)
    m = extract_date("月底", FRIDAY_LATE_MONTH)
    assert m is not None and m.value == date(2026, 3, 31)
    m = extract_date("这周五", FRIDAY_LATE_MONTH)
    assert m is not None and m.value == FRIDAY_LATE_MONTH


@pytest.mark.parametrize("spoken", ["发工资那天", "过两天", "年后", "等工程款到账", "下个月"])
def test_vague_dates_keep_phrase(spoken: str) -> None:
    m = extract_date(normalise_text(spoken), MONDAY)
    assert m is not None and m.value is None and m.phrase


def test_longest_expression_wins() -> None:
    dates = find_dates("下个月5号", MONDAY)
    assert [d.phrase for d in dates] == ["下个月5号"]


def test_no_call_day_gives_no_date() -> None:
    m = extract_date("明天", None)
    assert m is not None and m.value is None


@pytest.mark.parametrize(("phrase", "category"), [
    ("我弟", "relative"), ("我老婆", "spouse"), ("一个朋友", "friend"), ("兄弟", "friend"),
    ("别的公司", "company"), ("债主", "creditor"), ("当铺", "pawnshop"), ("收车的", "dealer"),
    ("别人", "other"),
])
def test_party_categories(phrase: str, category: str) -> None:
    assert classify_party(phrase) == category


def test_party_from_structure() -> None:
    m = extract_party("车被他弟开走了")
    assert m is not None and m.category == "relative" and "弟" in m.phrase
    m = extract_party("押给当铺了")
    assert m is not None and m.category == "pawnshop"
    assert extract_party("车还在") is None


@pytest.mark.parametrize("text", ["租给跑货运的司机了", "平时是个代驾师傅在开", "给租客开着呢"])
def test_hired_driver_or_tenant_is_other(text: str) -> None:
    m = extract_party(text)
    assert m is not None and m.category == "other"


@pytest.mark.parametrize(("spoken", "yuan"), [
    ("我把四千三一次性还上", 4300), ("两千八一起转过去", 2800), ("一万二一次还清", 12000),
])
def test_amount_glued_to_a_word_with_yi(spoken: str, yuan: float) -> None:
    """四千三一次性: the normaliser leaves the run whole; the 一 belongs to 一次性."""
    text = normalise_text(spoken)
    m = extract_amount(text, text.index("还") if "还" in text else None)
    assert m is not None and m.value == yuan


@pytest.mark.parametrize(("spoken", "iso"), [
    ("下个月10号发工资，发了先还一期", "2026-04-10"),
    ("月底发了工资，先还一期", "2026-03-31"),
    ("15号我发工资，到时候还", "2026-03-15"),
])
def test_dated_payday_gives_its_date(spoken: str, iso: str) -> None:
    text = normalise_text(spoken)
    m = extract_date(text, MONDAY, text.rindex("还"))
    assert m is not None and m.value is not None and m.value.isoformat() == iso


def test_undated_payday_stays_vague() -> None:
    text = normalise_text("明天我去问问，发工资那天就还")
    m = extract_date(text, MONDAY, text.rindex("还"))
    assert m is not None and m.value is None and "发工资" in m.phrase
