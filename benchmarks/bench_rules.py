"""Throughput of the rule engine: synthetic transcripts through every pack on one core.

    .venv/bin/python benchmarks/bench_rules.py [--calls 10000] [--segments 60] [--no-semantic]

Transcripts are assembled from collection/callback phrasings with random names,
amounts, dates, spoken openers and tails, so most turn texts are distinct, as in
real transcripts (the per-text caches must not make the run cheap). Prints the
share of distinct texts and segments per second.
"""

from __future__ import annotations

import os

# One core: keep BLAS (used by the sentence encoder) to one thread.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.callmeta import CallKind, CallMeta, Role  # noqa: E402
from pipeline.conversation import Conversation, Turn  # noqa: E402
from pipeline.rules import check_conversation, load_packs  # noqa: E402
from pipeline.rules.matchers import prepare_text  # noqa: E402

SURNAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
AGENT = [
    "您好，我是安信汽车金融的{n}，工号{d4}，本次通话将被录音。",
    "请问是{s}先生吗？",
    "您这个月的月供{a}元已经逾期{k}天了。",
    "您看什么时候方便把{a}块还上？",
    "我们这边需要您在{m}月{k}号之前处理一下。",
    "理解您的情况，我们可以帮您申请延期。",
    "请通过官方APP或者对公账户还款，不要转给个人。",
    "如果长期不还，公司可能会依法起诉，也会影响征信。",
    "您的车辆目前由谁实际使用？",
    "您目前的收入来源是否稳定？",
    "好的，那我给您记录一下，{m}月{k}号还{a}元。",
    "您是否已经收到本次车贷的放款？",
    "还有其他问题吗？",
    "你再不还我们就去你单位找你领导。",
    "感谢您的配合，有问题可以拨打客服热线，再见。",
    "嗯嗯，您说，我在听。",
    "那您先跟家里商量一下，{k}点前给我回个电话。",
]
BORROWER = [
    "嗯，你说。", "是我，怎么了？", "我这个月手头有点紧，厂子停工了。", "过两天吧，{m}月{k}号应该可以。",
    "我老婆住院了，真的没钱。", "知道了知道了。", "车是我自己在开。", "收入还行，在厂里上班。",
    "你们上次的人说要抓我去坐牢。", "行，我{m}月{k}号前还{a}块。", "收到了，金额也对。",
    "没有，车没有抵押。", "我现在在开车，晚点再说。", "你们能不能别老打电话了？",
    "我跟{s}{s2}借了点钱，下周能还上。", "喂？喂？听得到吗？",
]


# Spoken openings and tails, so that turns differ the way real transcripts do:
# in the sample corpus 637 of 651 turn texts are distinct.
OPENERS = ["", "", "嗯，", "那个，", "就是，", "哎，", "对，", "呃，", "喂，", "这个，", "然后，",
           "是这样，", "我跟您说，", "怎么说呢，"]
TAILS = ["", "", "啊", "哈", "呢", "吧", "嘛", "，对吧", "，你知道吧", "，就这样", "，明白吧",
         "，是吧", "，听到没"]


def _fill(template: str, rng: random.Random) -> str:
    s = rng.choice(SURNAMES)
    text = template.format(
        n=f"小{s}", s=s, s2=rng.choice(SURNAMES), d4=rng.randint(1000, 9999),
        a=rng.randint(5, 400) * 10, k=rng.randint(1, 28), m=rng.randint(1, 12),
    )
    body, end = (text[:-1], text[-1]) if text[-1] in "。？！" else (text, "")
    return f"{rng.choice(OPENERS)}{body}{rng.choice(TAILS)}{end}"


def synth_call(i: int, segments: int, rng: random.Random) -> Conversation:
    kind: CallKind = "callback" if i % 3 == 0 else "collection"
    start = datetime(2026, 3, 2, 8, tzinfo=timezone(timedelta(hours=8))) \
        + timedelta(minutes=rng.randint(0, 14 * 60))
    turns = []
    t = 0.0
    for k in range(segments):
        role: Role = "agent" if k % 2 == 0 else "borrower"
        pool = AGENT if role == "agent" else BORROWER
        # About a third of turns say two things: the corpus averages 25 characters a turn.
        text = "".join(_fill(rng.choice(pool), rng) for _ in range(2 if rng.random() < 0.35 else 1))
        dur = max(0.8, len(text) / 4.5)
        turns.append(Turn(index=k, speaker="ch0" if role == "agent" else "ch1", role=role,
                          start=round(t, 2), end=round(t + dur, 2), text=text,
                          channel=0 if role == "agent" else 1))
        t += dur + rng.uniform(0.2, 1.5)
    meta = CallMeta(call_id=f"bench-{i}", kind=kind, started_at=start, borrower_id=f"B{i % 500}",
                    channels=((0, "agent"), (1, "borrower")))
    return Conversation(meta=meta, turns=tuple(turns), duration=t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--segments", type=int, default=60)
    ap.add_argument("--no-semantic", action="store_true")
    ap.add_argument("--rules", type=Path, default=Path(__file__).resolve().parent.parent
                    / "compliance_rules")
    args = ap.parse_args()
    rng = random.Random(7)
    calls = [synth_call(i, args.segments, rng) for i in range(args.calls)]
    distinct = len({t.text for c in calls for t in c.turns})
    n = args.calls * args.segments
    print(f"{args.calls} calls x {args.segments} segments = {n} segments "
          f"({distinct} distinct texts, {distinct / n:.0%}), one core")

    warm_up = synth_call(args.calls, args.segments, random.Random(8))  # not a measured call

    def measure(label: str, settings: dict[str, bool]) -> None:
        # Every pass starts with packs just loaded (empty per-matcher hit caches) and no
        # prepared texts; only the in-memory embedding cache carries over, which is what
        # the warm pass measures. Models load outside the timing.
        packs = load_packs(args.rules)
        check_conversation(warm_up, packs, settings=settings)
        prepare_text.cache_clear()
        began = time.perf_counter()
        findings = 0
        for conv in calls:
            findings += len(check_conversation(conv, packs, settings=settings).findings)
        elapsed = time.perf_counter() - began
        print(f"{label:<44} {elapsed:8.2f} s  {n / elapsed:>9,.0f} segments/s  "
              f"{findings} findings")

    if not args.no_semantic:
        # First pass embeds every distinct turn text; the second finds them cached,
        # as re-checking stored calls after a rule-pack change does.
        measure("semantic on, embeddings computed (cold)", {"semantic": True})
        measure("semantic on, second pass (warm)", {"semantic": True})
        from pipeline.rules import semantic

        if distinct > semantic._CACHE_SIZE:
            print(f"  (the embedding cache holds {semantic._CACHE_SIZE:,} texts, fewer than "
                  f"this run's {distinct:,} distinct ones: the warm pass re-embeds most)")
    measure("semantic off (exact + pinyin + context only)", {"semantic": False})


if __name__ == "__main__":
    main()
