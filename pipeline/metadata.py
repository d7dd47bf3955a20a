"""Call metadata from a sidecar JSON (``call.wav.json`` or ``call.json``) or a manifest CSV.

Manifest columns: file,call_id,started_at,agent_id,borrower_id,kind,channels[,team,dial_attempts]
where ``channels`` is a JSON object such as {"0": "agent", "1": "borrower"}.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from pipeline.callmeta import CALL_KINDS, ROLES, CallKind, CallMeta, Role
from pipeline.errors import MetadataError

_KNOWN = {"call_id", "started_at", "agent_id", "borrower_id", "kind", "channels", "team",
          "dial_attempts", "file", "audio", "id"}


def _parse_channels(value: Any, where: str) -> tuple[tuple[int, Role], ...]:
    if value in (None, "", {}):
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise MetadataError(f"{where}: channels is not JSON: {value!r}") from exc
    if not isinstance(value, Mapping):
        raise MetadataError(f'{where}: channels must be an object like {{"0": "agent"}}')
    out: list[tuple[int, Role]] = []
    for k, v in value.items():
        try:
            ch = int(k)
        except (TypeError, ValueError) as exc:
            raise MetadataError(f"{where}: channel key {k!r} is not a number") from exc
        if v not in ROLES:
            raise MetadataError(f"{where}: channel {k} role {v!r} is not one of {', '.join(ROLES)}")
        out.append((ch, cast(Role, v)))
    return tuple(sorted(out))


def _parse_time(value: Any, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise MetadataError(f"{where}: started_at {value!r} is not an ISO date-time "
                            "(e.g. 2026-03-02T10:15:00+08:00)") from exc


def meta_from_mapping(data: Mapping[str, Any], default_id: str, where: str) -> CallMeta:
    kind = data.get("kind") or None
    if kind is not None and kind not in CALL_KINDS:
        raise MetadataError(f"{where}: kind {kind!r} is not one of {', '.join(CALL_KINDS)}")
    attempts = data.get("dial_attempts")
    try:
        dial_attempts = int(attempts) if attempts not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise MetadataError(f"{where}: dial_attempts {attempts!r} is not a number") from exc
    extra = tuple(sorted((str(k), str(v)) for k, v in data.items() if k not in _KNOWN))
    return CallMeta(
        call_id=str(data.get("call_id") or data.get("id") or default_id),
        kind=cast(CallKind | None, kind),
        started_at=_parse_time(data.get("started_at"), where),
        agent_id=(str(data["agent_id"]) if data.get("agent_id") else None),
        borrower_id=(str(data["borrower_id"]) if data.get("borrower_id") else None),
        team=(str(data["team"]) if data.get("team") else None),
        channels=_parse_channels(data.get("channels"), where),
        dial_attempts=dial_attempts,
        extra=extra,
    )


def read_manifest(path: Path) -> dict[str, CallMeta]:
    """Map resolved audio path -> CallMeta for every row of a manifest CSV."""
    out: dict[str, CallMeta] = {}
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            raise MetadataError(f"{path}: manifest needs a header row with a 'file' column")
        for lineno, row in enumerate(reader, start=2):
            where = f"{path}:{lineno}"
            file = (row.get("file") or "").strip()
            if not file:
                raise MetadataError(f"{where}: empty 'file'")
            audio = (path.parent / file).resolve()
            out[str(audio)] = meta_from_mapping(row, Path(file).stem, where)
    return out


def sidecar_for(audio: Path) -> Path | None:
    for candidate in (audio.with_name(audio.name + ".json"), audio.with_suffix(".json")):
        if candidate.is_file():
            return candidate
    return None


def load_metadata(audio: Path, manifest: Mapping[str, CallMeta] | None = None,
                  default_channels: Mapping[str, str] | None = None) -> CallMeta:
    """Sidecar beats manifest; with neither, the file stem is the call id."""
    side = sidecar_for(audio)
    if side is not None:
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise MetadataError(f"{side}: not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise MetadataError(f"{side}: expected a JSON object")
        meta = meta_from_mapping(data, audio.stem, str(side))
    elif manifest is not None and str(audio.resolve()) in manifest:
        meta = manifest[str(audio.resolve())]
    else:
        meta = CallMeta(call_id=audio.stem)
    if not meta.channels and default_channels:
        meta = meta_from_mapping({**_as_mapping(meta), "channels": dict(default_channels)},
                                 meta.call_id, "config audio.default_channels")
    return meta


def _as_mapping(meta: CallMeta) -> dict[str, Any]:
    return {
        "call_id": meta.call_id, "kind": meta.kind,
        "started_at": meta.started_at.isoformat() if meta.started_at else None,
        "agent_id": meta.agent_id, "borrower_id": meta.borrower_id, "team": meta.team,
        "dial_attempts": meta.dial_attempts, **dict(meta.extra),
    }
