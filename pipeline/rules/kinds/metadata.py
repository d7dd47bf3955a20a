"""Metadata rule kinds: calling hours and call frequency per borrower and day."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.analysis import Finding
from pipeline.callmeta import CallMeta
from pipeline.errors import ConfigError
from pipeline.rules.loader import RulePack
from pipeline.rules.models import Rule
from pipeline.rules.state import CallState

_NOT_CONNECTED = ("0", "false", "no", "n", "unanswered", "not_connected", "failed")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"rules: timezone {name!r} is not a known IANA time zone "
                          "(e.g. Asia/Shanghai)") from exc


def _clock(value: str, rule: Rule) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"rules: {rule.id}: calling_hours value {value!r} is not HH:MM") from exc


def local(dt: datetime, zone: ZoneInfo) -> datetime:
    """Naive timestamps are taken as already local to the lender's zone."""
    return dt.replace(tzinfo=zone) if dt.tzinfo is None else dt.astimezone(zone)


def check_calling_hours(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    started = state.meta.started_at
    if started is None:
        return []
    hours = state.param(rule, "calling_hours")
    if not isinstance(hours, list | tuple) or len(hours) != 2:
        raise ConfigError(f"rules: {rule.id}: calling_hours must be [start, end], got {hours!r}")
    begin, end = _clock(hours[0], rule), _clock(hours[1], rule)
    zone = _zone(str(state.param(rule, "timezone")))
    at = local(started, zone)
    clock = at.time()
    inside = begin <= clock < end if begin <= end else (clock >= begin or clock < end)
    if inside:
        return []
    return [state.finding(
        pack, rule, turn=None, pattern=f"outside {hours[0]}-{hours[1]} {zone.key}",
        method="metadata", start=0.0, end=None, quote=f"started {at.isoformat()}",
        message=f"{rule.title}: call started at {at:%H:%M} {zone.key}")]


def _connected(meta: CallMeta) -> bool:
    value = dict(meta.extra).get("connected")
    return value is None or value.strip().lower() not in _NOT_CONNECTED


def _not_later(other: CallMeta, meta: CallMeta, zone: ZoneInfo) -> bool:
    """``other`` started before ``meta`` (ties broken by call id, so two calls with
    the same start are counted in one fixed order)."""
    assert other.started_at is not None and meta.started_at is not None
    a, b = local(other.started_at, zone), local(meta.started_at, zone)
    return a < b if a != b else other.call_id < meta.call_id


def check_frequency(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """A call breaches the limit when it is itself beyond it: the borrower's calls of
    the same local day up to this one are counted, so the 4th call of a day fires
    (limit 3) and the first three do not, whatever order the calls are checked in."""
    meta = state.meta
    out: list[Finding] = []
    max_calls = int(state.param(rule, "max_calls_per_day"))
    max_dials = int(state.param(rule, "max_dial_attempts"))
    zone = _zone(str(state.param(rule, "timezone")))
    same_day: list[CallMeta] = []
    if meta.started_at is not None:
        day = local(meta.started_at, zone).date()
        seen = {meta.call_id}
        for other in state.history:
            if other.call_id in seen or other.started_at is None:
                continue
            if meta.borrower_id and other.borrower_id and other.borrower_id != meta.borrower_id:
                continue
            if local(other.started_at, zone).date() == day and _not_later(other, meta, zone):
                seen.add(other.call_id)
                same_day.append(other)
        connected = 1 + sum(1 for o in same_day if _connected(o))
        if connected > max_calls:
            out.append(state.finding(
                pack, rule, turn=None, pattern=f"connected calls per day > {max_calls}",
                method="history", score=connected, quote=f"{connected} connected calls on {day}",
                message=f"{rule.title}: {connected} connected calls to this borrower on {day}"))
    dials = [m.dial_attempts for m in (meta, *same_day) if m.dial_attempts is not None]
    total = sum(dials)
    if dials and total > max_dials:
        out.append(state.finding(
            pack, rule, turn=None, pattern=f"dial attempts > {max_dials}", method="metadata",
            score=total, quote=f"{total} dial attempts",
            message=f"{rule.title}: {total} dial attempts"))
    return out[:1] if out else out
