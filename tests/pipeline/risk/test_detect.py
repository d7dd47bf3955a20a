"""extract_risks on small conversations: roles, polarity, evidence, slots, level."""

from __future__ import annotations

from dataclasses import replace

from pipeline.conversation import Turn
from pipeline.risk import RiskPack, extract_risks
from tests.pipeline.risk.conftest import conversation


def test_agent_speech_is_not_read(pack: RiskPack) -> None:
    conv = conversation(("agent", "您的车是不是卖了？是不是失业了？"), ("borrower", "嗯，你说。"))
    result = extract_risks(conv, pack)
    assert result.signals == ()
    assert result.level == "low" and result.score == 0


def test_evidence_points_at_the_turn(pack: RiskPack) -> None:
    conv = conversation(("agent", "最近情况怎么样？"), ("borrower", "不好，我失业了，车也卖了。"))
    result = extract_risks(conv, pack)
    ids = {s.signal_id for s in result.signals}
    assert {"RISK-INCOME", "RISK-VEHICLE-CONTROL"} <= ids
    income = next(s for s in result.signals if s.signal_id == "RISK-INCOME")
    ev = income.evidence
    assert (ev.turn, ev.role, ev.speaker, ev.start, ev.end) == (1, "borrower", "ch1", 5.0, 9.0)
    assert "失业" in ev.quote and ev.method == "exact" and not ev.uncertain


def test_third_party_speech_counts(pack: RiskPack) -> None:
    conv = conversation(("agent", "请问张先生在吗？"), ("third_party", "他老婆说车被他弟开走了"))
    result = extract_risks(conv, pack)
    control = [s for s in result.signals if s.signal_id == "RISK-VEHICLE-CONTROL"]
    assert control and control[0].polarity == "asserted"
    assert control[0].evidence.role == "third_party"
    assert control[0].slot_map["counterparty"] == "relative"
    assert result.level == "critical"


def test_negated_and_hypothetical_never_raise_risk(pack: RiskPack) -> None:
    conv = conversation(
        ("agent", "车还在您手上吗？"),
        ("borrower", "车没卖，也没抵押给别人。"),
        ("agent", "工作稳定吗？"),
        ("borrower", "要是下个月还没工作，那我就真还不上了。"),
        ("borrower", "我没有失业，也不会投诉。"),
    )
    result = extract_risks(conv, pack)
    assert result.signals, "the hits must still be reported, with their polarity"
    assert {s.polarity for s in result.signals} <= {"negated", "hypothetical"}
    assert all(s.weight == 0 for s in result.signals)
    assert result.score == 0 and result.level == "low"
    assert any("no weight" in line for line in result.explanation)


def test_asserted_twin_raises(pack: RiskPack) -> None:
    """The same words without the cue do raise risk: the test above can fail."""
    conv = conversation(("borrower", "车卖了，也抵押给别人了。"), ("borrower", "我失业了。"))
    result = extract_risks(conv, pack)
    assert result.level == "critical" and result.score >= 8


def test_asr_misspelling_is_uncertain(pack: RiskPack) -> None:
    conv = conversation(("borrower", "我被才员了"))
    result = extract_risks(conv, pack)
    income = next(s for s in result.signals if s.signal_id == "RISK-INCOME")
    assert income.evidence.method == "pinyin" and income.evidence.uncertain
    assert income.weight == pack.weight("RISK-INCOME") * pack.spec.uncertain_factor


def test_low_confidence_turn_is_uncertain(pack: RiskPack) -> None:
    conv = conversation(("borrower", "我失业了"))
    low = replace(conv, turns=(replace(conv.turns[0], confidence=0.2),))
    s = extract_risks(low, pack).signals[0]
    assert s.evidence.uncertain and s.evidence.method == "exact"


def test_ptp_slots_with_agent_proposal(pack: RiskPack) -> None:
    conv = conversation(("agent", "那您这周五能先还两千吗？"), ("borrower", "行，周五一定还。"))
    ptp = next(s for s in extract_risks(conv, pack).signals if s.signal_id == "RISK-PTP")
    assert ptp.polarity == "asserted"
    assert ptp.slot_map["date"] == "2026-03-06"
    assert ptp.slot_map["amount"] == 2000


def test_ptp_unresolved_date_keeps_phrase(pack: RiskPack) -> None:
    conv = conversation(("borrower", "发工资那天还三千块"))
    ptp = next(s for s in extract_risks(conv, pack).signals if s.signal_id == "RISK-PTP")
    assert ptp.slot_map["date"] is None
    assert ptp.slot_map["date_phrase"] == "发工资那天"
    assert ptp.slot_map["amount"] == 3000


