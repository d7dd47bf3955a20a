"""Masking of personal data for display, export and logs, and who may see raw values.

Masks keep a short prefix/suffix so an auditor can tell two numbers apart
(3201**********1234, 138****5678, 6222 **** **** 1234, 粤B·***45, LSV**********1234);
an address keeps its province/city only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.pii.models import SpanLike
from pipeline.pii.pack import PiiPack, load_pii_pack
from pipeline.pii.recognizers import address_regex, detect_entities
from pipeline.pii.spoken_digits import canonical_digits, project

_STARS = "*"


def _mask_digits(value: str, keep_head: int, keep_tail: int) -> str:
    if len(value) <= keep_head + keep_tail:
        return _STARS * len(value)
    return value[:keep_head] + _STARS * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def _mask_address(raw: str, pack: PiiPack | None) -> str:
    pack = pack or load_pii_pack()
    regex = address_regex(pack.list_pattern("PII-ADDRESS", "provinces"),
                          pack.str_pattern("PII-ADDRESS", "name_excludes"),
                          pack.str_pattern("PII-ADDRESS", "numeral"))
    m = regex.match(raw)
    keep = ""
    if m and (m.group("prov") or m.group("city")):
        keep = raw[:m.end("city") if m.group("city") else m.end("prov")]
    return keep + "***"


def mask_value(entity_id: str, raw: str, pack: PiiPack | None = None) -> str:
    """The masked form of one raw value (spoken digits are shown as digits)."""
    if entity_id == "PII-ADDRESS":
        return _mask_address(raw, pack)
    if entity_id == "PII-PLATE-CN":
        value = re.sub(r"[·•．.\-\s]", "", project(raw)).upper()
        return value[:2] + "·" + _STARS * (len(value) - 4) + value[-2:] if len(value) > 4 \
            else _STARS * len(value)
    if entity_id == "PII-VIN":
        value = re.sub(r"[^A-Za-z0-9]", "", project(raw)).upper()
        return _mask_digits(value, 3, 4)
    value = canonical_digits(raw)
    if entity_id == "PII-MOBILE-CN":
        if len(value) == 13 and value.startswith("86"):
            value = value[2:]
        return _mask_digits(value, 3, 4)
    if entity_id == "PII-BANKCARD":
        if len(value) < 12:
            return _STARS * len(value)
        return f"{value[:4]} **** **** {value[-4:]}"
    if entity_id == "PII-ID-CN":
        return _mask_digits(value, 4, 4)
    return _STARS * max(1, len(raw))


def mask_text(text: str, spans: Iterable[SpanLike], pack: PiiPack | None = None) -> str:
    """A new string with every span replaced by its masked form.

    Overlapping spans are merged into the first (leftmost, longest) one so no raw
    character survives between two masks.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    out: list[str] = []
    pos = 0
    for s in ordered:
        if s.end <= pos:
            continue
        start = max(s.start, pos)
        end = min(s.end, len(text))
        if start >= end:
            continue
        out.append(text[pos:start])
        out.append(mask_value(s.entity_id, text[start:end], pack))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact_text(text: str, pack: PiiPack | None = None) -> str:
    """Mask every PII span scoring at the pack's mask threshold: apply to outgoing text
    (exports, log lines, error messages, API responses) that may hold raw values."""
    pack = pack or load_pii_pack()
    return mask_text(text, detect_entities(text, pack, pack.thresholds.mask), pack)


def may_see_raw(role: str, raw_roles: Sequence[str] | None = None) -> bool:
    """Whether a dashboard role may see unmasked values (default: the pack's raw_roles,
    which ships as admin only)."""
    allowed = tuple(raw_roles) if raw_roles is not None else load_pii_pack().raw_roles
    return role in allowed
