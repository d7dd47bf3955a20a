"""The ``risk`` click group."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from pipeline.risk.cli import risk_group
from pipeline.risk.pack import default_pack_path


def test_check_json() -> None:
    out = CliRunner().invoke(risk_group, ["check", "--no-semantic", "--json",
                                          "--started-at", "2026-03-02T10:00:00+0800",
                                          "车已经卖了", "这周五还两千五"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["level"] == "critical"
    ptp = next(s for s in data["signals"] if s["id"] == "RISK-PTP")
    assert ptp["slots"]["amount"] == 2500 and ptp["slots"]["date"] == "2026-03-06"


def test_check_text_negated() -> None:
    out = CliRunner().invoke(risk_group, ["check", "--no-semantic", "车没卖"])
    assert out.exit_code == 0, out.output
    assert "RISK-VEHICLE-CONTROL negated" in out.output and "-> low" in out.output


def test_examples_pass_and_fail(tmp_path: Path) -> None:
    ok = CliRunner().invoke(risk_group, ["examples", "--no-semantic"])
    assert ok.exit_code == 0, ok.output
    data = yaml.safe_load(default_pack_path().read_text(encoding="utf-8"))
    data["signals"][0]["examples"].append({"text": "今天天气很好", "polarity": "asserted"})
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = CliRunner().invoke(risk_group, ["examples", "--no-semantic", "--pack", str(bad)])
    assert out.exit_code == 1 and "FAIL RISK-INCOME" in out.output and "今天天气很好" in out.output


def test_bad_pack_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: x\n", encoding="utf-8")
    out = CliRunner().invoke(risk_group, ["check", "--pack", str(bad), "x"])
    assert out.exit_code == 1 and "invalid risk pack" in out.output


def test_check_with_the_agents_question() -> None:
    out = CliRunner().invoke(risk_group, ["check", "--no-semantic", "--asked", "车现在谁在开？",
                                          "我表哥开啊"])
    assert out.exit_code == 0, out.output
    assert "RISK-VEHICLE-USER asserted" in out.output and "user=relative" in out.output
    alone = CliRunner().invoke(risk_group, ["check", "--no-semantic", "我表哥开啊"])
    assert "RISK-VEHICLE-USER" not in alone.output
