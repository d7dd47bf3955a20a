from __future__ import annotations

import pytest

from pipeline.mandarin import clean_text, is_hallucination, normalise_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我这周五还两千五", "我这周五还2500"),
        ("三千块", "3000块"),
        ("一万二", "12000"),
        ("两千五百元", "2500元"),
        ("十五号之前", "15号之前"),
        ("下个月一号", "下个月1号"),
        ("幺三八零零一二三四五六七", "138001234567"),
        ("二零二六年三月五号", "2026年3月5号"),
        # a trailing 一 that opens the next word is not a digit of the amount
        ("四千三一次性还清", "4300一次性还清"),
        ("两千八一起给你", "2800一起给你"),
        # Not quantities: must stay as written.
        ("一下子", "一下子"),
        ("一定会还", "一定会还"),
        ("统一口径", "统一口径"),
        ("千万别这样", "千万别这样"),
        ("十分感谢", "十分感谢"),
        ("万一不行", "万一不行"),
        ("两个人", "两个人"),
        ("周五", "周五"),
    ],
)
def test_normalise_numbers_only_where_they_are_quantities(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


@pytest.mark.parametrize("text", ["我把四千三一次性还上", "我还两千五", "三一三", "一次还清"])
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


def test_traditional_to_simplified() -> None:
    assert normalise_text("請問您的貸款已經收到了嗎") == "请问您的贷款已经收到了吗"


@pytest.mark.parametrize(
    "text",
    ["字幕由Amara.org社区提供", "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目", "谢谢观看", "中文字幕志愿者"],
)
def test_known_subtitle_hallucinations(text: str) -> None:
    assert is_hallucination(clean_text(text))


def test_ordinary_speech_is_not_a_hallucination() -> None:
    assert not is_hallucination("谢谢您，那我们下个月再联系")


def test_repetition_loop_collapsed() -> None:
    assert clean_text("我会还的我会还的我会还的我会还的我会还的我会还的") == "我会还的"
    assert clean_text("对对对") == "对对对"  # ordinary repetition stays
