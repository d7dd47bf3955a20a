"""Generate tests/fixtures/pii_lines.jsonl: labelled PII lines with computed check digits.

Run: .venv/bin/python tests/pipeline/pii/make_pii_lines.py
Each line: {"text", "entities": [{"id","start","end","valid"}], "group"}; lines
without entities are hard negatives (amounts, dates, times, contract numbers,
18-digit numbers with a wrong check digit and no context).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from pipeline.pii.validators import id_check_char, luhn_check_digit, vin_check_char

OUT = Path(__file__).resolve().parents[2] / "fixtures" / "pii_lines.jsonl"
rng = random.Random(20240611)

SPOKEN = {
    "0": "零",
    "1": "幺",
    "2": "二",
    "3": "三",
    "4": "四",
    "5": "五",
    "6": "六",
    "7": "七",
    "8": "八",
    "9": "九",
    "X": "叉",
}
SPOKEN_YI = {**SPOKEN, "1": "一"}


def spoken(digits: str, groups: tuple[int, ...] = (), sep: str = "", yi: bool = False) -> str:
    table = SPOKEN_YI if yi else SPOKEN
    words = [table[c] for c in digits]
    return grouped("".join(words), groups, sep)


def grouped(s: str, groups: tuple[int, ...], sep: str) -> str:
    if not groups:
        return s
    out, pos = [], 0
    for g in groups:
        out.append(s[pos : pos + g])
        pos += g
    if pos < len(s):
        out.append(s[pos:])
    return sep.join(x for x in out if x)


REGIONS = [
    "110105",
    "320102",
    "440305",
    "510107",
    "330106",
    "420102",
    "370202",
    "610113",
    "500103",
    "350203",
    "410105",
    "430104",
    "210102",
    "130102",
    "450103",
]


def make_id(valid: bool = True) -> str:
    y, m, d = rng.randint(1960, 2003), rng.randint(1, 12), rng.randint(1, 28)
    first = f"{rng.choice(REGIONS)}{y}{m:02d}{d:02d}{rng.randint(0, 999):03d}"
    check = id_check_char(first)
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return first + check


def make_legacy_id() -> str:
    y, m, d = rng.randint(60, 98), rng.randint(1, 12), rng.randint(1, 28)
    return f"{rng.choice(REGIONS)}{y:02d}{m:02d}{d:02d}{rng.randint(0, 999):03d}"


MOBILE_PREFIXES = [
    "138",
    "139",
    "135",
    "136",
    "150",
    "151",
    "158",
    "186",
    "187",
    "177",
    "199",
    "133",
    "153",
    "180",
    "189",
    "131",
    "132",
    "156",
    "176",
    "166",
    "191",
    "147",
]


def make_mobile() -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(8))


CARD_BINS = [
    "622202",
    "621700",
    "622848",
    "621661",
    "622588",
    "621226",
    "623668",
    "622700",
    "436742",
    "625965",
]


def make_card(length: int = 19, valid: bool = True) -> str:
    body = rng.choice(CARD_BINS) + "".join(str(rng.randint(0, 9)) for _ in range(length - 7))
    check = luhn_check_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return body + check


PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁苏浙赣鄂桂甘晋陕吉闽贵粤川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def make_plate(kind: str) -> str:
    p, c = rng.choice(PROVINCES), rng.choice("ABCDEFGHJK")
    if kind == "ne_small":
        tail = (
            rng.choice("DF")
            + rng.choice(PLATE_LETTERS + "0123456789")
            + "".join(str(rng.randint(0, 9)) for _ in range(4))
        )
    elif kind == "ne_large":
        tail = "".join(str(rng.randint(0, 9)) for _ in range(5)) + rng.choice("DF")
    else:
        tail = "".join(rng.choice("0123456789" * 3 + PLATE_LETTERS) for _ in range(5))
        if sum(ch.isdigit() for ch in tail) < 3:
            tail = rng.choice(PLATE_LETTERS) + "".join(str(rng.randint(0, 9)) for _ in range(4))
    return p + c + tail


VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def make_vin(valid: bool = True) -> str:
    wmi = rng.choice(["LSV", "LFV", "LGB", "LVS", "LHG", "LBV", "LSG", "LGW"])
    vds = "".join(rng.choice(VIN_CHARS) for _ in range(5))
    tail = rng.choice("HJKLMNPRS") + rng.choice(VIN_CHARS) + "".join(str(rng.randint(0, 9)) for _ in range(6))
    vin = wmi + vds + "0" + tail
    check = vin_check_char(vin)
    assert check is not None
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return vin[:8] + check + vin[9:]


ADDRESSES = [
    "南京市鼓楼区中山路一百二十八号",
    "江苏省南京市江宁区天元东路88号",
    "上海市浦东新区世纪大道1200号",
    "广州市天河区体育西路103号",
    "杭州市西湖区文三路478号华星时代广场",
    "成都市武侯区人民南路四段19号",
    "阳光花园3栋2单元502室",
    "幸福小区12号楼3单元601",
    "朝阳区建国路88号SOHO现代城",
    "河南省郑州市金水区农业路72号",
    "深圳市南山区科技园南区高新南七道",
    "武汉市洪山区珞喻路1037号",
    "湖北省荆州市沙市区北京中路",
    "长沙市岳麓区麓山南路932号",
    "东莞市长安镇振安中路368号",
    "山东省临沂市兰山区金雀山路6号",
    "佛山市顺德区大良街道新城小区5栋1203",
    "四川省南充市顺庆区模范街118号",
    "重庆市渝北区龙溪街道金紫山小区8栋",
    "北京市海淀区中关村大街27号",
    "石家庄市长安区中山东路300号",
    "绿地新城二期7号楼1单元1801室",
    "天津市南开区鞍山西道",
    "安徽省合肥市蜀山区长江西路669号",
    "河北省保定市莲池区东风中路",
    "王家村三组",
    "临沂市河东区凤凰岭街道李家村",
    "西安市雁塔区科技路48号",
    "福建省厦门市思明区湖滨南路",
    "昆明市五华区青年路432号",
]
ADDRESS_TEMPLATES = [
    "我住在{}",
    "我家在{}",
    "地址是{}，你寄过来吧",
    "我现在住{}，离公司近",
    "搬到{}了",
    "户籍地址{}",
    "你送到{}就行",
    "我老家{}，过年才回去",
    "住址：{}",
    "他租的房子在{}",
    "{}，这是我现在的住址",
]


def fill(
    template: str,
    value: str,
    eid: str,
    valid: bool = True,
    text_for_value: Callable[[str], str] | None = None,
) -> dict[str, object]:
    shown = text_for_value(value) if text_for_value else value
    start = template.index("{}")
    text = template.replace("{}", shown, 1)
    return {
        "text": text,
        "entities": [{"id": eid, "start": start, "end": start + len(shown), "valid": valid}],
    }


def natural_line(template: str, eid: str) -> dict[str, object]:
    """Fill one {x:groups:sep} slot with a fresh value read aloud in those chunks."""
    a, b = template.index("{"), template.index("}")
    kind, *spec = template[a + 1 : b].split(":")
    value = {"m": make_mobile, "i": make_id, "c": lambda: make_card(19), "v": make_vin}[kind]()
    if spec:
        groups = tuple(int(g) for g in spec[0].split(","))
        shown = (
            spoken(value, groups, spec[1], yi=rng.random() < 0.5)
            if kind != "v"
            else grouped(value, groups, spec[1])
        )
    else:
        shown = spoken(value) if kind in "mic" else value
    text = template[:a] + shown + template[b + 1 :]
    return {"text": text, "entities": [{"id": eid, "start": a, "end": a + len(shown), "valid": True}]}


def lines() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []

    def add(row: dict[str, object], group: str) -> None:
        out.append({**row, "group": group})

    mob_t = [
        "我手机号是{}",
        "你打这个电话{}就行",
        "{}，这是我老婆的号码",
        "联系方式{}",
        "嗯对 号码是{} 你记一下",
        "换号了，新号{}",
        "他电话{}你直接打",
        "有事打{}",
        "我的号{}，微信也是这个",
        "您好，请问是{}的机主吗",
    ]
    mob_r: list[Callable[[str], str]] = [
        lambda v: v,
        lambda v: grouped(v, (3, 4, 4), " "),
        lambda v: grouped(v, (3, 4, 4), "-"),
        lambda v: spoken(v),
        lambda v: spoken(v, (3, 4, 4), " "),
        lambda v: spoken(v, (3, 4, 4), "杠"),
        lambda v: spoken(v, yi=True),
        lambda v: spoken(v, (3, 4, 4), "，", yi=True),
        lambda v: "+86 " + grouped(v, (3, 4, 4), " "),
        lambda v: v[:3] + spoken(v[3:7]) + v[7:],
    ]
    for i in range(30):
        add(
            fill(
                mob_t[i % len(mob_t)],
                make_mobile(),
                "PII-MOBILE-CN",
                text_for_value=mob_r[(i * 3) % len(mob_r)],
            ),
            "mobile",
        )

    id_t = [
        "身份证号{}",
        "我身份证是{}",
        "证件号码{}对吧",
        "核对一下您的身份证号码，{}",
        "{}是我身份证",
        "身份证号码是{}，你查吧",
        "嗯 我的身份证 {}",
    ]
    id_r: list[Callable[[str], str]] = [
        lambda v: v,
        lambda v: grouped(v, (6, 8, 4), " "),
        lambda v: spoken(v),
        lambda v: spoken(v, yi=True),
        lambda v: spoken(v, (6, 8, 4), " "),
        lambda v: v.lower(),
    ]
    for i in range(24):
        add(fill(id_t[i % len(id_t)], make_id(), "PII-ID-CN", text_for_value=id_r[i % len(id_r)]), "id")
    for i in range(6):  # check digit wrong, with context: misheard, still personal
        add(
            fill(
                id_t[i % len(id_t)],
                make_id(valid=False),
                "PII-ID-CN",
                valid=False,
                text_for_value=id_r[i % 3],
            ),
            "id_invalid",
        )
    for i in range(4):
        add(
            fill(
                ["老身份证是十五位的，{}", "身份证号{}，是老的十五位"][i % 2], make_legacy_id(), "PII-ID-CN"
            ),
            "id_legacy",
        )
    for _ in range(4):  # written IDs need no context: region+date+check digit speak for it
        add(fill("{}", make_id(), "PII-ID-CN"), "id_bare")

    card_t = [
        "卡号是{}",
        "还款卡{}",
        "工行的卡，{}",
        "我那张储蓄卡{}余额不够了",
        "打到这个账号{}",
        "扣款的银行卡是{}",
        "你转到{}，建行的",
    ]
    card_r: list[Callable[[str], str]] = [
        lambda v: v,
        lambda v: grouped(v, (4, 4, 4, 4), " "),
        lambda v: spoken(v),
        lambda v: spoken(v, (4, 4, 4, 4), " "),
        lambda v: grouped(v, (4, 4, 4, 4), "-"),
    ]
    for i in range(22):
        add(
            fill(
                card_t[i % len(card_t)],
                make_card(19 if i % 2 else 16),
                "PII-BANKCARD",
                text_for_value=card_r[i % len(card_r)],
            ),
            "card",
        )
    for i in range(4):
        add(
            fill(card_t[i % len(card_t)], make_card(19, valid=False), "PII-BANKCARD", valid=False),
            "card_invalid",
        )

    plate_t = [
        "车牌号{}",
        "我那辆车是{}",
        "车子{}停在楼下",
        "{}这辆车现在在你手上吗",
        "车牌{}对不对",
        "挂的牌子是{}",
        "{}的车",
    ]
    kinds = ["ne_small", "ne_large", "ordinary"]
    plate_r: list[Callable[[str], str]] = [
        lambda v: v,
        lambda v: v[:2] + "·" + v[2:],
        lambda v: v[:2] + " " + v[2:],
        lambda v: v[:2] + "".join(SPOKEN_YI.get(c, c) for c in v[2:]),
    ]
    for i in range(24):
        add(
            fill(
                plate_t[i % len(plate_t)],
                make_plate(kinds[i % 3]),
                "PII-PLATE-CN",
                text_for_value=plate_r[i % len(plate_r)],
            ),
            "plate",
        )

    vin_t = ["车架号{}", "车架号是{}你核对一下", "VIN码{}", "车辆识别代号{}", "大架号：{}", "{}，这是车架号"]
    for i in range(16):
        add(
            fill(
                vin_t[i % len(vin_t)],
                make_vin(),
                "PII-VIN",
                text_for_value=(lambda v: v) if i % 3 else str.lower,
            ),
            "vin",
        )
    for i in range(3):
        add(fill(vin_t[i], make_vin(valid=False), "PII-VIN", valid=False), "vin_invalid")

    for i, a in enumerate(ADDRESSES):
        add(fill(ADDRESS_TEMPLATES[i % len(ADDRESS_TEMPLATES)], a, "PII-ADDRESS"), "address")

    # Two entities in one line.
    for _ in range(5):
        m, pid = make_mobile(), make_id()
        text = f"身份证{pid}，手机{spoken(m)}"
        s2 = text.index("手机") + 2
        add(
            {
                "text": text,
                "entities": [
                    {"id": "PII-ID-CN", "start": 3, "end": 21, "valid": True},
                    {"id": "PII-MOBILE-CN", "start": s2, "end": s2 + 11, "valid": True},
                ],
            },
            "multi",
        )
    for i in range(3):
        a, p = ADDRESSES[i * 5], make_plate("ne_small")
        text = f"车{p}停在{a}"
        add(
            {
                "text": text,
                "entities": [
                    {"id": "PII-PLATE-CN", "start": 1, "end": 1 + len(p), "valid": True},
                    {"id": "PII-ADDRESS", "start": 3 + len(p), "end": 3 + len(p) + len(a), "valid": True},
                ],
            },
            "multi",
        )

    negatives = [
        "这个月欠款23500元，下个月再还",
        "一共是十二万三千四百五十六元",
        "本金138000元，利息另算",
        "两千五百块钱我下周一还",
        "你已经于七三十天了",
        "逾期金额是4867.52元",
        "违约金一千二百元",
        "2024年3月5日前必须还清",
        "三月十五号之前还上",
        "20240315那天扣款失败",
        "下午3点半给你回电话",
        "10:30我在开会",
        "明天早上九点",
        "合同号HT202403150012",
        "订单号202403151234567890",
        "合同编号2023110512345678",
        "流水号 2024 0315 1234 5678",
        "客服电话95588",
        "打400-800-1234咨询",
        "座机025-83451234",
        "他一五一十都说了",
        "三三两两的人",
        "第12期还款日是每月15号",
        "贷款期限36期",
        "我在公司上班",
        "去超市买东西了",
        "他在南京打工",
        "南京市今天下雨",
        "到时候再说吧",
        "5号线地铁坐到底",
        "下个月5号发工资",
        "工号0231为您服务",
        "验证码是384756",
        "年化利率百分之二十四",
        "车是2019年买的大众帕萨特",
        "首付三万，贷了十二万",
        "合同号2024031512345678901",
        "这个编号320102199003071235不对",
        "请记下320102199003071236",
        "批次号110105194912310021",
        "京东618活动买的",
        "苏A的车都限号",
        "型号ABCDEFGH123456789",
        "我一二三四五六七八九十都数不清",
        "快递单号773012345678901",
        "交易号4200001234202403151234567890",
        "市场部在三楼",
        "他老婆在医院上班",
        "那个小区挺大的",
        "一百二十八块",
        "七八十万的房子",
        "周一到周五都在",
        "我们三点钟见",
        "二零二四年三月",
        "还了三次，每次一千",
        "车贷还剩十八期",
        "你这个于七了都四十五天了，为约金一天是多少",
        "我暗示海款的，一直按时还款",
        "脱欠了三个月，一共两万七千六",
        "一个月还三千八百八十八",
        "利息百分之十五点六",
        "我儿子今年十三岁了",
        "车开了十三万八千公里",
        "幺幺零报警了啊",
        "打一二三四五没用的",
        "二零二三年十二月三十一号",
        "这个月十八号扣款，扣了三千五百二十块",
        "我在老家种地",
        "他跑到外地去了",
        "南京那边的房子卖了",
        "住院住了一个星期",
        "我家里人都不知道",
        "密码六个八",
        "存折上有两万",
        "他在广州打工，具体哪里我不知道",
        "明天我去你们公司",
    ]
    # Natural, irregular utterances: numbers read in uneven chunks, fillers, ASR
    # near-homophones around them. {m}/{i}/{c}/{v} are filled with fresh values.
    natural = [
        ("喂 你好 我那个手机号码是 {m:3,2,2,2,2: } 你记一下", "PII-MOBILE-CN"),
        ("嗯，打我老婆电话吧，{m:3,4,4:，}", "PII-MOBILE-CN"),
        ("号码是{m:3,8:...}", "PII-MOBILE-CN"),
        ("你记一下哈 {m:4,3,4: } 这个号码二十四小时开机", "PII-MOBILE-CN"),
        ("身份证号啊 我念一下 {i:6,4,4,4: }", "PII-ID-CN"),
        ("那个证件号 {i:3,3,8,4:，} 对 没错", "PII-ID-CN"),
        ("我身份正号码是{i}", "PII-ID-CN"),
        ("卡号我报一下啊，{c:4,4,4,4,3: }，农行的", "PII-BANKCARD"),
        ("就是我工资卡，{c}，你们每个月从这扣", "PII-BANKCARD"),
        ("车架号后面我看不清了，前面是{v}", "PII-VIN"),
    ]
    for template, eid in natural * 2:
        add(natural_line(template, eid), "natural")
    for t in negatives:
        add({"text": t, "entities": []}, "negative")
    return out


def main() -> None:
    rows = lines()
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} lines to {OUT}")


if __name__ == "__main__":
    main()
