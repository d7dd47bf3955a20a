"""`callqa evaluate`: score the system against a labelled conversation set."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.errors import CallQAError


def _parse_ids(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


@click.command("evaluate")
@click.argument("labels", type=click.Path(path_type=Path))
@click.option("--text-only", is_flag=True,
              help="analyse the labelled turn text; no transcription (rules only)")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None,
              help="also write the full report (per call misses and false alarms) as JSON")
@click.option("--ids", default=None, help="only these IDs, comma-separated (CN-THREAT-01,...)")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="first N conversations")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="run configuration YAML (decoding options, thresholds)")
@click.option("--max-issues", type=click.IntRange(min=0), default=200, show_default=True,
              help="issues listed on stdout (all go to --json)")
def evaluate_command(labels: Path, text_only: bool, json_out: Path | None, ids: str | None,
                     limit: int | None, config_path: Path | None, max_issues: int) -> None:
    """Evaluate against LABELS.jsonl (spec/labels.md): precision, recall, F1 per ID,
    localisation, polarity, slots, script items, PII and, with audio, CER and speakers."""
    from pipeline.config import load_config
    from pipeline.evaluate.labels import load_labels
    from pipeline.evaluate.report import format_table, report_to_dict
    from pipeline.evaluate.run import evaluate
    from pipeline.settings import load_settings

    try:
        records = load_labels(labels)
        if limit is not None:
            records = records[:limit]
        settings = load_settings()
        config = load_config(config_path)
        if text_only:
            from pipeline.analyse import load_analysers

            analysers = load_analysers(settings.rules_dir, config)
            resources = None
        else:
            from pipeline.process import build_resources

            resources = build_resources(settings, config)
            analysers = resources.analysers

        def progress(n: int, total: int, call_id: str) -> None:
            click.echo(f"[{n}/{total}] {call_id}", err=True)

        report = evaluate(records, text_only=text_only, analysers=analysers,
                          resources=resources, ids=_parse_ids(ids), labels_path=labels,
                          progress=progress)
    except CallQAError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(format_table(report, max_issues=max_issues))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report_to_dict(report), ensure_ascii=False, indent=1),
                            encoding="utf-8")
        click.echo(f"\nJSON report written to {json_out}")
