"""Paraphrases written apart from the pack examples: colloquial wording, other verbs.

Each must raise its signal with the given polarity (None: must not be asserted).
Pattern matching only, so the result does not depend on the encoder.
"""

from __future__ import annotations

import pytest

from pipeline.risk import extract_risks, load_risk_pack
from pipeline.risk.pack import default_pack_path
from tests.pipeline.risk.conftest import conversation

PACK = load_risk_pack(default_pack_path(), {"semantic": {"enabled": False}})

CASES: list[tuple[str, str, str | None]] = [
    ("我们厂年后就没开工，一直在家歇着", "RISK-INCOME", "asserted"),
    ("单位效益不好，我这个月工资只发了一半", "RISK-INCOME", "asserted"),
    ("跑车的活现在少得很，一个月挣不了几个钱", "RISK-INCOME", "asserted"),
    ("我现在也没个正经工作，打零工", "RISK-INCOME", "asserted"),
    ("我上班挺好的，工资按月发", "RISK-INCOME", None),
    ("我老婆生孩子剖腹产，花了好几万", "RISK-HEALTH", "asserted"),
    ("我妈脑溢血，现在人还在重症监护室", "RISK-HEALTH", "asserted"),
    ("腰椎间盘突出，干不了重活了", "RISK-HEALTH", "asserted"),
    ("我跟她已经办了手续了，孩子跟她", "RISK-FAMILY", "asserted"),
    ("老丈人前阵子过世了，这段时间一直在忙", "RISK-FAMILY", "asserted"),
    ("那个车我让给我表哥了，他在还", "RISK-VEHICLE-CONTROL", "asserted"),
    ("车我已经出了，二手车那边收走了", "RISK-VEHICLE-CONTROL", "asserted"),
    ("车押在一个朋友那拿了两万块", "RISK-VEHICLE-CONTROL", "asserted"),
    ("车还在我手里，没动过", "RISK-VEHICLE-CONTROL", None),
    ("车在我哥那，他跑个货", "RISK-VEHICLE-USER", "asserted"),
    ("平时是我爱人开着上下班", "RISK-VEHICLE-USER", "asserted"),
    ("车拿去跑滴滴了，赚点油钱", "RISK-VEHICLE-USER", "asserted"),
    ("车又拿去另外一家做了个抵押贷款", "RISK-VEHICLE-LIEN", "asserted"),
    ("借了人家钱，车被人家扣着呢", "RISK-VEHICLE-LIEN", "asserted"),
    ("我人现在在广州，不回去了", "RISK-RELOCATION", "asserted"),
    ("以后打我另外一个号吧，这个要停了", "RISK-RELOCATION", "asserted"),
    ("我下个月去日本打工", "RISK-RELOCATION", "asserted"),
    ("我还欠着支付宝和微信的钱", "RISK-OTHER-DEBT", "asserted"),
    ("我在好几个APP上都借了钱", "RISK-OTHER-DEBT", "asserted"),
    ("这个月的钱是找朋友借来的", "RISK-OTHER-DEBT", "asserted"),
    ("钱我是不会给的，你们看着办吧", "RISK-REFUSAL", "asserted"),
    ("利息这么高，我一分都不会再还了", "RISK-REFUSAL", "asserted"),
    ("车你们要就开走，钱没有", "RISK-REFUSAL", "asserted"),
    ("我真的想还，就是这个月实在凑不出来", "RISK-HARDSHIP", "asserted"),
    ("再给我几天时间行不行", "RISK-HARDSHIP", "asserted"),
    ("能不能这个月先只还利息", "RISK-HARDSHIP", "asserted"),
    ("下礼拜三之前我把这期的钱打进去", "RISK-PTP", "asserted"),
    ("二十号发了工资第一时间转给你们", "RISK-PTP", "asserted"),
    ("这样吧，月底我先还一半", "RISK-PTP", "asserted"),
    ("上礼拜答应你们的钱我还是没凑上", "RISK-PTP-BROKEN", "asserted"),
    ("我说好十号还，结果又没钱了", "RISK-PTP-BROKEN", "asserted"),
    ("说实话这个车不是我开，是帮我们老板贷的", "RISK-FRAUD", "asserted"),
    ("当时是中介让我填的收入，实际没那么多", "RISK-FRAUD", "asserted"),
    ("法院的判决书已经下来了", "RISK-LEGAL", "asserted"),
    ("我现在坐不了飞机高铁，被限制消费了", "RISK-LEGAL", "asserted"),
    ("你们再这样打我就去银保监会反映", "RISK-COMPLAINT", "asserted"),
    ("我已经录音了，要发到网上去", "RISK-COMPLAINT", "asserted"),
    ("我打算去消费者协会告你们", "RISK-COMPLAINT", "asserted"),
    ("我没有去投诉的意思", "RISK-COMPLAINT", "negated"),
    ("工作啊还行吧，跟以前差不多", "RISK-INCOME", None),
    ("车一直是我自己开的，没借给别人", "RISK-VEHICLE-USER", "negated"),
    ("号码没换，一直用这个", "RISK-RELOCATION", "negated"),
    ("万一以后没收入了，我再跟你们商量", "RISK-INCOME", "hypothetical"),
    ("好的，明白，我会按时还款的", "RISK-REFUSAL", None),
    ("嗯嗯，好的，知道了", "RISK-HARDSHIP", None),
    ("公司倒了，老板人都找不到", "RISK-INCOME", "asserted"),
    ("我这一年多都没上班了", "RISK-INCOME", "asserted"),
    ("孩子白血病，天天往医院跑", "RISK-HEALTH", "asserted"),
    ("我爸中风瘫在床上", "RISK-HEALTH", "asserted"),
    ("她跟人跑了，留下我跟孩子", "RISK-FAMILY", "asserted"),
    ("车早就过户到别人名下了", "RISK-VEHICLE-CONTROL", "asserted"),
    ("车放在我姐夫那，他上班用", "RISK-VEHICLE-USER", "asserted"),
    ("车在小贷公司那押着呢", "RISK-VEHICLE-LIEN", "asserted"),
    ("我已经不在那个城市住了", "RISK-RELOCATION", "asserted"),
    ("信用卡欠了五六万", "RISK-OTHER-DEBT", "asserted"),
    ("你们爱怎么弄怎么弄，反正我没钱", "RISK-REFUSAL", "asserted"),
    ("这个月能不能晚几天再还", "RISK-HARDSHIP", "asserted"),
    ("等下周二发了工资我就转三千过去", "RISK-PTP", "asserted"),
    ("上次答应你们周三还，那天又没弄到钱", "RISK-PTP-BROKEN", "asserted"),
    ("车其实是我表哥的，我就是用了下我的名字", "RISK-FRAUD", "asserted"),
    ("我的银行卡都被法院冻了", "RISK-LEGAL", "asserted"),
    ("我要去12378举报你们", "RISK-COMPLAINT", "asserted"),
    ("车我没卖也没押，好好的停在楼下", "RISK-VEHICLE-CONTROL", "negated"),
    ("身体挺好的，没啥毛病", "RISK-HEALTH", None),
    ("工作还在，就是最近加班多", "RISK-INCOME", None),
    ("我没欠别的钱", "RISK-OTHER-DEBT", "negated"),
    ("如果被起诉了会影响孩子上学吗", "RISK-LEGAL", "hypothetical"),
    ("好，明白，我这边没什么问题", "RISK-HARDSHIP", None),
    # Gig work and small business drying up
    ("这两个月活儿少得可怜，挣不着钱", "RISK-INCOME", "asserted"),
    ("客人比去年少了一半，店都快撑不住了", "RISK-INCOME", "asserted"),
    ("工程款一直要不回来，工人都发不出钱", "RISK-INCOME", "asserted"),
    ("都仨月了工资还没发", "RISK-INCOME", "asserted"),
    ("工资还没到账呢，10号才发", "RISK-INCOME", None),        # payday to come, not arrears
    ("要是年后单子再这么少，我就真撑不住了", "RISK-INCOME", "hypothetical"),
    # Cannot pay now: colloquial and dialect
    ("最近手头实在不宽裕，能不能缓个十来天", "RISK-HARDSHIP", "asserted"),
    ("这阵子真是整不到钱，莫得法子", "RISK-HARDSHIP", "asserted"),
    ("我这边倒腾不开，下礼拜才能凑上", "RISK-HARDSHIP", "asserted"),
    ("俺这阵子手头紧巴巴的，莫得钱", "RISK-HARDSHIP", "asserted"),
    ("恐怕这个月得晚几天", "RISK-HARDSHIP", "asserted"),
    ("我朋友资金紧张，找我借了点", "RISK-HARDSHIP", None),
    ("要是下月还周转不开的话，我再给你们打电话", "RISK-HARDSHIP", "hypothetical"),
    # Other debts, denied and supposed
    ("网贷？没有没有，我从来不碰那个", "RISK-OTHER-DEBT", "negated"),
    ("外面还欠着亲戚五万块", "RISK-OTHER-DEBT", "asserted"),
    ("开店欠了供应商一笔货款", "RISK-OTHER-DEBT", "asserted"),
    ("我欠的钱太多了，都不知道先还哪个", "RISK-OTHER-DEBT", "asserted"),
    ("实在不行就去借点网贷先顶上", "RISK-OTHER-DEBT", "hypothetical"),
    # Promises: offers count, standing instalments and hotlines do not
    ("周四我先打一千块过去，你看行不行？", "RISK-PTP", "asserted"),
    ("下礼拜五先还一半，剩下的月底结清，行吗？", "RISK-PTP", "asserted"),
    ("我每个月都按时还三千二的", "RISK-PTP", None),
    ("那边每期还1800", "RISK-PTP", None),
    ("我马上打12315投诉", "RISK-PTP", None),
    ("网贷上个月也没还上", "RISK-PTP-BROKEN", None),
    # Liens denied, pledged, and the car handed over
    ("二次抵押？那肯定没有", "RISK-VEHICLE-LIEN", "negated"),
    ("抵押的事我可从来没办过", "RISK-VEHICLE-LIEN", "negated"),
    ("车押给一个放贷的了", "RISK-VEHICLE-LIEN", "asserted"),
    ("车早给他哥开走了", "RISK-VEHICLE-CONTROL", "asserted"),
    ("这个月实在不行，车已经卖了", "RISK-VEHICLE-CONTROL", "asserted"),
    ("实在不行我就把车卖了还你们", "RISK-VEHICLE-CONTROL", "hypothetical"),
    ("车子租给一个开滴滴的小伙子了", "RISK-VEHICLE-USER", "asserted"),
    # Refusal: 不还 as "still", the borrower's own denial
    ("你之前不还说能减免吗", "RISK-REFUSAL", None),
    ("我就不还，你能把我咋样", "RISK-REFUSAL", "asserted"),
    ("我刚搬了新家，在开发区那边", "RISK-RELOCATION", "asserted"),
    ("再不走我可就报警了", "RISK-COMPLAINT", "asserted"),
]

