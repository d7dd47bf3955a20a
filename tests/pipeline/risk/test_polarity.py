"""Polarity rules beyond a cue before the hit: denials after their topic, conditions
that open a clause, offers, hedges, echoed questions, and whose situation it is.

Negated and hypothetical signals must never raise the risk level: every case
with such a polarity also checks the weight and the level.
"""

from __future__ import annotations

import pytest

from pipeline.risk import RiskPack, extract_risks
from pipeline.risk.polarity import trailing_denial
from tests.pipeline.risk.conftest import conversation


def _polarities(pack: RiskPack, signal_id: str, *turns: tuple[str, str]) -> list[str]:
    result = extract_risks(conversation(*turns), pack)
    found = [s for s in result.signals if s.signal_id == signal_id]
    if all(s.polarity != "asserted" for s in found):
        assert all(s.weight == 0 for s in found)
    return [s.polarity for s in found]


def _never_asserted(pack: RiskPack, *turns: tuple[str, str]) -> None:
    result = extract_risks(conversation(*turns), pack)
    assert all(s.polarity != "asserted" for s in result.signals), result.signals
    assert result.score == 0 and result.level == "low"


# --- a denial after its topic -------------------------------------------------

@pytest.mark.parametrize(("text", "signal_id"), [
    ("花呗借呗那些，我一个都没开通过", "RISK-OTHER-DEBT"),           # topic, then 一笔都没有
    ("白条啥的，俺从来没碰过", "RISK-OTHER-DEBT"),             # next clause of the sentence
    ("高利贷那玩意儿可要命，我压根不敢沾", "RISK-OTHER-DEBT"),
    ("你讲的二次抵押，反正我没办过", "RISK-VEHICLE-LIEN"),     # echo, settled by the denial
    ("二押？那肯定没有", "RISK-VEHICLE-LIEN"),                 # echoed question, answered
])
def test_denial_after_the_topic(pack: RiskPack, text: str, signal_id: str) -> None:
    assert _polarities(pack, signal_id, ("borrower", text)) == ["negated"]


@pytest.mark.parametrize(("text", "signal_id"), [
    ("借呗我没还上，还欠着呢", "RISK-OTHER-DEBT"),             # 没还上 is not a denial of 借呗
    ("我失业了，没有收入", "RISK-INCOME"),
    ("信用卡也逾期了，一分钱都没有", "RISK-OTHER-DEBT"),       # no money, not no card
    ("车给我弟开了，我没开过几回", "RISK-VEHICLE-USER"),
])
def test_other_negations_after_a_hit_do_not_deny_it(pack: RiskPack, text: str,
                                                    signal_id: str) -> None:
    assert "asserted" in _polarities(pack, signal_id, ("borrower", text))


def test_trailing_denial_forms(pack: RiskPack) -> None:
    cues = pack.spec.cues
    for denial in ("啥的我一个都没有", "反正我没弄过", "也没有", "我可不敢碰", "都莫得"):
        assert trailing_denial(denial, cues), denial
    for other in ("我没还上", "没有收入", "一分钱都没有", "没办法", "还有两家"):
        assert trailing_denial(other, cues) is None, other


# --- denial patterns: a denied lien is on record, never risk ------------------

@pytest.mark.parametrize("text", ["车好好的，抵押也没有", "没卖车，也没抵押", "质押啥的从来没做过",
                                  "二押？没有"])
def test_lien_denials_are_recorded_negated(pack: RiskPack, text: str) -> None:
    assert _polarities(pack, "RISK-VEHICLE-LIEN", ("borrower", text)) == ["negated"]
    _never_asserted(pack, ("borrower", text))


def test_a_lien_stated_is_still_asserted(pack: RiskPack) -> None:
    assert "asserted" in _polarities(pack, "RISK-VEHICLE-LIEN",
                                     ("borrower", "车又抵押给另一家公司了"))


# --- conditions -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "signal_id"), [
    # a long condition clause: the cue is far from the hit
    ("要是公司下个月还是一直拖着不给我们发钱的话，我这期可能得晚几天", "RISK-HARDSHIP"),
    ("假如明年开春工地那边的活儿还是接不上，我就只能把车卖了", "RISK-VEHICLE-CONTROL"),
    # 实在不行 / 大不了 open a fallback, 只能 does not end it
    ("实在不行……我只能去网上借点", "RISK-OTHER-DEBT"),
    ("大不了我把车处理掉", "RISK-VEHICLE-CONTROL"),
    # 再不行 at the start of the clause, after a lead-in
    ("那再不行就让我哥开着跑跑车", "RISK-VEHICLE-USER"),
    # 不过 inside 忙不过来 is no breaker
    ("要是忙不过来就让我表弟开几天", "RISK-VEHICLE-USER"),
])
def test_condition_reaches_the_hit(pack: RiskPack, text: str, signal_id: str) -> None:
    assert _polarities(pack, signal_id, ("borrower", text)) == ["hypothetical"]
    _never_asserted(pack, ("borrower", text))


