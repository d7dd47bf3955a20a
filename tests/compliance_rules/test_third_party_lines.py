"""Debt disclosed to whoever picks up instead of the borrower (CN-3P-01), in wording
the rule examples do not use, and the polite replies that disclose nothing."""

from __future__ import annotations

import pytest

from pipeline.callmeta import Role
from tests.compliance_rules.written_lines import check_call, rules_fired_at

ASK = "您好，我是安信汽车金融的小王，工号1234，本次通话将被录音，请问是张伟先生吗？"

# (discloses, what the third party says, what the agent says next)
CASES: list[tuple[bool, str, str]] = [
    (True, "我是他媳妇，他出去了", "他车贷三个月没交了，你让他赶紧处理"),
    (True, "我是他同事，他今天没来上班", "他在我们公司有笔借款逾期了，麻烦你转告一下"),
    (True, "你打错了，我不认识这个人", "这个人欠了我们两万多，他留的是你这个号"),
    (True, "我是他妈，有啥事跟我说", "你儿子借的钱到现在都没还，已经拖了好久了"),
    (True, "他是我哥，他手机放我这了", "你哥的月供一直拖着不还，你跟他说一声"),
    (True, "我是他邻居，他搬走了", "他欠我们的钱还没还清呢，你知道他搬哪去了吗"),
    (True, "我是他老板，他辞职了", "他在我们这贷款买的车，现在还不上钱了"),
    (False, "我是他媳妇，他出去了", "那麻烦您转告他回个电话，谢谢"),
    (False, "你打错了，我不认识这个人", "不好意思，打扰您了"),
    (False, "我是他同事，他今天没来上班", "好的，那我晚点再联系他本人"),
    (False, "我是他妈，有啥事跟我说", "没什么大事，就是有点业务想跟他本人确认一下"),
]


@pytest.mark.parametrize(("discloses", "reply", "line"), CASES)
def test_disclosure_to_a_third_party(discloses: bool, reply: str, line: str) -> None:
    said: tuple[tuple[Role, str], ...] = (("agent", ASK), ("third_party", reply), ("agent", line))
    found = rules_fired_at(check_call(said, "collection"), 2)
    assert found == ({"CN-3P-01"} if discloses else set())
