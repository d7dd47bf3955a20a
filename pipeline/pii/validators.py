"""Check-digit and structure validators for Chinese personal identifiers.

Each validator takes the canonical value (ASCII digits / upper-case letters) and
answers a plain question; scoring lives in the recognisers so a failed check can
lower confidence instead of dropping a span that is still personal data (an ASR
error in one digit does not make an ID number any less personal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# GB/T 2260 province-level codes: the first two digits of a resident ID.
PROVINCE_CODES: frozenset[str] = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643 ISO 7064 mod 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _valid_date(year: int, month: int, day: int, today: date | None = None) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


@dataclass(frozen=True)
class IdCheck:
    """Which parts of a resident ID number hold up."""

    region: bool
    birth_date: bool
    check_digit: bool  # always True for the 15-digit legacy form, which has none

    @property
    def valid(self) -> bool:
        return self.region and self.birth_date and self.check_digit

    @property
    def structure(self) -> bool:
        """Region and birth date fine: looks like an ID even if the check digit is off."""
        return self.region and self.birth_date


def check_resident_id(value: str, today: date | None = None) -> IdCheck | None:
    """Validate an 18-digit (or 15-digit legacy) resident ID; None when the shape is wrong."""
    value = value.upper()
    if len(value) == 18 and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X"):
        region = value[:2] in PROVINCE_CODES
        born = _valid_date(int(value[6:10]), int(value[10:12]), int(value[12:14]), today)
        return IdCheck(region, born, id_check_char(value[:17]) == value[17])
    if len(value) == 15 and value.isdigit():
        # Legacy IDs (before 1999) carry a two-digit year in the 1900s and no check digit.
        region = value[:2] in PROVINCE_CODES
        born = _valid_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]), today)
        return IdCheck(region, born, True)
    return None


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial + digit`` pass Luhn (used to build fixtures)."""
    for d in "0123456789":
        if luhn_valid(partial + d):
            return d
    raise ValueError(partial)  # unreachable for digit strings


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_char(vin: str) -> str | None:
    """ISO 3779 / GB 16735 check character (position 9) for a 17-character VIN."""
    vin = vin.upper()
    if len(vin) != 17 or any(c not in _VIN_VALUES for c in vin):
        return None
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def vin_valid(vin: str) -> bool:
    expected = vin_check_char(vin)
    return expected is not None and vin.upper()[8] == expected


# Mainland mobile number blocks in use (MIIT allocations, incl. IoT-free 14x/16x/19x).
_MOBILE_PREFIXES: frozenset[str] = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + ["162", "165", "166", "167"]
    + [f"17{d}" for d in range(9)]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
)


def mobile_valid(digits: str) -> bool:
    """11 digits in an allocated mobile block."""
    return len(digits) == 11 and digits.isdigit() and digits[:3] in _MOBILE_PREFIXES


def mobile_shape(digits: str) -> bool:
    """1[3-9] + 9 digits: the pattern every mainland mobile number follows."""
    return len(digits) == 11 and digits.isdigit() and digits[0] == "1" and digits[1] in "3456789"