@pytest.mark.parametrize(("text", "signal_id"), [
    ("这个月实在不行，车都已经卖了", "RISK-VEHICLE-CONTROL"),   # a fact, not a fallback
    ("生意实在不行了，店都关了", "RISK-INCOME"),
    ("钱的话，我后天就去还", "RISK-PTP"),                       # 钱的话 is a topic
    ("如果你问我，我现在已经失业了", "RISK-INCOME"),  # 现在/已经 end the condition
])
def test_facts_are_not_conditions(pack: RiskPack, text: str, signal_id: str) -> None:
    assert "asserted" in _polarities(pack, signal_id, ("borrower", text))


def test_condition_is_a_topic_or_a_condition_by_its_length(pack: RiskPack) -> None:
    assert _polarities(pack, "RISK-PTP", ("borrower", "没钱的话，我就先还一部分")) == ["hypothetical"]
    assert "asserted" in _polarities(pack, "RISK-PTP", ("borrower", "这个月的话，月底还两千"))


# --- offers and hedges ------------------------------------------------------------

@pytest.mark.parametrize("text", ["礼拜四我先还一千五，行吗？", "下周三先转两千过去可不可以？",
                                  "明天还八百，你看中不中？", "后天先打三千好不好"])
def test_an_offer_to_pay_is_a_promise(pack: RiskPack, text: str) -> None:
    assert "asserted" in _polarities(pack, "RISK-PTP", ("borrower", text))


def test_a_question_about_paying_is_not_a_promise(pack: RiskPack) -> None:
    assert "asserted" not in _polarities(pack, "RISK-PTP", ("borrower", "明天还两千会不会太晚？"))


@pytest.mark.parametrize("text", ["这个月怕是要晚几天", "恐怕得拖个两天", "这期可能会晚几天"])
def test_hedged_delay_is_hardship(pack: RiskPack, text: str) -> None:
    assert "asserted" in _polarities(pack, "RISK-HARDSHIP", ("borrower", text))


def test_worry_stays_hypothetical(pack: RiskPack) -> None:
    assert _polarities(pack, "RISK-INCOME", ("borrower", "就怕厂里哪天停工了")) == ["hypothetical"]
    assert _polarities(pack, "RISK-HARDSHIP", ("borrower", "就怕到时候还不上")) == ["hypothetical"]


# --- whose situation --------------------------------------------------------------

@pytest.mark.parametrize(("role", "text"), [
    ("borrower", "那会儿我表哥资金紧张，车就借他了"),
    ("borrower", "我朋友周转不开，问我借钱"),
    ("borrower", "我儿子在外地，他自己也手头紧"),
    ("third_party", "他弟手头也紧，帮不上忙"),
])
def test_someone_elses_hardship_is_not_the_borrowers(pack: RiskPack, role: str, text: str) -> None:
    assert "asserted" not in _polarities(pack, "RISK-HARDSHIP", (role, text))


@pytest.mark.parametrize(("role", "text"), [
    ("borrower", "我跟我老婆都手头紧"),        # the household
    ("third_party", "他手头紧，真拿不出来"),    # 他 is the borrower here
    ("borrower", "我妈住院了我手头紧"),         # subject back to 我
])
def test_own_hardship_counts(pack: RiskPack, role: str, text: str) -> None:
    assert "asserted" in _polarities(pack, "RISK-HARDSHIP", (role, text))


def test_past_hardship_is_not_now(pack: RiskPack) -> None:
    assert "asserted" not in _polarities(pack, "RISK-HARDSHIP",
                                         ("borrower", "前段时间手头紧，现在好多了"))


def test_third_party_does_not_speak_for_the_borrower(pack: RiskPack) -> None:
    wrong_number = ("third_party", "这号我刚办的，不认识这人，你们别再打了")
    assert "asserted" not in _polarities(pack, "RISK-RELOCATION", wrong_number)
    spouse = ("third_party", "凭啥我还？这贷款又不是我办的")
    assert "asserted" not in _polarities(pack, "RISK-REFUSAL", spouse)
    assert "asserted" in _polarities(pack, "RISK-REFUSAL", ("borrower", "这贷款不是我办的"))


def test_conditional_threat_is_still_a_threat(pack: RiskPack) -> None:
    assert "asserted" in _polarities(pack, "RISK-COMPLAINT", ("third_party", "再不出去我就报警了"))


def test_a_worry_does_not_reach_past_only(pack: RiskPack) -> None:
    """只能 ends a worry (怕老婆知道，只能偷偷…) but not a condition (实在不行…只能…)."""
    assert "asserted" in _polarities(pack, "RISK-VEHICLE-CONTROL",
                                     ("borrower", "我怕家里人知道，只能偷偷把车卖了"))
    assert _polarities(pack, "RISK-VEHICLE-CONTROL",
                       ("borrower", "实在不行，只能偷偷把车卖了")) == ["hypothetical"]