# (agent's question, borrower's short answer, signal, polarity or None)
ANSWERS: list[tuple[str, str, str, str | None]] = [
    ("这车现在是谁在开？", "我小舅子开着呢，他跑运输", "RISK-VEHICLE-USER", "asserted"),
    ("这车现在是谁在开？", "我爸开，他退休了没事就开出去转转", "RISK-VEHICLE-USER", "asserted"),
    ("这车现在是谁在开？", "厂里在用，拉货用的", "RISK-VEHICLE-USER", "asserted"),
    ("车平时是您自己开吗？", "是我表弟在用，他开货车拉菜", "RISK-VEHICLE-USER", "asserted"),
    ("车平时是您自己开吗？", "我们车队在用", "RISK-VEHICLE-USER", "asserted"),
    ("车平时是您自己开吗？", "对，我自己开，上下班用", "RISK-VEHICLE-USER", None),
    ("这车现在是谁在开？", "没租出去，我自己开", "RISK-VEHICLE-USER", None),
    ("您现在收入稳定吗？", "不太稳定，跑外卖的，单子时有时无", "RISK-INCOME", "asserted"),
    ("那您这边收入还稳定吧？", "嗯……不太稳定，最近厂里订单少了", "RISK-INCOME", "asserted"),
    ("那您这边收入还稳定吧？", "说实话不怎么稳定", "RISK-INCOME", "asserted"),
    ("您现在收入稳定吗？", "挺稳定的，没啥问题", "RISK-INCOME", None),
    ("那您这边收入还稳定吧？", "还行，开了个小超市，收入还凑合", "RISK-INCOME", None),
    ("会不会影响按时还款？", "肯定会，这个月恐怕得晚个几天", "RISK-HARDSHIP", "asserted"),
    ("会不会影响按时还款？", "不会，都算好了", "RISK-HARDSHIP", None),
    ("您这期什么时候能还上？", "这周真拿不出", "RISK-HARDSHIP", "asserted"),
    ("车上有没有别的抵押？", "目前没有", "RISK-HARDSHIP", None),
    ("接下来有没有大的开销？", "暂时没有，该花的都花了", "RISK-HARDSHIP", None),
    ("要是手头紧有没有别的钱能顶一下？", "没啥存款，家里也指望不上", "RISK-HARDSHIP", None),
]


