"""Pack loading: validation errors name file, signal and field; overrides apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.risk import extract_risks, load_risk_pack
from pipeline.risk.pack import default_pack_path
from tests.pipeline.risk.conftest import conversation


def _write(tmp_path: Path, mutate: object) -> Path:
    data = yaml.safe_load(default_pack_path().read_text(encoding="utf-8"))
    assert callable(mutate)
    mutate(data)
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_pack_covers_the_catalogue() -> None:
    pack = load_risk_pack(default_pack_path())
    ids = {s.id for s in pack.signals}
    assert ids == {
        "RISK-INCOME", "RISK-HEALTH", "RISK-FAMILY", "RISK-VEHICLE-CONTROL", "RISK-VEHICLE-LIEN",
        "RISK-VEHICLE-USER", "RISK-RELOCATION", "RISK-OTHER-DEBT", "RISK-REFUSAL",
        "RISK-HARDSHIP", "RISK-PTP", "RISK-PTP-BROKEN", "RISK-FRAUD", "RISK-LEGAL",
        "RISK-COMPLAINT",
    }
    assert pack.weight("RISK-VEHICLE-CONTROL") == 10.0 and pack.weight("RISK-PTP") == 0.0


def test_bad_regex_names_signal_and_field(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["signals"][1]["regexes"] = ["(unclosed"]

    with pytest.raises(ConfigError) as err:
        load_risk_pack(_write(tmp_path, mutate))
    msg = str(err.value)
    assert "pack.yaml" in msg and "RISK-HEALTH" in msg and "regexes" in msg


def test_bad_severity_names_signal_and_field(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["signals"][0]["severity"] = "huge"

    with pytest.raises(ConfigError, match=r"RISK-INCOME field severity"):
        load_risk_pack(_write(tmp_path, mutate))


def test_unknown_field_and_example_without_polarity(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["signals"][2]["phrasez"] = ["x"]
        d["signals"][3]["examples"] = [{"text": "车卖了"}]

    with pytest.raises(ConfigError) as err:
        load_risk_pack(_write(tmp_path, mutate))
    msg = str(err.value)
    assert "RISK-FAMILY field phrasez" in msg
    assert "RISK-VEHICLE-CONTROL field examples.0" in msg and "polarity" in msg


def test_unknown_macro(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["signals"][0]["regexes"] = ["%NOPE%失业"]

    with pytest.raises(ConfigError, match=r"RISK-INCOME.*NOPE"):
        load_risk_pack(_write(tmp_path, mutate))


def test_missing_file_and_not_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_risk_pack(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("signals: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_risk_pack(bad)


def test_overrides_change_weights_and_switch_signals_off() -> None:
    conv = conversation(("borrower", "我失业了，还有网贷。"))
    base = load_risk_pack(default_pack_path(), {"semantic": {"enabled": False}})
    assert extract_risks(conv, base).score == 6.0
    tuned = load_risk_pack(default_pack_path(), {
        "semantic": {"enabled": False},
        "weights": {"high": 1.0},
        "signals": {"RISK-OTHER-DEBT": {"enabled": False}},
        "levels": {"medium": 0.5},
    })
    result = extract_risks(conv, tuned)
    assert {s.signal_id for s in result.signals} == {"RISK-INCOME"}
    assert result.score == 1.0 and result.level == "medium"


def test_override_of_unknown_signal_is_an_error() -> None:
    with pytest.raises(ConfigError, match="RISK-NOPE"):
        load_risk_pack(default_pack_path(), {"signals": {"RISK-NOPE": {"weight": 1}}})


def test_override_with_bad_threshold_order() -> None:
    with pytest.raises(ConfigError, match="levels"):
        load_risk_pack(default_pack_path(), {"levels": {"medium": 9.0}})


def test_bad_answer_regex_names_signal_and_field(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["signals"][0]["answers"] = [{"asked": ["收入"], "regexes": ["(unclosed"]}]

    with pytest.raises(ConfigError) as err:
        load_risk_pack(_write(tmp_path, mutate))
    assert "RISK-INCOME field answers" in str(err.value)


def test_bad_cue_regex_is_reported(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["cues"]["trailing_denial"] = ["(unclosed"]

    with pytest.raises(ConfigError, match="trailing_denial"):
        load_risk_pack(_write(tmp_path, mutate))


def test_a_signal_of_answers_only_is_valid(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["signals"].append({"id": "X-SHORT", "version": "1", "severity": "medium",
                             "answers": [{"asked": ["谁在开"], "regexes": ["^我弟开$"]}]})

    pack = load_risk_pack(_write(tmp_path, mutate), {"semantic": {"enabled": False}})
    conv = conversation(("agent", "车现在谁在开？"), ("borrower", "我弟开"))
    assert "X-SHORT" in {s.signal_id for s in extract_risks(conv, pack).signals}
    alone = conversation(("borrower", "我弟开"))
    assert "X-SHORT" not in {s.signal_id for s in extract_risks(alone, pack).signals}
