"""`evaluate` command, text-only, end to end with the real rule packs."""

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.evaluate.cli import evaluate_command

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny_labels.jsonl"


def test_bad_labels_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = TINY.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(good + "\n" + '{"id": "x", "turns": [{"speaker": "boss", "text": "喂"}]}\n',
                    encoding="utf-8")
    result = CliRunner().invoke(evaluate_command, [str(path), "--text-only"])
    assert result.exit_code == 2
    assert f"{path}:2: turns.0.speaker" in result.output


def test_text_only_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(evaluate_command, [str(TINY), "--text-only", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "overall micro" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == {"overall", "per_id", "script", "risks", "cer", "pii", "speakers",
                           "unknown_ids", "errors", "calls"}
    assert report["errors"] == []
    assert report["overall"]["calls_scored"] == 4
    assert report["unknown_ids"] == ["CN-TYPO-01"]
    rows = {r["id"]: r for r in report["per_id"]}
    labelled = {"CN-THREAT-01", "CN-PUBLIC-01", "CN-3P-01", "CN-3P-02", "CN-VISIT-01",
                "RISK-INCOME", "RISK-PTP", "RISK-PTP-BROKEN", "RISK-VEHICLE-USER",
                "PII-MOBILE-CN", "CB-04", "CB-06", "CB-07", "CB-08", "CB-10"}
    assert labelled <= set(rows)
    # every labelled positive is either found (TP) or listed as a miss with its quote
    assert sum(r["tp"] + r["fn"] for r in rows.values()) == 16
    misses = [i for c in report["calls"] for i in c["issues"] if i["kind"] == "miss"]
    assert len(misses) == sum(r["fn"] for r in rows.values() if r["section"] != "pii")
    assert report["cer"] is None  # text-only
    assert report["script"]["items"] and report["pii"] is not None


def test_ids_and_limit(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(evaluate_command, [str(TINY), "--text-only", "--limit", "2",
                                                   "--ids", "CN-THREAT-01,RISK-PTP",
                                                   "--json", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["overall"]["calls"] == 2
    assert {r["id"] for r in report["per_id"]} <= {"CN-THREAT-01", "RISK-PTP"}
    assert report["overall"]["ids_filter"] == ["CN-THREAT-01", "RISK-PTP"]
