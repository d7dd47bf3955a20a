from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.audio import AudioClip
from pipeline.callmeta import CallKind, CallMeta, Role
from pipeline.conversation import Conversation, Turn
from pipeline.errors import ConfigError
from pipeline.rules import check_conversation, load_packs
from pipeline.rules.cli import rules

PACK_DIR = Path(__file__).resolve().parents[3] / "compliance_rules"
PACKS = load_packs(PACK_DIR)
CST = timezone(timedelta(hours=8))


def conv(*turns: tuple[Role, str], kind: CallKind = "collection", started: datetime | None = None,
         timed: bool = False, low_confidence: int | None = None) -> Conversation:
    out = []
    for i, (role, text) in enumerate(turns):
        start, end = (i * 4.0, i * 4.0 + 3.5) if timed else (None, None)
        out.append(Turn(index=i, speaker=role, role=role, start=start, end=end, text=text,
                        confidence=0.3 if i == low_confidence else 0.9,
                        channel=0 if role == "agent" else 1))
    meta = CallMeta(call_id="t1", kind=kind, started_at=started, borrower_id="B1")
    return Conversation(meta=meta, turns=tuple(out))


def ids(c: Conversation, **kw: object) -> set[str]:
    return {f.rule_id for f in check_conversation(c, PACKS, **kw).findings}  # type: ignore[arg-type]


def test_finding_carries_its_evidence() -> None:
    c = conv(("agent", "您好，我是安信汽车金融的小王，工号1234，本次通话将被录音，请问是张三吗？"),
             ("borrower", "是我。"), ("agent", "你再不还就要坐牢了。"), low_confidence=2)
    f = next(f for f in check_conversation(c, PACKS).findings if f.rule_id == "CN-MISLEAD-01")
    assert (f.pack, f.pack_version, f.rule_version, f.severity) == ("cn_conduct", "1.1.0", "2",
                                                                   "critical")
    assert f.clause.startswith("CBA-2026")
    e = f.evidence
    # the longest pattern that matched is the evidence (要坐牢 rather than 坐牢)
    assert (e.turn, e.role, e.speaker, e.method, e.pattern) == (2, "agent", "agent", "exact", "要坐牢")
    assert "坐牢" in e.quote
    assert e.uncertain  # the turn is low confidence


def test_pinyin_only_short_match_is_uncertain() -> None:
    c = conv(("agent", "您的贷款已经于七三天了。"))  # 逾期 misheard as 于七
    f = next(f for f in check_conversation(c, PACKS).findings if f.rule_id == "CN-VERIFY-01")
    assert (f.evidence.method, f.evidence.pattern) == ("pinyin", "逾期") and f.evidence.uncertain


def test_three_syllable_phrase_still_meets_a_tone_slip() -> None:
    c = conv(("agent", "你再拖下去就要坐老了。"))  # 要坐牢: zuò láo heard as zuò lǎo
    f = next(f for f in check_conversation(c, PACKS).findings if f.rule_id == "CN-MISLEAD-01")
    assert (f.evidence.method, f.evidence.pattern) == ("pinyin", "要坐牢")


def test_compliant_opening_has_no_conduct_findings() -> None:
    c = conv(("agent", "您好，我是安信汽车金融贷后专员李娜，工号0231，本次通话将被录音。请问是张三先生吗？"),
             ("borrower", "对，是我。"),
             ("agent", "您这个月的月供3500元已经逾期5天了，逾期会影响您的征信。"),
             ("borrower", "我下周五还。"),
             ("agent", "好的，感谢您的配合，再见。"))
    assert ids(c) == set()


def test_calling_hours_default_and_settings() -> None:
    late = conv(("agent", "喂"), started=datetime(2026, 3, 2, 21, 30, tzinfo=CST))
    assert "CN-TIME-01" in ids(late)
    assert "CN-TIME-01" not in ids(late, settings={"calling_hours": ["08:00", "22:00"]})
    utc = conv(("agent", "喂"), started=datetime(2026, 3, 2, 13, 30, tzinfo=UTC))
    assert "CN-TIME-01" in ids(utc)  # 21:30 in Shanghai
    assert "CN-TIME-01" not in ids(utc, settings={"timezone": "Europe/London"})


