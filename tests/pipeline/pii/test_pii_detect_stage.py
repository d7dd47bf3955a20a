from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.pii import detect_pii, load_pii_pack
from pipeline.pii.validators import id_check_char


def test_detect_pii_over_turns() -> None:
    first = "44030519851120123"
    pid = first + id_check_char(first)
    turns = (
        Turn(0, "ch0", "agent", 0.0, 3.0, "您好，请核对一下您的身份证号码。"),
        Turn(1, "ch1", "borrower", 3.0, 9.0, f"身份证是{pid}，车牌粤B·D12345"),
        Turn(2, "ch1", "borrower", 9.0, 12.0, "这个月欠款23500元下周还"),
    )
    conv = Conversation(CallMeta(call_id="c1", kind="callback"), turns)
    spans = detect_pii(conv, load_pii_pack())
    assert [(s.entity_id, s.turn) for s in spans] == [("PII-ID-CN", 1), ("PII-PLATE-CN", 1)]
    id_span = spans[0]
    assert turns[1].text[id_span.start:id_span.end] == pid
    assert id_span.masked == "4403**********" + pid[-4:] and id_span.valid
    assert spans[1].masked == "粤B·****45"
