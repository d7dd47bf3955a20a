from datetime import date

from pipeline.pii.validators import (
    check_resident_id,
    id_check_char,
    luhn_check_digit,
    luhn_valid,
    mobile_shape,
    mobile_valid,
    vin_check_char,
    vin_valid,
)


def test_resident_id_check_digit_gb11643() -> None:
    # The worked example from GB 11643-1999.
    assert id_check_char("11010519491231002") == "X"
    check = check_resident_id("11010519491231002X")
    assert check is not None and check.valid
    assert check_resident_id("11010519491231002x") == check  # lower-case x as typed


def test_resident_id_parts_fail_separately() -> None:
    wrong_check = check_resident_id("110105194912310021")
    assert wrong_check is not None and not wrong_check.valid and wrong_check.structure
    first = "99010519491231002"  # 99 is no province
    bad_region = check_resident_id(first + id_check_char(first))
    assert bad_region is not None and not bad_region.region and bad_region.check_digit
    first = "11010519491331002"  # month 13
    assert not check_resident_id(first + id_check_char(first)).birth_date  # type: ignore[union-attr]
    first = "11010520991231002"  # born in the future
    check = check_resident_id(first + id_check_char(first), today=date(2026, 1, 1))
    assert check is not None and not check.birth_date


def test_legacy_fifteen_digit_id() -> None:
    ok = check_resident_id("110105491231002")
    assert ok is not None and ok.valid
    bad = check_resident_id("110105491331002")
    assert bad is not None and not bad.valid
    assert check_resident_id("1234567890") is None


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    body = "622202123456789012"
    assert luhn_valid(body + luhn_check_digit(body))
    assert not luhn_valid("abc")


def test_vin_check_digit_iso3779() -> None:
    assert vin_check_char("1M8GDM9AXKP042788") == "X"  # textbook example
    assert vin_valid("1M8GDM9AXKP042788")
    assert not vin_valid("1M8GDM9A1KP042788")
    assert not vin_valid("1M8GDM9AXKP04278")  # 16 characters
    assert vin_check_char("IM8GDM9AXKP042788") is None  # I is not a VIN character


def test_mobile() -> None:
    assert mobile_shape("13800123456") and mobile_valid("13800123456")
    assert mobile_shape("14000123456") and not mobile_valid("14000123456")
    assert not mobile_shape("12800123456")
    assert not mobile_shape("1380012345")
