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
]


@pytest.mark.parametrize(("text", "signal_id", "polarity"), CASES, ids=[c[0] for c in CASES])
def test_paraphrase(text: str, signal_id: str, polarity: str | None) -> None:
    result = extract_risks(conversation(("borrower", text)), PACK)
    got = [s.polarity for s in result.signals if s.signal_id == signal_id]
    if polarity is None:
        assert "asserted" not in got, (text, result.signals)
    else:
        assert polarity in got, (text, [(s.signal_id, s.polarity) for s in result.signals])
