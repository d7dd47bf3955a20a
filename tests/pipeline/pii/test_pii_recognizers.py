import pytest

from pipeline.mandarin import normalise_text
from pipeline.pii import PiiPack, detect_entities, load_pii_pack
from pipeline.pii.validators import id_check_char, luhn_check_digit, vin_check_char


@pytest.fixture(scope="module")
def pack() -> PiiPack:
    return load_pii_pack()


def _ids(text: str, pack: PiiPack) -> list[tuple[str, str, bool]]:
    return [(e.entity_id, e.text, e.valid) for e in detect_entities(text, pack)
            if e.score >= pack.thresholds.detect]


def _valid_id() -> str:
    first = "32010219900307123"
    return first + id_check_char(first)


def test_spoken_mobile_raw_and_normalised_offsets(pack: PiiPack) -> None:
    raw = "我手机号是幺三八 零零一二 三四五六，你记一下"
    (e,) = detect_entities(raw, pack)
    assert e.entity_id == "PII-MOBILE-CN" and e.value == "13800123456"
    assert raw[e.start:e.end] == "幺三八 零零一二 三四五六"
    norm = normalise_text(raw)
    (n,) = detect_entities(norm, pack)
    assert norm[n.start:n.end] == "138 0012 3456" and n.value == e.value


@pytest.mark.parametrize("written", ["一三八零零一二三四五六", "138-0012-3456", "幺三八杠零零一二杠三四五六",
                                     "+86 138 0012 3456"])
def test_mobile_forms(written: str, pack: PiiPack) -> None:
    assert [i for i, _, _ in _ids("电话" + written, pack)] == ["PII-MOBILE-CN"]


def test_resident_id_valid_and_wrong_check_digit(pack: PiiPack) -> None:
    good = _valid_id()
    assert _ids(f"身份证号{good}", pack) == [("PII-ID-CN", good, True)]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    (e,) = detect_entities(f"身份证号{bad}", pack)
    assert e.entity_id == "PII-ID-CN" and not e.valid  # reported, not dropped
    (bare,) = detect_entities(f"请记下{bad}", pack)
    assert not bare.valid and bare.score < pack.thresholds.mask  # low score without context


def test_spoken_id_with_x(pack: PiiPack) -> None:
    text = "身份证幺幺零幺零五幺九四九幺二三幺零零二叉"
    (e,) = detect_entities(text, pack)
    assert e.value == "11010519491231002X" and e.valid and e.end == len(text)


def test_bank_card_luhn(pack: PiiPack) -> None:
    body = "622202123456789012"
    card = body + luhn_check_digit(body)
    spaced = " ".join(card[i:i + 4] for i in range(0, 19, 4))
    assert _ids(f"卡号{spaced}", pack) == [("PII-BANKCARD", spaced, True)]
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    (e,) = detect_entities(f"还款卡{wrong}", pack)
    assert e.entity_id == "PII-BANKCARD" and not e.valid


@pytest.mark.parametrize("plate", ["粤B·D12345", "京AD12345", "沪A12345D", "苏E12345", "浙A 8K2N1",
                                   "粤B一二三四五"])
def test_plates(plate: str, pack: PiiPack) -> None:
    assert _ids(f"车牌号{plate}", pack) == [("PII-PLATE-CN", plate, True)]
    assert _ids(f"{plate}这辆车", pack)[0][0] == "PII-PLATE-CN"


def test_vin(pack: PiiPack) -> None:
    vin = "LSVAB4187F2" + "123456"
    vin = vin[:8] + str(vin_check_char(vin)) + vin[9:]
    assert _ids(f"车架号{vin}", pack) == [("PII-VIN", vin, True)]
    wrong = vin[:8] + ("0" if vin[8] != "0" else "1") + vin[9:]
    (e,) = detect_entities(f"车架号{wrong}", pack)
    assert not e.valid and e.entity_id == "PII-VIN"


def test_address(pack: PiiPack) -> None:
    text = "我住在江苏省南京市鼓楼区中山路一百二十八号阳光小区3栋2单元502室，你来吧"
    (e,) = detect_entities(text, pack)
    assert e.entity_id == "PII-ADDRESS"
    assert e.text == "江苏省南京市鼓楼区中山路一百二十八号阳光小区3栋2单元502室"


@pytest.mark.parametrize("text", [
    "这个月欠款23500元，下个月再还", "2024年3月5日前必须还清", "下午3点半给你回电话", "合同号HT202403150012",
    "订单号202403151234567890", "你已经于七三十天了，为约金一千二", "南京市今天下雨", "我在公司上班",
    "他一五一十都说了", "座机025-83451234", "第12期还款日是每月15号",
])
def test_hard_negatives(text: str, pack: PiiPack) -> None:
    assert _ids(text, pack) == []


def test_negative_context_lowers_score(pack: PiiPack) -> None:
    body = "622202123456789"
    number = body + luhn_check_digit(body)
    with_card = detect_entities(f"卡号{number}", pack)[0].score
    with_contract = detect_entities(f"合同编号{number}", pack)[0].score
    assert with_contract < pack.thresholds.detect < with_card
