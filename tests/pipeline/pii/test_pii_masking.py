import logging

import pytest

from pipeline.pii import (
    PiiLogFilter,
    PiiPack,
    detect_entities,
    load_pii_pack,
    mask_text,
    may_see_raw,
    redact_text,
)
from pipeline.pii.masking import mask_value
from pipeline.pii.validators import id_check_char

FIRST17 = "32010219900307123"
RAW_ID = FIRST17 + id_check_char(FIRST17)


@pytest.fixture(scope="module")
def pack() -> PiiPack:
    return load_pii_pack()


@pytest.mark.parametrize(("eid", "raw", "masked"), [
    ("PII-ID-CN", RAW_ID, "3201" + "*" * 10 + RAW_ID[-4:]),
    ("PII-MOBILE-CN", "幺三八 零零一二 五六七八", "138****5678"),
    ("PII-MOBILE-CN", "+86 138 0012 5678", "138****5678"),
    ("PII-BANKCARD", "6222 0212 3456 7890 123", "6222 **** **** 0123"),
    ("PII-PLATE-CN", "粤B·D12345", "粤B·****45"),
    ("PII-PLATE-CN", "苏E12345", "苏E·***45"),
    ("PII-VIN", "lsvab4187f2123456", "LSV**********3456"),
    ("PII-ADDRESS", "江苏省南京市鼓楼区中山路128号", "江苏省南京市***"),
    ("PII-ADDRESS", "阳光小区3栋2单元502室", "***"),
])
def test_mask_value(eid: str, raw: str, masked: str, pack: PiiPack) -> None:
    assert mask_value(eid, raw, pack) == masked


def test_mask_text_replaces_spans(pack: PiiPack) -> None:
    text = f"身份证{RAW_ID}，电话13800125678，住在南京市鼓楼区中山路128号"
    spans = detect_entities(text, pack)
    masked = mask_text(text, spans, pack)
    assert RAW_ID not in masked and "13800125678" not in masked and "中山路" not in masked
    assert masked == "身份证3201**********" + RAW_ID[-4:] + "，电话138****5678，住在南京市***"
    assert text.startswith("身份证" + RAW_ID)  # input untouched


def test_outgoing_text_masks_raw_id(pack: PiiPack) -> None:
    out = redact_text(f"导出：借款人身份证号 {RAW_ID} 已核实", pack)
    assert RAW_ID not in out and "3201" in out


def test_log_filter_masks_raw_id(pack: PiiPack, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("callqa.test.pii")
    caplog.handler.addFilter(PiiLogFilter(pack))
    try:
        with caplog.at_level(logging.INFO, logger="callqa.test.pii"):
            logger.info("borrower said id %s and phone %s", RAW_ID, "幺三八零零一二五六七八")
            try:
                raise ValueError(f"bad id {RAW_ID}")
            except ValueError:
                logger.exception("failed")
    finally:
        caplog.handler.filters.clear()
    assert RAW_ID not in caplog.text and "幺三八零零一二五六七八" not in caplog.text
    assert "3201**********" in caplog.text and "138****5678" in caplog.text
    assert "failed" in caplog.text and "Traceback" in caplog.text


def test_may_see_raw() -> None:
    assert may_see_raw("admin")
    for role in ("auditor", "trainer", "risk_officer", "nobody"):
        assert not may_see_raw(role)
    assert may_see_raw("risk_officer", raw_roles=("admin", "risk_officer"))
