"""``callqa risk``: try the risk pack on sentences and check a (customised) pack.

    callqa risk check "车已经卖了" "这周五还两千" --started-at 2026-03-02T10:00:00+08:00
    callqa risk check --asked "车现在谁在开？" "我弟开"
    callqa risk examples --pack my_cn_risk.yaml
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.errors import ConfigError
from pipeline.risk.detect import extract_risks
from pipeline.risk.examples import run_examples
from pipeline.risk.pack import RiskPack, default_pack_path, load_risk_pack

_PACK = click.option("--pack", "pack_path", type=click.Path(path_type=Path, dir_okay=False),
                     default=None, help="risk pack YAML (default: compliance_rules/cn_risk.yaml)")
_NO_SEMANTIC = click.option("--no-semantic", is_flag=True,
                            help="patterns only (skip the sentence encoder)")


def _load(pack_path: Path | None, no_semantic: bool) -> RiskPack:
    overrides = {"semantic": {"enabled": False}} if no_semantic else None
    try:
        return load_risk_pack(pack_path or default_pack_path(), overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("risk")
def risk_group() -> None:
    """Borrower risk signals (pack cn_risk)."""


@risk_group.command("check")
@click.argument("sentences", nargs=-1, required=True)
@click.option("--role", type=click.Choice(["borrower", "third_party"]), default="borrower",
              show_default=True, help="who says the sentences")
@click.option("--started-at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S",
                                                    "%Y-%m-%d"]),
              default=None, help="call start, to resolve dates (default: now)")
@click.option("--asked", default=None,
              help="the agent's question before the sentences (short answers such as "
                   "我弟开 count only after one)")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_PACK
@_NO_SEMANTIC
def check_command(sentences: tuple[str, ...], role: str, started_at: datetime | None,
                  asked: str | None, as_json: bool, pack_path: Path | None,
                  no_semantic: bool) -> None:
    """Show the signals, slots and risk level for SENTENCES (one turn each)."""
    pack = _load(pack_path, no_semantic)
    said = [("agent", asked)] if asked else []
    said += [(role, s) for s in sentences]
    turns = tuple(Turn(i, "cli", r, None, None, s) for i, (r, s) in enumerate(said))  # type: ignore[arg-type]
    conv = Conversation(CallMeta("cli", None, started_at or datetime.now().astimezone()), turns)
    result = extract_risks(conv, pack)
    if as_json:
        click.echo(json.dumps({
            "level": result.level, "score": result.score, "explanation": result.explanation,
            "signals": [{"id": s.signal_id, "polarity": s.polarity, "turn": s.evidence.turn,
                         "quote": s.evidence.quote, "method": s.evidence.method,
                         "pattern": s.evidence.pattern, "uncertain": s.evidence.uncertain,
                         "weight": s.weight, "slots": s.slot_map} for s in result.signals],
        }, ensure_ascii=False, indent=2))
        return
    for s in result.signals:
        slots = " ".join(f"{k}={v}" for k, v in s.slots)
        flag = " (uncertain)" if s.evidence.uncertain else ""
        click.echo(f"turn {s.evidence.turn}: {s.signal_id} {s.polarity} [{s.evidence.method}]"
                   f"{flag} +{s.weight:g} «{s.evidence.quote}» {slots}".rstrip())
    for line in result.explanation[-1:]:
        click.echo(line)


@risk_group.command("examples")
@_PACK
@_NO_SEMANTIC
def examples_command(pack_path: Path | None, no_semantic: bool) -> None:
    """Run every example in the pack; exit 1 when one fails."""
    pack = _load(pack_path, no_semantic)
    outcomes = run_examples(pack)
    failed = [o for o in outcomes if not o.ok]
    for o in failed:
        click.echo(f"FAIL {o.signal_id} #{o.index} «{o.example.text}»: {'; '.join(o.problems)}")
    click.echo(f"{len(outcomes) - len(failed)}/{len(outcomes)} examples pass ({pack.source})")
    if failed:
        raise SystemExit(1)
