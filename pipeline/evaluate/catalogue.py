"""Stable IDs of spec/catalogue.md, grouped by section, for scoring and for
spotting unknown IDs in a labels file (a typo would otherwise score as a miss)."""

from __future__ import annotations

from typing import Literal

Section = Literal["conduct", "service", "script", "risk", "pii", "custom"]

CONDUCT_IDS: tuple[str, ...] = (
    "CN-ID-01", "CN-REC-01", "CN-VERIFY-01", "CN-3P-01", "CN-3P-02", "CN-ABUSE-01",
    "CN-THREAT-01", "CN-VIOL-01", "CN-IMP-01", "CN-MISLEAD-01", "CN-PUBLIC-01",
    "CN-BORROW-01", "CN-CHANNEL-01", "CN-FEE-01", "CN-PROMISE-01", "CN-VISIT-01",
    "CN-TIME-01", "CN-FREQ-01",
)
SERVICE_IDS: tuple[str, ...] = (
    "QA-SILENCE-01", "QA-OVERTALK-01", "QA-RATE-01", "QA-LOUD-01", "QA-EMPATHY-01",
    "QA-CLOSE-01",
)
SCRIPT_IDS: tuple[str, ...] = tuple(f"CB-{i:02d}" for i in range(1, 11))
RISK_IDS: tuple[str, ...] = (
    "RISK-INCOME", "RISK-HEALTH", "RISK-FAMILY", "RISK-VEHICLE-CONTROL", "RISK-VEHICLE-LIEN",
    "RISK-VEHICLE-USER", "RISK-RELOCATION", "RISK-OTHER-DEBT", "RISK-REFUSAL", "RISK-HARDSHIP",
    "RISK-PTP", "RISK-PTP-BROKEN", "RISK-FRAUD", "RISK-LEGAL", "RISK-COMPLAINT",
)
PII_IDS: tuple[str, ...] = (
    "PII-ID-CN", "PII-MOBILE-CN", "PII-BANKCARD", "PII-PLATE-CN", "PII-VIN", "PII-ADDRESS",
)
ALL_IDS: frozenset[str] = frozenset(CONDUCT_IDS + SERVICE_IDS + SCRIPT_IDS + RISK_IDS + PII_IDS)
# Slots a risk signal may carry (catalogue section D, in brackets) plus PTP's.
SLOT_NAMES: tuple[str, ...] = ("amount", "date", "counterparty", "user")


def is_known(item_id: str) -> bool:
    """Catalogue IDs and customer IDs (``X-`` prefix, allowed by the catalogue)."""
    return item_id in ALL_IDS or item_id.startswith("X-")


def section_of(item_id: str) -> Section:
    if item_id in SCRIPT_IDS:
        return "script"
    if item_id.startswith("RISK-"):
        return "risk"
    if item_id.startswith("PII-"):
        return "pii"
    if item_id.startswith("QA-"):
        return "service"
    if item_id.startswith("X-"):
        return "custom"
    return "conduct"
