"""Date slot: resolve a spoken payment date against the day of the call.

Conventions (documented so a risk officer can predict the result):
- bare weekday (周五, 星期五, 礼拜五): the next such day on or after the call day;
- 这周五 / 本周五: that day in the call's Monday-to-Sunday week;
- 下周五: that day in the following week; 下下周五: the week after that;
- 15号: the 15th of the call month, or of the next month once it has passed;
- 月底 / 月末: the last day of the month (下个月底 of the next month); 月初: the 5th;
  月中: the 15th;
- 3月10号: that date this year, next year once passed;
- 今天 / 明天 / 后天 / 大后天, N天后 / N天内 (call day + N).
Vague phrases (发工资那天, 过几天, 年后, 等回款) give no date but keep the phrase;
a payday dated right before it (15号我发工资，15号还; 月底发了工资先还) takes that date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5,
             "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_WD = r"(?:周|星期|礼拜|週)"
_RELATIVE_DAYS = {"今天": 0, "今儿": 0, "今日": 0, "今晚": 0, "当天": 0, "明天": 1, "明儿": 1,
                  "明日": 1, "明早": 1, "明晚": 1, "后天": 2, "后儿": 2, "大后天": 3}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("month_day", re.compile(r"(?P<m>\d{1,2})月(?:份)?(?P<d>\d{1,2})(?:号|日)")),
    ("next_month_day", re.compile(r"下(?:个)?月(?:的)?(?P<d>\d{1,2})(?:号|日)")),
    ("this_month_day", re.compile(r"(?:这|本)(?:个)?月(?:的)?(?P<d>\d{1,2})(?:号|日)")),
    ("next_month_end", re.compile(r"下(?:个)?月(?:底|末)")),
    ("next_month_start", re.compile(r"下(?:个)?月(?:初|头)")),
    ("next_month_mid", re.compile(r"下(?:个)?月中")),
    ("month_end", re.compile(r"(?:这|本)?(?:个)?月(?:底|末)")),
    ("month_start", re.compile(r"(?:这|本)?(?:个)?月(?:初|头)")),
    ("month_mid", re.compile(r"(?:这|本)?(?:个)?月中")),
    ("day", re.compile(r"(?<![\d月])(?P<d>\d{1,2})(?:号|日)(?!\d)")),
    ("week_after_next", re.compile(r"下下(?:个)?" + _WD + r"(?P<w>[一二三四五六日天1-7])")),
    ("next_week", re.compile(r"下(?:个)?" + _WD + r"(?P<w>[一二三四五六日天末1-7])")),
    ("this_week", re.compile(r"(?:这|本|这个)" + _WD + r"(?P<w>[一二三四五六日天末1-7])")),
    ("weekday", re.compile(_WD + r"(?P<w>[一二三四五六日天末1-7])")),
    ("in_days", re.compile(r"(?P<n>\d{1,2})(?:天|日)(?:后|之后|以后|内|之内|以内)")),
    ("relative", re.compile("|".join(sorted(_RELATIVE_DAYS, key=len, reverse=True)))),
]
_VAGUE = re.compile(
    r"(发(?:了)?(?:工资|薪水|薪|钱)(?:那天|以后|之后|后)?|工资(?:下来|到账|发了?)(?:那天|以后|之后|后)?"
    r"|过(?:几|两|2|一两|1两)天|这(?:几|两|2)天|过段时间|过一阵|年前|年后|过完年|年底"
    r"|等.{1,6}(?:回款|结账|到账|下来|卖了)|(?:有|凑到|凑够)钱(?:了)?(?:就|再)?|下(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天末1-7])"
    r"|下(?:个)?月(?![\d底末初头中])|尽快|马上|这(?:个)?月(?![\d底末初头中]))"
)


@dataclass(frozen=True)
class DateMatch:
    value: date | None
    phrase: str
    start: int
    end: int
    kind: str


def _add_months(d: date, months: int, day: int | None = None) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day if day is not None else d.day, last))


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _resolve(kind: str, m: re.Match[str], today: date) -> date | None:
    g = m.groupdict()
    if kind == "relative":
        return today + timedelta(days=_RELATIVE_DAYS[m.group(0)])
    if kind == "in_days":
        return today + timedelta(days=int(g["n"]))
    if kind in ("weekday", "this_week", "next_week", "week_after_next"):
        wd = _WEEKDAYS[g["w"]]
        monday = today - timedelta(days=today.weekday())
        if kind == "weekday":
            return today + timedelta(days=(wd - today.weekday()) % 7)
        weeks = {"this_week": 0, "next_week": 1, "week_after_next": 2}[kind]
        return monday + timedelta(days=7 * weeks + wd)
    if kind == "day":
        d = int(g["d"])
        if not 1 <= d <= 31:
            return None
        if d >= today.day and d <= calendar.monthrange(today.year, today.month)[1]:
            return today.replace(day=d)
        return _add_months(today.replace(day=1), 1, d)
    if kind == "this_month_day":
        d = int(g["d"])
        if not 1 <= d <= calendar.monthrange(today.year, today.month)[1]:
            return None
        return today.replace(day=d)
    if kind == "next_month_day":
        d = int(g["d"])
        return _add_months(today.replace(day=1), 1, d) if 1 <= d <= 31 else None
    if kind == "month_day":
        mo, d = int(g["m"]), int(g["d"])
        if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(today.year, mo)[1]):
            return None
        candidate = date(today.year, mo, d)
        return candidate if candidate >= today else _add_months(candidate, 12)
    if kind == "month_end":
        return _month_end(today)
    if kind == "month_start":
        start = today.replace(day=5)
        return start if start >= today else _add_months(start, 1)
    if kind == "month_mid":
        mid = today.replace(day=15)
        return mid if mid >= today else _add_months(mid, 1)
    if kind == "next_month_end":
        return _month_end(_add_months(today.replace(day=1), 1))
    if kind == "next_month_start":
        return _add_months(today.replace(day=1), 1, 5)
    if kind == "next_month_mid":
        return _add_months(today.replace(day=1), 1, 15)
    return None


def find_dates(text: str, today: date | None) -> list[DateMatch]:
    """Every date expression in normalised ``text``, resolved when ``today`` is known.

    Longer, more specific expressions win over the shorter ones inside them
    (下个月5号 is one date, not 下个月 and 5号).
    """
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            value = _resolve(kind, m, today) if today is not None else None
            found.append(DateMatch(value, m.group(0), m.start(), m.end(), kind))
            taken.append((m.start(), m.end()))
    for m in _VAGUE.finditer(text):
        if free(m.start(), m.end()):
            found.append(DateMatch(None, m.group(0), m.start(), m.end(), "vague"))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def extract_date(text: str, today: date | None, anchor: int | None = None) -> DateMatch | None:
    """The payment date nearest to ``anchor`` (a resolved date beats a vague phrase)."""
    dates = find_dates(text, today)
    if not dates:
        return None
    if anchor is None:
        resolved = [d for d in dates if d.value is not None]
        return (resolved or dates)[0]

    def distance(d: DateMatch) -> tuple[int, int]:
        gap = 0 if d.start <= anchor < d.end else min(abs(d.start - anchor), abs(d.end - anchor))
        return (gap, int(d.value is None))

    best = min(dates, key=distance)
    if best.value is None:
        dated = _dated_event(text, dates, best)
        if dated is not None:
            return dated
    return best


_GLUE = re.compile(r"[我他她俺咱就才的]{0,2}")


def _dated_event(text: str, dates: list[DateMatch], vague: DateMatch) -> DateMatch | None:
    """The resolved date just before a vague event phrase (下个月10号发工资), if any."""
    for d in dates:
        if d.value is not None and d.end <= vague.start \
                and _GLUE.fullmatch(text[d.end:vague.start]):
            return d
    return None
