"""``callqa rules lint`` and ``callqa rules test``: for people who edit rule packs."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.errors import ConfigError
from pipeline.rules.examples import iter_cases, run_case
from pipeline.rules.loader import load_packs
from pipeline.settings import load_settings


def _dir(pack_dir: Path | None) -> Path:
    return pack_dir if pack_dir is not None else load_settings().rules_dir


@click.group("rules")
def rules() -> None:
    """Check and test compliance rule packs."""


@rules.command("lint")
@click.argument("pack_dir", required=False, type=click.Path(path_type=Path))
def lint(pack_dir: Path | None) -> None:
    """Validate every pack in PACK_DIR (default: CALLQA_RULES_DIR)."""
    try:
        packs = load_packs(_dir(pack_dir))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    for pack in packs:
        enabled = sum(1 for r in pack.rules if r.enabled)
        examples = sum(len(r.examples.match) + len(r.examples.no_match) for r in pack.rules)
        click.echo(f"{pack.name} {pack.version}: {enabled} rules, {examples} examples ({pack.path})")
    click.echo("ok")


@rules.command("test")
@click.argument("pack_dir", required=False, type=click.Path(path_type=Path))
@click.option("--rule", "rule_ids", multiple=True, help="only this rule ID (repeatable)")
@click.option("-v", "--verbose", is_flag=True, help="list passing examples too")
def test(pack_dir: Path | None, rule_ids: tuple[str, ...], verbose: bool) -> None:
    """Run every example of every pack: `match` must fire, `no_match` must not."""
    try:
        packs = load_packs(_dir(pack_dir))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    failed = total = 0
    for case in iter_cases(packs):
        if rule_ids and case.rule_id not in rule_ids:
            continue
        total += 1
        outcome = run_case(packs, case)
        ex = case.example
        text = ex.text or " / ".join(f"{t.role}: {t.text}" for t in ex.turns or []) \
            or (ex.started_at.isoformat() if ex.started_at else "")
        if not outcome.passed:
            failed += 1
            click.echo(f"FAIL {case.name}: {text}\n     {outcome.detail}")
        elif verbose:
            click.echo(f"ok   {case.name}: {text}")
    click.echo(f"{total - failed}/{total} examples pass")
    if failed:
        raise SystemExit(1)
