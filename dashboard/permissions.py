"""Which role may do what in the dashboard.

One table maps a role to its capabilities; pages and actions ask ``can`` rather
than comparing role names, so granting a capability to another role is a
one-line change here. Seeing raw (unmasked) personal data defers to
``pipeline.pii.may_see_raw`` when the PII package provides it, so the
dashboard and the exports answer that question the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal

UserRole = Literal["auditor", "trainer", "risk_officer", "admin"]
USER_ROLES: Final[tuple[UserRole, ...]] = ("auditor", "trainer", "risk_officer", "admin")

Capability = Literal[
    "view_overview",
    "view_calls",
    "view_raw_pii",
    "review_findings",  # confirm / dismiss / uncertain
    "record_appeal",  # enter an agent's appeal against a confirmed finding
    "decide_appeal",  # uphold or reject an appeal
    "override_roles",
    "manage_playlists",
    "export_playlists",
    "manage_cases",
    "view_rules",
    "view_audit_log",
]

CAPABILITIES: Final[dict[str, frozenset[Capability]]] = {
    "auditor": frozenset({
        "view_overview", "view_calls", "review_findings", "record_appeal", "decide_appeal",
        "override_roles", "view_rules",
    }),
    "trainer": frozenset({
        "view_overview", "view_calls", "manage_playlists", "export_playlists", "view_rules",
    }),
    "risk_officer": frozenset({
        "view_overview", "view_calls", "manage_cases", "view_rules",
    }),
    "admin": frozenset({
        "view_overview", "view_calls", "view_raw_pii", "review_findings", "record_appeal",
        "decide_appeal", "override_roles", "manage_playlists", "export_playlists",
        "manage_cases", "view_rules", "view_audit_log",
    }),
}


def is_role(value: str) -> bool:
    return value in CAPABILITIES


def can(role: str, capability: Capability) -> bool:
    """True when ``role`` holds ``capability``; unknown roles hold nothing."""
    caps = CAPABILITIES.get(role)
    return caps is not None and capability in caps


def _pipeline_may_see_raw() -> Callable[[str], bool] | None:
    # The PII package is written separately; use its policy when it exists so
    # the answer cannot drift between dashboard and exports.
    import importlib

    for module in ("pipeline.pii", "pipeline.pii.masking"):
        try:
            fn = getattr(importlib.import_module(module), "may_see_raw", None)
        except ImportError:
            continue
        if callable(fn):
            return fn
    return None


def may_see_raw(role: str) -> bool:
    """Whether ``role`` may see unmasked transcript text (segments.raw_text)."""
    fn = _pipeline_may_see_raw()
    if fn is not None:
        try:
            return bool(fn(role))
        except Exception:  # a broken PII pack must fail closed, not open
            return False
    return can(role, "view_raw_pii")
