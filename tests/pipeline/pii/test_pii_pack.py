from pathlib import Path

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.pii.pack import ENTITY_IDS, load_pii_pack, parse_pii_pack

PACK = Path(__file__).resolve().parents[3] / "compliance_rules" / "cn_pii.yaml"


def _data() -> dict[str, object]:
    data = yaml.safe_load(PACK.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_shipped_pack_loads() -> None:
    pack = load_pii_pack(PACK)
    assert pack.pack == "cn_pii" and set(pack.entities) == set(ENTITY_IDS)
    assert pack.raw_roles == ("admin",)


def test_error_names_file_entity_and_field(tmp_path: Path) -> None:
    data = _data()
    data["entities"]["PII-VIN"]["context_boost"] = 3  # type: ignore[index]
    bad = tmp_path / "cn_pii.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_pii_pack(bad)
    msg = str(err.value)
    assert str(bad) in msg and "PII-VIN" in msg and "context_boost" in msg


def test_missing_score_and_bad_regex_reported() -> None:
    data = _data()
    del data["entities"]["PII-BANKCARD"]["scores"]["valid_common"]  # type: ignore[index]
    data["entities"]["PII-VIN"]["patterns"]["vin"] = "([A-Z"  # type: ignore[index]
    with pytest.raises(ConfigError) as err:
        parse_pii_pack(data, "x.yaml")
    msg = str(err.value)
    assert "PII-BANKCARD: field scores.valid_common: missing" in msg
    assert "PII-VIN: field patterns.vin: bad regex" in msg


def test_unknown_role_and_entity_rejected() -> None:
    data = _data()
    data["raw_roles"] = ["admin", "janitor"]
    with pytest.raises(ConfigError, match="janitor"):
        parse_pii_pack(data, "x.yaml")
    data = _data()
    data["entities"]["PII-EMAIL"] = data["entities"]["PII-VIN"]  # type: ignore[index]
    with pytest.raises(ConfigError, match="PII-EMAIL: unknown ID"):
        parse_pii_pack(data, "x.yaml")