def test_bad_settings_are_config_errors() -> None:
    c = conv(("agent", "喂"), started=datetime(2026, 3, 2, 10, tzinfo=CST))
    with pytest.raises(ConfigError, match="calling_hour"):
        check_conversation(c, PACKS, settings={"calling_hour": ["08:00", "20:00"]})
    with pytest.raises(ConfigError, match="Mars/Base"):
        check_conversation(c, PACKS, settings={"timezone": "Mars/Base"})


def test_frequency_fires_only_on_the_call_beyond_the_limit() -> None:
    """All four calls of a day see each other in their history; only the 4th breaches."""
    metas = [CallMeta(call_id=f"c{h}", kind="collection", borrower_id="B1",
                      started_at=datetime(2026, 3, 2, h, tzinfo=CST)) for h in (9, 11, 14, 16)]
    fired = []
    for m in metas:
        c = Conversation(meta=m, turns=(Turn(0, "agent", "agent", None, None, "喂"),))
        history = [o for o in metas if o is not m]
        fired.append("CN-FREQ-01" in ids(c, history=history))
    assert fired == [False, False, False, True]
    # same start time: the call id breaks the tie, so exactly one of the two fires
    twins = [CallMeta(call_id=cid, kind="collection", borrower_id="B1",
                      started_at=datetime(2026, 3, 2, 16, tzinfo=CST)) for cid in ("a", "b")]
    fired = []
    for m in twins:
        c = Conversation(meta=m, turns=(Turn(0, "agent", "agent", None, None, "喂"),))
        fired.append("CN-FREQ-01" in ids(c, history=[*metas[:2], *(t for t in twins if t is not m)]))
    assert fired == [False, True]


def test_frequency_counts_same_local_day_only() -> None:
    c = conv(("agent", "喂"), started=datetime(2026, 3, 2, 16, tzinfo=CST))
    day = [CallMeta(call_id=f"h{h}", started_at=datetime(2026, 3, 2, h, tzinfo=CST),
                    borrower_id="B1") for h in (9, 11, 14)]
    assert "CN-FREQ-01" in ids(c, history=day)
    assert "CN-FREQ-01" not in ids(c, history=day[:2])
    other_borrower = [CallMeta(call_id="x", started_at=datetime(2026, 3, 2, 8, tzinfo=CST),
                               borrower_id="B2")]
    assert "CN-FREQ-01" not in ids(c, history=[*day[:2], *other_borrower])
    assert "CN-FREQ-01" not in ids(c, history=day, settings={"max_calls_per_day": 5})


def test_third_party_disclosure_needs_a_third_party_listener() -> None:
    told_wife = conv(("agent", "请问是张三吗？"), ("third_party", "我是他老婆。"),
                     ("agent", "他的车贷已经逾期两个月了，欠了8000。"))
    assert "CN-3P-01" in ids(told_wife)
    assert "CN-VERIFY-01" not in ids(told_wife)  # 3P-01 covers disclosure to a third party
    told_borrower = conv(("agent", "请问是张三吗？"), ("borrower", "是我。"),
                         ("agent", "你的车贷已经逾期两个月了，欠了8000。"))
    assert not {"CN-3P-01", "CN-VERIFY-01"} & ids(told_borrower)


def test_listener_is_unknown_until_another_party_speaks() -> None:
    # A visit: the agent introduces a lender whose name holds 车贷 before anyone answers
    # the door; the person who answers is a third party. No disclosure to them.
    c = conv(("agent", "您好，我是恒通车贷的外访专员，请问刘浩在家吗？"),
             ("third_party", "他不在，上班去了。"),
             ("agent", "好的，那我们改天再来。"), kind="visit")
    assert "CN-3P-01" not in ids(c)
    # A wrong number: a debt told before anyone answered is told before the identity
    # was confirmed (CN-VERIFY-01); told after the third party spoke, it is CN-3P-01.
    early = conv(("agent", "喂，你车贷逾期两个月了，请问是张三吗？"), ("third_party", "打错了。"))
    assert ("CN-VERIFY-01" in ids(early)) and ("CN-3P-01" not in ids(early))
    late = conv(("agent", "请问是张三吗？"), ("third_party", "打错了，我是他邻居。"),
                ("agent", "你跟他说，车贷逾期两个月了。"))
    assert ("CN-3P-01" in ids(late)) and ("CN-VERIFY-01" not in ids(late))


