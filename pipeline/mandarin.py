"""Mandarin text clean-up applied to every engine output.

- OpenCC t2s: Whisper writes Mandarin in traditional characters unless steered.
- A filter for subtitle credits Whisper hallucinates on silence or noise.
- Repetition loops (the same phrase many times) collapsed to one occurrence.
- A normalised form with Chinese numerals as digits, for rules and slot values.
  cn2an's own ``transform`` also rewrites words such as 一下/统一/周五, so only
  numerals that are clearly quantities are converted here.
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an

_HALLUCINATIONS = re.compile(
    r"字幕(由|制作|提供|志愿者|組|组)|由.{0,12}(社区|社區)提供的字幕|请?不吝点赞|点赞订阅|订阅(我的)?频道"
    r"|明镜与点点|明鏡與點點|中文字幕|谢谢(大家)?(观看|收看)|感谢(您的)?(观看|收看)|优优独播|独播剧场"
    r"|Amara\.org|YoYo Television|字幕by|本视频|欢迎订阅"
)
_REPEAT = re.compile(r"(.{1,20}?)\1{4,}")
_SPACES = re.compile(r"\s+")

_DIGITS = "零〇幺一二两三四五六七八九"
_MULT = "十百千万亿"
_RUN = re.compile(f"[{_DIGITS}{_MULT}][{_DIGITS}{_MULT}点]*")
_DIGIT_MAP = {"零": "0", "〇": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3",
              "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# A numeral followed by one of these is a quantity, date or time.
_UNITS = ("元", "块", "毛", "角", "号", "日", "月", "年", "岁", "期", "天", "周", "小时", "分钟",
          "点钟", "个月", "个点", "次", "笔", "张", "辆", "万", "千", "百", "%", "成")
# Words made of numeral characters that are not numbers.
_NOT_NUMBERS = ("千万", "万一", "一一", "十分", "一点", "百万分")
_WEEKDAY_PREFIX = ("周", "星期", "礼拜")
# 一 followed by these starts a word (一次性, 一起, 一下, 一共), not a digit of the number before.
_YI_WORDS = ("次", "起", "下", "共", "块儿", "并", "样", "定", "直")


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))  # type: ignore[attr-defined]


def is_hallucination(text: str) -> bool:
    return bool(_HALLUCINATIONS.search(text))


def collapse_repetitions(text: str) -> str:
    return _REPEAT.sub(r"\1", text)


def _convert_run(run: str) -> str | None:
    if not any(c in _MULT for c in run) and "点" not in run:
        if len(run) >= 3:  # digits read one by one: phone, ID, card numbers
            return "".join(_DIGIT_MAP[c] for c in run)
        return None
    try:
        value = cn2an.cn2an(run.replace("幺", "一"), "smart")
    except (ValueError, KeyError):
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def normalise_numbers(text: str) -> str:
    """Rewrite Chinese numerals that denote quantities as digits (两千五 -> 2500)."""
    out: list[str] = []
    pos = 0
    for m in _RUN.finditer(text):
        run = m.group(0)
        after = text[m.end():]
        before = text[max(0, m.start() - 2):m.start()]
        if run.endswith("点") and after[:1] not in _DIGITS:
            run = run[:-1]  # 三点 (o'clock) keeps its 点 outside the number
        if len(run) > 1 and run.endswith("一") and after.startswith(_YI_WORDS):
            # 四千三一次性 is 4300 + 一次性, not 43001: the 一 opens the next word
            run = run[:-1]
            after = text[m.start() + len(run):]
        if not run or run in _NOT_NUMBERS or (run[:2] in _NOT_NUMBERS and run[:2] != "一点"):
            continue
        if any(before.endswith(p) for p in _WEEKDAY_PREFIX):
            continue  # 周五 stays a weekday, not 周5
        has_unit = after.startswith(_UNITS) or text[m.start() + len(run):].startswith(_UNITS)
        is_quantity = any(c in _MULT for c in run) or len(run) >= 3
        if not (is_quantity or has_unit):
            continue
        if len(run) == 1 and not has_unit:
            continue
        if len(run) == 1 and text[m.start() - 1:m.start()].isdigit():
            # 4300一次性: a lone numeral after digits would glue into another number
            # (43001次性) and make normalising twice differ from normalising once
            continue
        converted = _convert_run(run) if is_quantity else _DIGIT_MAP.get(run[0]) if len(run) == 1 \
            else _convert_run(run)
        if converted is None:
            continue
        out.append(text[pos:m.start()])
        out.append(converted)
        pos = m.start() + len(run)
    out.append(text[pos:])
    return "".join(out)


def clean_text(text: str) -> str:
    """Raw engine text -> simplified, loop-free text (still with Chinese numerals)."""
    return collapse_repetitions(to_simplified(text).strip())


def normalise_text(text: str) -> str:
    """Text the rules read: simplified, numerals as digits, whitespace squeezed."""
    return normalise_numbers(_SPACES.sub(" ", to_simplified(text)).strip())
