"""`callqa` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from pipeline.errors import CallQAError


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group()
@click.version_option(package_name="callqa")
def main() -> None:
    """Offline post-loan call quality checks (callbacks, collection calls, home visits)."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="run configuration YAML (decoding options, thresholds)")
@click.option("--workers", type=int, default=None, help="worker processes (default: one per core)")
@click.option("--force", is_flag=True, help="re-process files already done")
@click.option("--no-progress", is_flag=True, help="no progress bar")
@click.option("--runner", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local worker processes, or Ray actors (the `ray` extra)")
@click.option("--address", default=None,
              help="Ray cluster to join (HEAD_IP:6379, or auto on a cluster node); default: a local Ray")
def run(paths: tuple[Path, ...], config_path: Path | None, workers: int | None, force: bool,
        no_progress: bool, runner: str, address: str | None) -> None:
    """Transcribe and check every recording under PATHS; store the results."""
    from pipeline.batch import Runner, local_runner, run_batch
    from pipeline.config import load_config
    from pipeline.history import apply_borrower_history
    from pipeline.pii import PiiLogFilter, mask_text
    from pipeline.risk import load_risk_pack
    from pipeline.settings import load_settings
    from pipeline.store.queries import call_ids_by_hash, done_hashes, stored_metas
    from pipeline.store.session import open_store
    from pipeline.store.writer import save_outcome

    try:
        settings = load_settings()
        config = load_config(config_path)
        if workers is not None and workers < 1:
            raise click.BadParameter("--workers must be at least 1")
        if address is not None and runner != "ray":
            raise click.BadParameter("--address is for --runner ray")
        chosen: Runner = local_runner
        if runner == "ray":
            from pipeline.ray_runner import RayRunner, import_ray

            import_ray()  # fail before hashing a whole folder if the extra is missing
            chosen = RayRunner(address=address)
        logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
        for handler in logging.getLogger().handlers:
            handler.addFilter(PiiLogFilter())
        factory = open_store(settings.database_url)
        touched: set[str] = set()

        def save(outcome: object) -> None:
            save_outcome(factory, outcome, mask_text)  # type: ignore[arg-type]
            borrower = outcome.meta.borrower_id  # type: ignore[attr-defined]
            if borrower:
                touched.add(borrower)

        report = run_batch(list(paths), settings, config, save, done_hashes(factory),
                           call_ids_by_hash(factory), force=force, workers=workers,
                           progress=not no_progress, stored_history=stored_metas(factory),
                           runner=chosen)
        if touched and not report.interrupted:
            pack = load_risk_pack(settings.rules_dir / "cn_risk.yaml", config.risk or None)
            apply_borrower_history(factory, pack, sorted(touched))
    except CallQAError as exc:
        _fail(exc)
        return
    click.echo(
        f"done {report.done}, failed {report.failed}, skipped (already done) {report.skipped}; "
        f"{report.audio_seconds / 60:.1f} min audio in {report.wall_seconds:.1f} s "
        f"({report.x_real_time:.1f}x real time)"
    )
    for path, code, message in report.failures:
        click.echo(f"  FAILED [{code}] {message if path in message else f'{path}: {message}'}")
    if report.interrupted:
        click.echo("interrupted: finished calls are stored; run the same command to resume")
        sys.exit(130)


@main.command()
@click.option("--failed", is_flag=True, help="only failed calls")
def status(failed: bool) -> None:
    """List processed calls and their outcome."""
    from sqlalchemy import select

    from pipeline.settings import load_settings
    from pipeline.store.schema import CallRow
    from pipeline.store.session import open_store

    try:
        factory = open_store(load_settings().database_url)
    except CallQAError as exc:
        _fail(exc)
        return
    with factory() as session:
        stmt = select(CallRow).order_by(CallRow.call_id)
        if failed:
            stmt = stmt.where(CallRow.status == "failed")
        for row in session.scalars(stmt):
            extra = f"[{row.error_code}] {row.error}" if row.status == "failed" else (
                f"{row.duration or 0:.1f}s risk={row.risk_level}")
            click.echo(f"{row.call_id}\t{row.status}\t{extra}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True)
def export(fmt: str, out_dir: Path) -> None:
    """Write flat tables (calls, segments, findings, risk signals, script items)."""
    from pipeline.export import export_tables
    from pipeline.settings import load_settings
    from pipeline.store.session import open_store

    try:
        written = export_tables(open_store(load_settings().database_url), out_dir, fmt)  # type: ignore[arg-type]
    except CallQAError as exc:
        _fail(exc)
        return
    for name, path in written.items():
        click.echo(f"{name}: {path}")


@main.command()
@click.argument("audio", type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None)
@click.option("--channels", default=None, help='channel map JSON, e.g. {"0":"agent","1":"borrower"}')
@click.option("--json", "as_json", is_flag=True, help="print segments as JSON lines")
def transcribe(audio: Path, config_path: Path | None, channels: str | None, as_json: bool) -> None:
    """Transcribe one file and print its segments (nothing is stored)."""
    from pipeline.audio import AudioOptions, load_audio
    from pipeline.config import load_config
    from pipeline.engines import create_engine
    from pipeline.metadata import load_metadata, meta_from_mapping
    from pipeline.process import engine_options
    from pipeline.settings import load_settings
    from pipeline.transcribe import transcribe_clip

    try:
        settings = load_settings()
        config = load_config(config_path)
        meta = load_metadata(audio)
        if channels:
            meta = meta_from_mapping({"call_id": meta.call_id, "channels": channels},
                                     meta.call_id, "--channels")
        clip = load_audio(audio, AudioOptions(max_duration_s=settings.max_duration_s))
        engine = create_engine(engine_options(settings))
        transcript = transcribe_clip(clip, meta, engine, config.transcribe.to_options())
    except CallQAError as exc:
        _fail(exc)
        return
    for s in transcript.segments:
        if as_json:
            click.echo(json.dumps({"channel": s.channel, "start": s.start, "end": s.end,
                                   "raw_text": s.raw_text, "text": s.text,
                                   "avg_logprob": s.avg_logprob}, ensure_ascii=False))
        else:
            click.echo(f"[ch{s.channel} {s.start:7.2f}-{s.end:7.2f}] {s.raw_text}")


def _register() -> None:
    # Each stage owns its commands; the entry point only routes.
    from dashboard.cli import dashboard, users
    from pipeline.bench import bench
    from pipeline.evaluate.cli import evaluate_command
    from pipeline.pii.cli import pii
    from pipeline.risk.cli import risk_group
    from pipeline.rules.cli import rules
    from pipeline.speakers.cli import speakers_group
    from pipeline.store.cli import db_group

    for command in (rules, risk_group, pii, speakers_group, users, dashboard, bench,
                    evaluate_command, db_group):
        main.add_command(command)


_register()
