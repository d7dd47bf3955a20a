import pytest

from pipeline.speakers.cues import find_cues
from pipeline.speakers.roles import SpeakerEvidence, assign_roles

AGENT_INTRO = "您好，我是安信汽车金融回访专员，工号0231，本次通话将被录音。请问是张伟先生本人吗？"


def _roles(*speakers: SpeakerEvidence, kind: str | None = "callback") -> dict[str, str]:
    return {a.speaker: a.role for a in assign_roles(speakers, kind)}  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "role"), [
    ("公号0231，本次通话将被录音", "agent"),  # 工号 misheard as 公号
    ("我这边是安信金融贷后部的", "agent"),
    ("对，是我", "borrower"),
    ("嗯我就是", "borrower"),
    ("是我本任", "borrower"),  # 本人 misheard
    ("我是他老婆，他出去了", "third_party"),
    ("你打错了吧", "third_party"),
    ("我不认识这个人", "third_party"),
    ("我十五号发工资，到时候我也帮他凑一点", "third_party"),  # a relative offering help
    ("在，你等下啊，老马，找你的", "third_party"),  # calling the borrower to the door
    ("下周五之前我先还两千", "borrower"),
])
def test_cues_match_through_paraphrase_and_homophones(text: str, role: str) -> None:
    assert role in {h.role for h in find_cues(text)}


def test_plain_chat_has_no_identity_cue() -> None:
    assert not [h for h in find_cues("今天天气不错，我们去吃饭吧") if h.weight >= 3]


def test_borrower_channel_confirmed() -> None:
    got = _roles(SpeakerEvidence("ch0", (AGENT_INTRO,), 8, "agent"),
                 SpeakerEvidence("ch1", ("对，是我。", "收到了"), 3, "borrower"))
    assert got == {"ch0": "agent", "ch1": "borrower"}


@pytest.mark.parametrize("reply", [
    ("你打错了吧，我不认识这个人。",),
    ("我是他爱人，他不在家。", "有什么事你跟我说吧"),
    ("他不在，我是他同事，我帮你转告", ),
])
def test_wrong_number_and_spouse_override_the_channel_map(reply: tuple[str, ...]) -> None:
    out = assign_roles([SpeakerEvidence("ch0", (AGENT_INTRO,), 8, "agent"),
                        SpeakerEvidence("ch1", reply, 3, "borrower")], "collection")
    assert [a.role for a in out] == ["agent", "third_party"]
    assert out[1].confidence > 0.8
    assert out[1].evidence  # the words that decided it


def test_swapped_channel_map_is_corrected_by_strong_cues() -> None:
    got = _roles(SpeakerEvidence("ch0", ("喂？", "对，是我本人"), 3, "agent"),
                 SpeakerEvidence("ch1", (AGENT_INTRO, "您的车贷已经逾期3天了"), 9, "borrower"))
    assert got == {"ch0": "borrower", "ch1": "agent"}


def test_visit_with_family_member() -> None:
    got = _roles(
        SpeakerEvidence("S1", ("我们是安信汽车金融的外访专员，这是我的工作证",
                               "您的车贷逾期两个月了"), 20, None),
        SpeakerEvidence("S2", ("我就是张伟", "最近生意不好"), 8, None),
        SpeakerEvidence("S3", ("我是他爱人", "我们下个月一定想办法还上"), 5, None),
        kind="visit")
    assert got == {"S1": "agent", "S2": "borrower", "S3": "third_party"}


def test_visit_always_has_a_borrower_when_one_speaker_is_ambiguous() -> None:
    got = _roles(
        SpeakerEvidence("S1", ("您好，我们是安信金融的外访专员",), 20, None),
        SpeakerEvidence("S2", ("我是他爱人", "我就是张伟"), 8, None),  # diarization mixed two voices
        SpeakerEvidence("S3", ("他在里屋，我去叫他",), 5, None),
        kind="visit")
    assert sorted(got.values()) == ["agent", "borrower", "third_party"]


def test_single_speaker_without_cues_is_unknown() -> None:
    out = assign_roles([SpeakerEvidence("S1", ("嗯嗯好的",), 2, None)])
    assert out[0].role == "unknown" and out[0].confidence == 0.0


def test_mono_call_biggest_talker_leans_agent_without_cues() -> None:
    got = _roles(SpeakerEvidence("S1", ("嗯",), 2, None),
                 SpeakerEvidence("S2", ("那个情况是这样的",), 30, None))
    assert got == {"S1": "borrower", "S2": "agent"}


def test_visit_relative_who_fetches_and_offers_help_is_the_third_party() -> None:
    got = _roles(
        SpeakerEvidence("S1", ("您好，我是安信汽车金融的外访专员，工号3081",), 60, None),
        SpeakerEvidence("S2", ("在，你等下啊，老马，找你的", "我也帮他凑一点", "慢走啊"), 8, None),
        SpeakerEvidence("S3", ("我是马国强", "没事，进来坐吧", "下周五之前我先还两千"), 20, None),
        kind="visit")
    assert got == {"S1": "agent", "S2": "third_party", "S3": "borrower"}