@pytest.mark.parametrize(("text", "signal_id", "polarity"), CASES, ids=[c[0] for c in CASES])
def test_paraphrase(text: str, signal_id: str, polarity: str | None) -> None:
    result = extract_risks(conversation(("borrower", text)), PACK)
    got = [s.polarity for s in result.signals if s.signal_id == signal_id]
    if polarity is None:
        assert "asserted" not in got, (text, result.signals)
    else:
        assert polarity in got, (text, [(s.signal_id, s.polarity) for s in result.signals])


@pytest.mark.parametrize(("asked", "text", "signal_id", "polarity"), ANSWERS,
                         ids=[f"{a[0]}-{a[1]}" for a in ANSWERS])
def test_answer(asked: str, text: str, signal_id: str, polarity: str | None) -> None:
    result = extract_risks(conversation(("agent", asked), ("borrower", text)), PACK)
    got = [s.polarity for s in result.signals if s.signal_id == signal_id]
    if polarity is None:
        assert "asserted" not in got, (text, result.signals)
    else:
        assert polarity in got, (text, [(s.signal_id, s.polarity) for s in result.signals])


def test_a_short_answer_needs_the_question() -> None:
    """我弟开 names the car's user only as the answer to who drives it."""
    alone = extract_risks(conversation(("borrower", "我弟开，他跑个小买卖")), PACK)
    assert all(s.signal_id != "RISK-VEHICLE-USER" for s in alone.signals)
