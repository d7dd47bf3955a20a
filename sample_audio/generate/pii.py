"""Check-digit validators for the personal data spoken in the sample corpus.

Standard library only, so the corpus validator runs in any environment.
"""

from __future__ import annotations

import re
from datetime import date

_CN_DIGITS = {"零": "0", "〇": "0", "洞": "0", "幺": "1", "一": "1", "二": "2", "两": "2",
              "三": "3", "四": "4", "五": "5", "六": "6", "拐": "7", "七": "7", "八": "8",
              "九": "9", "勾": "9"}

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
# first two digits of GB/T 2260 province-level codes
_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
_VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def spoken_digits(text: str) -> str:
    """'幺三八 零零一二' -> '1380012'; ASCII digits and X are kept; the rest dropped."""
    out = []
    for ch in text:
        if ch.isdigit() and ch.isascii():
            out.append(ch)
        elif ch in _CN_DIGITS:
            out.append(_CN_DIGITS[ch])
        elif ch in "Xx叉":
            out.append("X")
    return "".join(out)


def id_check_digit(first17: str) -> str:
    s = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[s % 11]


def valid_resident_id(text: str) -> bool:
    v = spoken_digits(text).upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        return False
    if v[:2] not in _PROVINCES:
        return False
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date(2026, 12, 31):
        return False
    return id_check_digit(v[:17]) == v[17]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def valid_bankcard(text: str) -> bool:
    v = spoken_digits(text)
    return bool(re.fullmatch(r"\d{16,19}", v)) and luhn_ok(v)


def valid_mobile(text: str) -> bool:
    return bool(re.fullmatch(r"1[3-9]\d{9}", spoken_digits(text)))


def vin_check_digit(vin: str) -> str:
    s = sum(_VIN_VALUES[c] * w for c, w in zip(vin.upper(), _VIN_WEIGHTS, strict=True))
    r = s % 11
    return "X" if r == 10 else str(r)


def valid_vin(text: str) -> bool:
    v = re.sub(r"[\s·]", "", text).upper()
    if not re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", v):
        return False
    return vin_check_digit(v) == v[8]


def valid_plate(text: str) -> bool:
    v = re.sub(r"[\s·]", "", text).upper()
    if not v or v[0] not in PLATE_PROVINCES:
        return False
    body = v[1:]
    # ordinary 7-char plate: letter + 5 alnum; new-energy 8-char: letter + D/F + 5 alnum
    return bool(
        re.fullmatch(r"[A-HJ-NP-Z][A-HJ-NP-Z0-9]{5}", body)
        or re.fullmatch(r"[A-HJ-NP-Z][DF][A-HJ-NP-Z0-9]{5}", body)
        or re.fullmatch(r"[A-HJ-NP-Z][A-HJ-NP-Z0-9]{5}[DF]", body)
    )


def valid_address(text: str) -> bool:
    return bool(re.search(r"(省|市|区|县|镇|乡|村|路|街|道|巷|弄|号|小区|栋|楼|单元|室)", text))


VALIDATORS = {
    "PII-ID-CN": valid_resident_id,
    "PII-MOBILE-CN": valid_mobile,
    "PII-BANKCARD": valid_bankcard,
    "PII-PLATE-CN": valid_plate,
    "PII-VIN": valid_vin,
    "PII-ADDRESS": valid_address,
}


def is_valid(pii_id: str, text: str) -> bool:
    return VALIDATORS[pii_id](text)


def make_resident_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


def make_vin(vin_with_placeholder: str) -> str:
    v = vin_with_placeholder.upper()
    v = v[:8] + "0" + v[9:]
    return v[:8] + vin_check_digit(v) + v[9:]


def make_bankcard(prefix15or18: str) -> str:
    for d in "0123456789":
        if luhn_ok(prefix15or18 + d):
            return prefix15or18 + d
    raise AssertionError("unreachable")