def test_face_to_face_reply_confirms_identity_only_on_visits() -> None:
    turns = (("agent", "您就是刘浩吧？麻烦看一下身份证。"), ("borrower", "给，你看。"),
             ("agent", "刘先生，您车贷两期都没还，一共5600。"))
    assert "CN-VERIFY-01" not in ids(conv(*turns, kind="visit"))
    assert "CN-VERIFY-01" in ids(conv(*turns, kind="collection"))
    denied = conv(("agent", "您就是刘浩吧？"), ("borrower", "不是，我是他哥。"),
                  ("agent", "您车贷两期都没还。"), kind="visit")
    assert "CN-VERIFY-01" in ids(denied)


@pytest.mark.parametrize("reply", ["我就是。", "是我，啥事？", "对，我是。", "嗯是的。", "你说。",
                                   "我就是周国平。", "本人。", "啊？哦，是我是我。", "中，是我。"])
def test_identity_confirmation_replies(reply: str) -> None:
    c = conv(("agent", "请问是周国平先生吗？"), ("borrower", reply),
             ("agent", "您的车贷逾期十天了，这期3120还没还。"))
    assert "CN-VERIFY-01" not in ids(c)


def test_disabled_rules_and_call_kinds() -> None:
    c = conv(("agent", "你他妈的到底还不还？"))
    assert "CN-ABUSE-01" in ids(c)
    assert "CN-ABUSE-01" not in ids(c, settings={"disable": ["CN-ABUSE-01"]})
    visit_only = conv(("agent", "今天不还钱我们就不走了。"), kind="collection")
    assert "CN-VISIT-01" not in ids(visit_only)


def test_callback_script_items_and_answers() -> None:
    c = conv(("agent", "您好，我是安信汽车金融回访专员，本次通话将被录音，请问是张三先生吗？"),
             ("borrower", "是我。"),
             ("agent", "请问车贷的钱到账了吗？"), ("borrower", "收到了，9万。"),
             ("agent", "金额跟您预期的一致吗？"), ("borrower", "一致的，9万。"),
             ("agent", "这个车平时谁在开？"), ("borrower", "我老婆开得多。"),
             ("agent", "好的，感谢您的配合，再见。"), kind="callback")
    script = {s.item_id: s for s in check_conversation(c, PACKS).script}
    assert set(script) == {f"CB-{i:02d}" for i in range(1, 11)}
    assert script["CB-01"].asked and script["CB-01"].answer == "yes"
    assert script["CB-01"].evidence is not None and script["CB-01"].evidence.turn == 2
    assert script["CB-02"].answer == "yes" and script["CB-02"].answer_detail == "90000"
    assert script["CB-03"].answer == "spouse"
    assert script["CB-03"].answer_evidence is not None
    assert script["CB-03"].answer_evidence.turn == 7
    assert not script["CB-05"].asked and script["CB-05"].evidence is None
    collection = conv(("agent", "请问车贷的钱到账了吗？"), kind="collection")
    assert check_conversation(collection, PACKS).script == ()


def test_timing_rules_read_timestamps() -> None:
    turns = (Turn(0, "ch0", "agent", 0.0, 3.0, "您看什么时候能还？"),
             Turn(1, "ch1", "borrower", 3.5, 5.0, "我问问我老婆。"),
             Turn(2, "ch0", "agent", 16.0, 17.0, "好的。"))
    c = Conversation(CallMeta("t", kind="collection"), turns)
    f = next(f for f in check_conversation(c, PACKS).findings if f.rule_id == "QA-SILENCE-01")
    assert f.evidence.method == "timing" and f.evidence.start == 5.0 and f.evidence.end == 16.0
    assert "QA-SILENCE-01" not in ids(c, settings={"max_silence_s": 12})


