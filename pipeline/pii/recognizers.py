"""Recognisers for the six cn_pii entities.

Each recogniser proposes candidates with a score from the pack; a validation hook
(check digit, region, birth date, Luhn, ISO 3779) raises or lowers it, and context
words nearby raise it (身份证, 卡号…) or lower it (订单号, 合同…). Failed checks
are kept with ``valid=False`` and a low score rather than dropped, so a misheard
ID can still be masked and an auditor can see why it scored low.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pipeline.pii.models import PiiEntity
from pipeline.pii.pack import PiiPack
from pipeline.pii.spoken_digits import DigitGroup, digit_runs, project
from pipeline.pii.validators import (
    check_resident_id,
    luhn_valid,
    mobile_shape,
    mobile_valid,
    vin_valid,
)


@dataclass(frozen=True)
class _Context:
    positive: bool
    negative: bool


def _context(text: str, start: int, end: int, entity_id: str, pack: PiiPack) -> _Context:
    cfg = pack.entity(entity_id)
    before = text[max(0, start - pack.context_window):start]
    after = text[end:end + pack.context_after]
    window = before + " " + after
    negative = any(w in before for w in cfg.negative_context)
    positive = any(w in window for w in cfg.context)
    # A negative word closer to the span than the positive one wins (身份证…订单号 123…).
    if positive and negative:
        pos = max(before.rfind(w) for w in cfg.context if w in before) if any(
            w in before for w in cfg.context) else len(before)
        neg = max(before.rfind(w) for w in cfg.negative_context if w in before)
        positive, negative = (pos > neg, neg > pos) if pos != neg else (True, False)
    return _Context(positive, negative)


def _scored(entity_id: str, base: float, ctx: _Context, pack: PiiPack) -> float:
    cfg = pack.entity(entity_id)
    score = base
    if ctx.positive:
        score += cfg.context_boost
    if ctx.negative:
        score -= cfg.negative_penalty
    return round(min(1.0, max(0.0, score)), 3)


def _entity(text: str, entity_id: str, start: int, end: int, value: str, valid: bool,
            base: float, pack: PiiPack, reason: str) -> PiiEntity | None:
    if value in pack.entity(entity_id).deny:
        return None
    ctx = _context(text, start, end, entity_id, pack)
    score = _scored(entity_id, base, ctx, pack)
    why = reason + ("; context" if ctx.positive else "") + ("; negative context" if ctx.negative
                                                             else "")
    return PiiEntity(entity_id, start, end, text[start:end], value, valid, score, why)


# --- numbers: IDs, mobiles, bank cards ---------------------------------------------

def _number_candidates(text: str, start: int, end: int, value: str,
                       pack: PiiPack) -> list[PiiEntity]:
    """Every reading of one digit string; the caller keeps the best."""
    out: list[PiiEntity | None] = []
    n = len(value)
    digits_only = value.isdigit()
    id_s = pack.entity("PII-ID-CN").scores
    mob_s = pack.entity("PII-MOBILE-CN").scores
    card_s = pack.entity("PII-BANKCARD").scores

    def add(eid: str, valid: bool, base: float, reason: str, v: str = value,
            s: int = start) -> None:
        out.append(_entity(text, eid, s, end, v, valid, base, pack, reason))

    check = check_resident_id(value)
    if check is not None and n == 18:
        if check.valid:
            add("PII-ID-CN", True, id_s["valid"], "GB 11643 check digit, region, birth date")
        elif check.structure:
            add("PII-ID-CN", False, id_s["check_digit_wrong"], "check digit wrong")
        else:
            add("PII-ID-CN", False, id_s["structure_wrong"],
                "region or birth date invalid" if check.check_digit else "structure invalid")
    elif check is not None and n == 15:
        add("PII-ID-CN", check.valid, id_s["legacy_valid"] if check.valid
            else id_s["structure_wrong"], "15-digit legacy ID")
    elif n in (16, 17, 19) and _has_context(text, start, end, "PII-ID-CN", pack):
        add("PII-ID-CN", False, id_s["wrong_length"], f"{n} digits after ID context")

    if digits_only and n == 11 and mobile_shape(value):
        add("PII-MOBILE-CN", mobile_valid(value),
            mob_s["valid"] if mobile_valid(value) else mob_s["unallocated"], "1[3-9]+9 digits")
    elif digits_only and n == 13 and value.startswith("86") and mobile_shape(value[2:]):
        plus = 1 if start > 0 and text[start - 1] in "+＋" else 0
        add("PII-MOBILE-CN", mobile_valid(value[2:]), mob_s["valid"], "+86 mobile", value[2:],
            start - plus)
    elif digits_only and n in (10, 12) and value[0] == "1" and value[1] in "3456789" \
            and _has_context(text, start, end, "PII-MOBILE-CN", pack):
        add("PII-MOBILE-CN", False, mob_s["wrong_length"], f"{n} digits after phone context")

    if digits_only and 16 <= n <= 19:
        if luhn_valid(value):
            add("PII-BANKCARD", True, card_s["valid_common"] if n in (16, 19)
                else card_s["valid_rare"], "Luhn")
        else:
            add("PII-BANKCARD", False, card_s["luhn_wrong"], "Luhn fails")
    return [e for e in out if e is not None]


def _has_context(text: str, start: int, end: int, entity_id: str, pack: PiiPack) -> bool:
    return _context(text, start, end, entity_id, pack).positive


def _best(cands: list[PiiEntity]) -> PiiEntity | None:
    if not cands:
        return None
    # A valid reading beats an invalid one of the same score (ID vs card for 18 digits).
    return max(cands, key=lambda e: (e.score, e.valid, e.end - e.start))


def _run_entities(text: str, run: list[DigitGroup], pack: PiiPack) -> Iterator[PiiEntity]:
    """Split a run of digit groups into the best-scoring numbers, left to right."""
    i = 0
    while i < len(run):
        best: PiiEntity | None = None
        best_j = i + 1
        for j in range(i + 1, len(run) + 1):
            if run[i].glued_left or run[j - 1].glued_right:
                continue
            value = "".join(g.digits for g in run[i:j])
            if "X" in value[:-1] or len(value) > 19:
                break
            cand = _best(_number_candidates(text, run[i].start, run[j - 1].end, value, pack))
            if cand is not None and (best is None or cand.score >= best.score):
                best, best_j = cand, j
        if best is not None:
            yield best
        i = best_j if best is not None else i + 1


def recognise_numbers(text: str, pack: PiiPack) -> list[PiiEntity]:
    return [e for run in digit_runs(text) for e in _run_entities(text, run, pack)]


# --- plates and VINs ----------------------------------------------------------------

@lru_cache(maxsize=8)
def _plate_regex(provinces: str, sep: str, new_energy: str, ordinary: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![A-Za-z0-9])[{provinces}]\s?[A-HJ-NP-Za-hj-np-z]{sep}"
        rf"(?:(?P<ne>{new_energy})|(?P<ord>{ordinary}))(?![A-Za-z0-9])")


def recognise_plates(text: str, pack: PiiPack) -> list[PiiEntity]:
    scores = pack.entity("PII-PLATE-CN").scores
    regex = _plate_regex(*(pack.str_pattern("PII-PLATE-CN", k)
                           for k in ("provinces", "separator", "new_energy", "ordinary")))
    out = []
    for m in regex.finditer(project(text)):
        raw = text[m.start():m.end()]
        value = re.sub(r"[·•．.\-\s]", "", m.group(0)).upper()
        if m.group("ne"):
            base, reason = scores["new_energy"], "new-energy plate"
        elif sum(c.isdigit() for c in m.group("ord")) >= 2:
            base, reason = scores["ordinary"], "plate"
        else:
            base, reason = scores["ordinary_letters"], "plate, few digits"
        e = _entity(text, "PII-PLATE-CN", m.start(), m.end(), value, True, base, pack, reason)
        if e is not None and raw:
            out.append(e)
    return out


def recognise_vins(text: str, pack: PiiPack) -> list[PiiEntity]:
    scores = pack.entity("PII-VIN").scores
    regex = re.compile(pack.str_pattern("PII-VIN", "vin"))
    out = []
    for m in regex.finditer(project(text)):
        value = m.group(0).upper()
        letters = sum(c.isalpha() for c in value)
        if letters == 0 or letters > 12:
            continue  # all digits is a number; mostly letters is a word or code, not a VIN
        ok = vin_valid(value)
        e = _entity(text, "PII-VIN", m.start(), m.end(), value, ok,
                    scores["valid"] if ok else scores["check_wrong"], pack,
                    "ISO 3779 check digit" + ("" if ok else " wrong"))
        if e is not None:
            out.append(e)
    return out


# --- addresses ----------------------------------------------------------------------

_FINE = ("town", "village", "road", "num", "comm", "bld", "unit", "floor", "room")
_NUMBERED = ("num", "bld", "unit", "room", "group")


@lru_cache(maxsize=8)
def address_regex(provinces: tuple[str, ...], excludes: str, numeral: str) -> re.Pattern[str]:
    name = rf"[^\W\d_{re.escape(excludes)}]"
    n = numeral
    parts = [
        rf"(?P<prov>(?:{'|'.join(map(re.escape, provinces))})"
        r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?)",
        rf"(?P<city>{name}{{1,6}}?(?:市|自治州|地区|盟))",
        # 小区/社区/园区 end in 区 but are estates, not districts.
        rf"(?P<dist>{name}{{1,6}}?(?<![小社园景校])(?:区|县|旗))",
        rf"(?P<town>{name}{{1,6}}?(?:街道|镇|乡))",
        rf"(?P<village>{name}{{1,6}}?(?:村|屯))(?P<group>{n}{{1,3}}组)?",
        rf"(?P<road>{name}{{1,8}}?(?:大道|大街|路|街|巷|胡同|里弄|[东南西北中]{n}?道)"
        rf"(?:{n}{{1,2}}段)?)",
        rf"(?P<num>{n}{{1,6}}(?:号院|号(?!楼)|弄))",
        rf"(?P<comm>{name}{{1,10}}?(?:小区|花园|花苑|家园|公寓|新村|新城|社区|大厦|公馆|华府|宿舍|"
        rf"名苑|雅苑|嘉园|佳园|广场|大楼|大院)|{name}{{2,8}}?(?:苑|园|湾|城))(?:{n}{{1,2}}期)?",
        r"(?P<bld>[A-Za-z0-9十百零一二三四五六七八九]{1,4}(?:号楼|栋|幢|座|号院))",
        rf"(?P<unit>{n}{{1,3}}单元)",
        rf"(?P<floor>{n}{{1,3}}(?:楼|层))",
        rf"(?P<room>{n}{{2,5}}(?:室|房|户|号)?(?![0-9]))",
    ]
    return re.compile("".join(rf"(?:{p}\s?)?" for p in parts))


def recognise_addresses(text: str, pack: PiiPack) -> list[PiiEntity]:
    scores = pack.entity("PII-ADDRESS").scores
    regex = address_regex(pack.list_pattern("PII-ADDRESS", "provinces"),
                          pack.str_pattern("PII-ADDRESS", "name_excludes"),
                          pack.str_pattern("PII-ADDRESS", "numeral"))
    strip = pack.list_pattern("PII-ADDRESS", "strip_prefixes")
    out = []
    for start, end, found in _address_chunks(text, regex):
        fine = found & set(_FINE)
        # Rooms/floors right after admin areas only (南京市 5楼) are not a street address.
        named_fine = fine & {"town", "village", "road", "comm"}
        numbered = bool(found & set(_NUMBERED))
        if not named_fine and len(fine & {"bld", "unit", "room", "floor"}) < 2:
            continue
        if found & {"room", "floor"} and not found & {"bld", "unit", "floor", "num", "comm"}:
            continue  # a bare number after a road name is not a room
        for p in strip:
            if text.startswith(p, start) and end - start > len(p) + 2:
                start += len(p)
                break
        count = len(found - {"group"})
        if count == 1 and not numbered:
            base = scores["single_component"]
        else:
            base = scores["base"] + scores["per_component"] * min(count, 4) \
                + (scores["numbered"] if numbered else 0.0)
        e = _entity(text, "PII-ADDRESS", start, end, text[start:end], True, min(base, 0.95),
                    pack, "address: " + "+".join(sorted(found)))
        if e is not None:
            out.append(e)
    return out


def _address_chunks(text: str, regex: re.Pattern[str]) -> list[tuple[int, int, set[str]]]:
    """Address matches, with touching ones merged: speech does not keep the textbook
    order (科技园南区高新南七道), and one pass of the pattern takes parts in order only."""
    chunks: list[tuple[int, int, set[str]]] = []
    for m in regex.finditer(text):
        if m.end() == m.start():
            continue
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        found = {k for k, v in m.groupdict().items() if v}
        if chunks and m.start() - chunks[-1][1] <= 1 and \
                text[chunks[-1][1]:m.start()].strip() == "":
            prev = chunks.pop()
            chunks.append((prev[0], end, prev[2] | found))
        else:
            chunks.append((m.start(), end, found))
    return chunks


# --- all ------------------------------------------------------------------------------

def _overlaps(a: PiiEntity, b: PiiEntity) -> bool:
    return a.start < b.end and b.start < a.end


def detect_entities(text: str, pack: PiiPack, min_score: float = 0.0) -> tuple[PiiEntity, ...]:
    """All PII in ``text`` (raw or normalised), non-overlapping, in text order.

    Offsets are in ``text``. Low-scoring candidates (failed check digits without
    context) are included down to ``min_score`` so callers can see and audit them.
    """
    if not text:
        return ()
    cands = (recognise_numbers(text, pack) + recognise_vins(text, pack)
             + recognise_plates(text, pack) + recognise_addresses(text, pack))
    kept: list[PiiEntity] = []
    for e in sorted(cands, key=lambda e: (-e.score, -(e.end - e.start), e.start)):
        if e.score >= min_score and not any(_overlaps(e, k) for k in kept):
            kept.append(e)
    return tuple(sorted(kept, key=lambda e: e.start))