def test_ptp_without_call_time_has_no_date(pack: RiskPack) -> None:
    conv = conversation(("borrower", "明天还两千"), started_at=None)
    ptp = next(s for s in extract_risks(conv, pack).signals if s.signal_id == "RISK-PTP")
    assert ptp.slot_map["date"] is None and ptp.slot_map["amount"] == 2000


def test_input_is_not_modified(pack: RiskPack) -> None:
    conv = conversation(("borrower", "我失业了"))
    before = (conv.turns, conv.meta)
    extract_risks(conv, pack)
    assert (conv.turns, conv.meta) == before


def test_turn_text_is_normalised_again(pack: RiskPack) -> None:
    """A caller passing raw text (traditional characters, Chinese numerals) still gets slots."""
    conv = conversation(("borrower", "這週五還兩千五"))
    ptp = next(s for s in extract_risks(conv, pack).signals if s.signal_id == "RISK-PTP")
    assert ptp.slot_map["amount"] == 2500 and ptp.slot_map["date"] == "2026-03-06"


def test_unknown_role_is_skipped(pack: RiskPack) -> None:
    conv = conversation(("borrower", "我失业了"))
    unknown = replace(conv, turns=(Turn(0, "S1", "unknown", None, None, "我失业了"),))
    assert extract_risks(unknown, pack).signals == ()


def test_denied_lien_is_on_record_without_risk(pack: RiskPack) -> None:
    conv = conversation(("agent", "车有没有抵押给别人？"), ("borrower", "车在楼下停着呢，质押也没有。"))
    result = extract_risks(conv, pack)
    lien = [s for s in result.signals if s.signal_id == "RISK-VEHICLE-LIEN"]
    assert [s.polarity for s in lien] == ["negated"] and lien[0].weight == 0
    assert result.level == "low"


def test_pronoun_party_refers_to_the_question(pack: RiskPack) -> None:
    """车子判给她了 after 车现在是前妻在开吗？: 她 is the former wife."""
    conv = conversation(("agent", "离婚以后车现在是前妻在开吗？"),
                        ("borrower", "是，车子判给她了，她天天开。"))
    control = next(s for s in extract_risks(conv, pack).signals
                   if s.signal_id == "RISK-VEHICLE-CONTROL")
    assert control.polarity == "asserted" and control.slot_map["counterparty"] == "spouse"


def test_short_answer_is_located_and_slotted(pack: RiskPack) -> None:
    conv = conversation(("agent", "这车现在谁在用呀？"), ("borrower", "基本是我们厂里在用，送送货。"))
    user = next(s for s in extract_risks(conv, pack).signals if s.signal_id == "RISK-VEHICLE-USER")
    assert user.polarity == "asserted" and user.evidence.turn == 1
    assert user.slot_map["user"] == "company"


def test_offer_with_a_question_tag_keeps_its_slots(pack: RiskPack) -> None:
    conv = conversation(("borrower", "礼拜三，礼拜三我先转一千八过去成不成？"))
    ptp = next(s for s in extract_risks(conv, pack).signals if s.signal_id == "RISK-PTP")
    assert ptp.polarity == "asserted"
    assert ptp.slot_map["amount"] == 1800 and ptp.slot_map["date"] == "2026-03-04"


def test_two_promises_in_one_turn(pack: RiskPack) -> None:
    """A part now and the rest later are two promises, the rest without a number."""
    conv = conversation(("borrower", "礼拜五先还一千二，剩下的月底前结清。"))
    ptps = [s for s in extract_risks(conv, pack).signals if s.signal_id == "RISK-PTP"]
    terms = sorted((s.slot_map["date"], s.slot_map["amount"]) for s in ptps)
    assert terms == [("2026-03-06", 1200), ("2026-03-31", None)]
    rest = next(s for s in ptps if s.slot_map["amount"] is None)
    assert rest.slot_map["amount_phrase"] == "剩下的"


def test_one_promise_said_twice_is_one_signal(pack: RiskPack) -> None:
    conv = conversation(("borrower", "周五还两千，肯定还，周五一定还上。"))
    ptps = [s for s in extract_risks(conv, pack).signals if s.signal_id == "RISK-PTP"]
    assert len(ptps) == 1 and ptps[0].slot_map["amount"] == 2000