def _clip(loud_from: float, loud_to: float, seconds: float = 20.0) -> AudioClip:
    rate = 16000
    t = np.arange(int(seconds * rate)) / rate
    agent = 0.02 * np.sin(2 * np.pi * 220 * t)
    mask = (t >= loud_from) & (t < loud_to)
    agent[mask] *= 10.0  # +20 dB
    borrower = 0.02 * np.sin(2 * np.pi * 180 * t)
    samples = np.stack([agent, borrower]).astype(np.float32)
    samples.setflags(write=False)
    return AudioClip("synthetic", samples, rate, rate, 2, "pcm", "wav")


def test_loudness_rise_on_the_agent_channel() -> None:
    turns = tuple(Turn(i, "ch0", "agent", i * 4.0, i * 4.0 + 3.8, "您好您好您好", channel=0)
                  for i in range(5))
    c = Conversation(CallMeta("t", kind="collection"), turns)
    shouting = check_conversation(c, PACKS, audio=_clip(12.5, 15.5)).findings
    loud = [f for f in shouting if f.rule_id == "QA-LOUD-01"]
    assert len(loud) == 1 and loud[0].evidence.turn == 3 and loud[0].evidence.method == "acoustic"
    calm = check_conversation(c, PACKS, audio=_clip(12.5, 13.5)).findings  # only 1 s
    assert not [f for f in calm if f.rule_id == "QA-LOUD-01"]
    assert not [f for f in check_conversation(c, PACKS).findings if f.rule_id == "QA-LOUD-01"]


def _write_pack(tmp_path: Path, severity: str = "major", extra: str = "") -> Path:
    (tmp_path / "cn_conduct.yaml").write_text(
        "pack: cn_conduct\nversion: '1'\nrules:\n"
        "  - id: X-TEST-01\n    version: '1'\n    kind: phrase\n"
        f"    severity: {severity}\n    patterns: {{phrases: [测试]}}\n"
        f"    clause: {{source: test, text: test}}\n{extra}", encoding="utf-8")
    return tmp_path


def test_pack_errors_name_file_rule_and_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_packs(_write_pack(tmp_path, severity="huge"))
    msg = str(err.value)
    assert "cn_conduct.yaml" in msg and "X-TEST-01" in msg and "severity" in msg
    with pytest.raises(ConfigError, match=r"X-TEST-01: patterns.lexicons: unknown lexicon"):
        load_packs(_lexicon_pack(tmp_path))
    with pytest.raises(ConfigError, match="not found"):
        load_packs(tmp_path, names=["missing"])


def _lexicon_pack(tmp_path: Path) -> Path:
    (tmp_path / "cn_conduct.yaml").write_text(
        "pack: cn_conduct\nversion: '1'\nrules:\n"
        "  - id: X-TEST-01\n    version: '1'\n    kind: phrase\n    severity: minor\n"
        "    patterns: {lexicons: [missing]}\n    clause: {source: s, text: t}\n",
        encoding="utf-8")
    return tmp_path


def test_cli_lint_and_test(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(rules, ["lint", str(PACK_DIR)])
    assert ok.exit_code == 0 and "cn_conduct" in ok.output
    bad = runner.invoke(rules, ["lint", str(_write_pack(tmp_path, severity="huge"))])
    assert bad.exit_code != 0 and "severity" in bad.output
    one = runner.invoke(rules, ["test", str(PACK_DIR), "--rule", "CN-ABUSE-01"])
    assert one.exit_code == 0 and "examples pass" in one.output
    failing = tmp_path / "f"
    failing.mkdir()
    _write_pack(failing, extra="    examples: {match: [没有这个词]}\n")
    res = runner.invoke(rules, ["test", str(failing)])
    assert res.exit_code == 1 and "FAIL cn_conduct:X-TEST-01:match[0]" in res.output
