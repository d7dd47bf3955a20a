"""Time the dashboard's overview loaders on a store with many calls.

    .venv/bin/python benchmarks/bench_dashboard.py --calls 100000

Builds (or reuses) a SQLite store with N calls and realistic child-row counts
using bulk inserts: about 1.4 findings, 0.8 risk signals and 0.1 reviews per
call, 60 agents in 6 teams over 26 weeks. Then runs every loader the overview
page calls, cold (caches cleared), and prints the timings. The target is the
whole overview under 2 s at 100,000 calls.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from dashboard import data
from pipeline.store.schema import CallRow, FindingRow, ReviewRow, RiskSignalRow
from pipeline.store.session import open_store

RULES = [("CN-ID-01", "major", 0.25), ("CN-REC-01", "minor", 0.30),
         ("CN-VERIFY-01", "critical", 0.05), ("CN-3P-01", "critical", 0.03),
         ("CN-THREAT-01", "critical", 0.02), ("CN-MISLEAD-01", "critical", 0.04),
         ("CN-TIME-01", "major", 0.05), ("QA-SILENCE-01", "minor", 0.30),
         ("QA-CLOSE-01", "minor", 0.20), ("QA-OVERTALK-01", "minor", 0.15)]
SIGNALS = [("RISK-PTP", 0.3), ("RISK-HARDSHIP", 0.15), ("RISK-INCOME", 0.1),
           ("RISK-OTHER-DEBT", 0.1), ("RISK-VEHICLE-USER", 0.05), ("RISK-REFUSAL", 0.05),
           ("RISK-VEHICLE-CONTROL", 0.02), ("RISK-COMPLAINT", 0.03)]
POLARITIES = ["asserted"] * 8 + ["negated", "hypothetical"]
BATCH = 20_000


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def build(url: str, n_calls: int, seed: int = 7) -> dict[str, int]:
    factory = open_store(url)
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    now = datetime.now(UTC)
    counts = {"calls": 0, "findings": 0, "risk_signals": 0, "reviews": 0}

    def calls() -> Iterator[dict[str, Any]]:
        for i in range(1, n_calls + 1):
            agent = rng.randrange(60)
            level = rng.choices(["low", "medium", "high", "critical"], [70, 20, 8, 2])[0]
            yield {"id": i, "call_id": f"c{i:07d}", "source_path": f"/recordings/c{i:07d}.wav",
                   "content_hash": f"{i:064x}", "status": "done" if rng.random() > 0.01
                   else "failed", "duration": rng.uniform(60, 600), "channels": 2,
                   "sample_rate": 16000, "kind": rng.choice(["callback", "collection", "visit"]),
                   "started_at": start + timedelta(minutes=rng.randrange(26 * 7 * 24 * 60)),
                   "agent_id": f"A{agent:03d}", "team": f"T{agent % 6}",
                   "borrower_id": f"B{rng.randrange(n_calls // 3 + 1):06d}",
                   "risk_level": level, "risk_score": rng.random(), "processed_at": now}

    def findings() -> Iterator[dict[str, Any]]:
        for i in range(1, n_calls + 1):
            for rule, severity, p in RULES:
                if rng.random() < p:
                    t = rng.uniform(0, 300)
                    yield {"key": f"c{i:07d}|{rule}|{int(t)}", "call_pk": i, "rule_id": rule,
                           "rule_version": "1.0", "pack": "bench", "pack_version": "1.0",
                           "severity": severity, "clause": "", "message": "",
                           "speaker": "ch0", "role": "agent", "turn_index": int(t // 10),
                           "start": t, "end": t + 3, "quote": "……", "pattern": "p",
                           "method": "exact", "score": 1.0, "uncertain": False}

    def signals() -> Iterator[dict[str, Any]]:
        for i in range(1, n_calls + 1):
            for sig, p in SIGNALS:
                if rng.random() < p:
                    t = rng.uniform(0, 300)
                    slots = {"amount": 2000, "date": "2026-03-06"} if sig == "RISK-PTP" else {}
                    yield {"key": f"c{i:07d}|{sig}|{int(t)}", "call_pk": i, "signal_id": sig,
                           "polarity": rng.choice(POLARITIES), "slots_json": json.dumps(slots),
                           "weight": 1.0, "speaker": "ch1", "role": "borrower",
                           "turn_index": int(t // 10), "start": t, "end": t + 2, "quote": "……",
                           "pattern": "p", "method": "exact", "score": 0.9, "uncertain": False}

    with factory.begin() as s:
        for table, gen, name in ((CallRow, calls, "calls"), (FindingRow, findings, "findings"),
                                 (RiskSignalRow, signals, "risk_signals")):
            for batch in _batches(gen()):
                s.execute(insert(table), batch)
                counts[name] += len(batch)
                if name == "findings":
                    reviews = [{"target_type": "finding", "target_key": r["key"],
                                "action": rng.choice(["confirm"] * 4 + ["dismiss"]),
                                "reason": "", "username": "auditor", "created_at": now}
                               for r in batch if rng.random() < 0.07]
                    if reviews:
                        s.execute(insert(ReviewRow), reviews)
                        counts["reviews"] += len(reviews)
    return counts


def _time(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("data/bench_dashboard.db"))
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the store")
    args = parser.parse_args()
    if args.rebuild and args.db.exists():
        args.db.unlink()
    url = f"sqlite:///{args.db}"
    if not args.db.exists():
        t = _time(lambda: print("built:", build(url, args.calls)))
        print(f"build: {t:.1f} s")
    filters = data.Filters()
    one_team = data.Filters(teams=("T1",), severities=("critical",))
    data.get_factory(url)  # open the engine outside the timings
    for label, flt in (("no filter", filters), ("team T1, critical", one_team)):
        for loader in (*data.REVIEW_LOADERS, data.load_filter_options):
            loader.clear()
        total = 0.0
        print(f"\noverview loaders, cold, {label}:")
        for name, fn in overview_loaders(url, flt):
            t = _time(fn)
            total += t
            print(f"  {name:<18} {t * 1000:8.1f} ms")
        print(f"  {'total':<18} {total * 1000:8.1f} ms  (target < 2000 ms)")
    print("\nother pages, cold:")
    for name, fn in (("review queue", lambda: data.load_review_queue(url, filters)),
                     ("risk queue", lambda: data.load_risk_queue(url, filters)),
                     ("call list", lambda: data.load_calls(url, filters)),
                     ("rule hits", lambda: data.load_rule_hits(url, filters))):
        print(f"  {name:<18} {_time(fn) * 1000:8.1f} ms")


def overview_loaders(url: str, f: data.Filters) -> list[tuple[str, Callable[[], Any]]]:
    """Every loader pages/overview.py calls, in page order."""
    return [
        ("filter options", lambda: data.load_filter_options(url)),
        ("kpis", lambda: data.load_kpis(url, f)),
        ("weekly trend", lambda: data.load_weekly(url, f)),
        ("findings by rule", lambda: data.load_findings_by_rule(url, f)),
        ("by team", lambda: data.load_by_group(url, f, "team")),
        ("by agent", lambda: data.load_by_group(url, f, "agent_id", limit=15)),
        ("agreement", lambda: data.load_agreement(url, f)),
    ]


if __name__ == "__main__":
    main()
