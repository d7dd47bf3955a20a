"""Pieces several pages share: the signed-in user, sidebar filters, the review
controls, colours, and the callback checklist wording.

Pages read through ``dashboard.data`` and write through ``dashboard.actions``;
this module only arranges widgets around those two.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any, Final

import pandas as pd
import streamlit as st

from dashboard import actions, data
from dashboard.auth import SignedInUser
from dashboard.permissions import Capability, can
from pipeline.analysis import SEVERITIES

CALL_PAGE: Final = "pages/call.py"

SEVERITY_COLOURS: Final = {"critical": "#b71c1c", "major": "#ef6c00", "minor": "#f9a825",
                           "info": "#78909c"}
SEVERITY_ICONS: Final = {"critical": "🔴", "major": "🟠", "minor": "🟡", "info": "⚪"}
ROLE_COLOURS: Final = {"agent": "#e3f2fd", "borrower": "#e8f5e9", "third_party": "#fff3e0",
                       "unknown": "#f5f5f5"}
STATUS_LABELS: Final = {"pending": "⏳ awaiting review", "confirmed": "✅ confirmed",
                        "dismissed": "❌ dismissed", "uncertain": "❔ uncertain",
                        "appealed": "⚖️ appealed"}

# Catalogue section C (spec/catalogue.md): what the agent must ask.
CALLBACK_ITEMS: Final = {
    "CB-01": "Loan disbursed / received (是否已经收到放款)",
    "CB-02": "Disbursed amount as expected (放款金额与预期一致吗)",
    "CB-03": "Who uses the vehicle now (车辆目前由谁实际使用)",
    "CB-04": "Third-party rights over the vehicle (是否存在其他第三方对车辆拥有权益)",
    "CB-05": "Income source stable (收入来源是否稳定)",
    "CB-06": "Planned spending changes (未来支出计划)",
    "CB-07": "Extra financial support (是否有额外的财务支持)",
    "CB-08": "Finances affect on-time repayment (是否会影响按时还款)",
    "CB-09": "Repayment date, amount and official channel reminded",
    "CB-10": "Change of phone, address or employer (联系方式、住址、单位是否变化)",
}


def current_user() -> SignedInUser:
    """The signed-in user; app.py only routes to pages after sign-in."""
    user = st.session_state.get("user")
    if not isinstance(user, SignedInUser):
        st.error("Please sign in.")
        st.stop()
    return user


def require(capability: Capability) -> SignedInUser:
    user = current_user()
    if not can(user.role, capability):
        st.error(f"Your role ({user.role}) cannot open this page.")
        st.stop()
    return user


def flash(message: str, kind: str = "success") -> None:
    """Show a message after the rerun that follows a write."""
    st.session_state["_flash"] = (kind, message)


def show_flash() -> None:
    item = st.session_state.pop("_flash", None)
    if item:
        kind, message = item
        getattr(st, kind, st.info)(message)


def sidebar_filters(url: str) -> data.Filters:
    """Filters shared by every page; widget keys keep them across page switches."""
    opts = data.load_filter_options(url)
    with st.sidebar.expander("Filters", expanded=False):
        d_from = st.date_input("Calls from", value=None, key="f_from",
                               min_value=date(2000, 1, 1))
        d_to = st.date_input("Calls to", value=None, key="f_to", min_value=date(2000, 1, 1))
        kinds = st.multiselect("Kind", opts.kinds, key="f_kinds")
        teams = st.multiselect("Team", opts.teams, key="f_teams")
        agents = st.multiselect("Agent", opts.agents, key="f_agents")
        rules = st.multiselect("Rule", opts.rules, key="f_rules")
        severities = st.multiselect("Severity", SEVERITIES, key="f_severities")
        statuses = st.multiselect("Review status", data.REVIEW_STATUSES, key="f_statuses")
    filters = data.Filters(
        date_from=d_from if isinstance(d_from, date) else None,
        date_to=d_to if isinstance(d_to, date) else None,
        kinds=tuple(kinds), agents=tuple(agents), teams=tuple(teams), rules=tuple(rules),
        severities=tuple(severities), statuses=tuple(statuses),
    )
    st.session_state["filters"] = filters
    return filters


def filters() -> data.Filters:
    """The filters app.py read from the sidebar in this run."""
    value = st.session_state.get("filters")
    return value if isinstance(value, data.Filters) else data.Filters()


def open_call_button(call_id: str, key: str, start: float | None = None) -> None:
    if st.button("Open call", key=key):
        st.session_state["call_id"] = call_id
        st.session_state["audio_start"] = start or 0.0
        st.switch_page(CALL_PAGE)


def fmt_time(seconds: Any) -> str:
    if seconds is None or pd.isna(seconds):
        return "--:--"
    s = int(float(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def finding_why(f: dict[str, Any]) -> None:
    """Everything that explains a finding, in one compact table."""
    rows = [
        ("Rule", f"{f['rule_id']} v{f['rule_version']} ({f['pack']} {f['pack_version']})"),
        ("Severity", f["severity"]),
        ("Clause", f["clause"]),
        ("Message", f["message"] or ""),
        ("Evidence", f"turn {f['turn_index'] if f['turn_index'] is not None else '—'}, "
                     f"{f['speaker'] or '—'} ({f['role'] or '—'}), "
                     f"{fmt_time(f['start'])}–{fmt_time(f['end'])}"),
        ("Quote", f["quote"]),
        ("Pattern", f["pattern"]),
        ("Method", f"{f['method']}, score {float(f['score']):.2f}"
                   + (" — machine is unsure" if f["uncertain"] else "")),
    ]
    st.markdown("\n".join(f"- **{k}:** {html.escape(str(v))}" for k, v in rows))


def review_controls(factory: Any, user: SignedInUser, f: dict[str, Any], prefix: str) -> None:
    """Status, history and the decisions this user may take on one finding."""
    status = str(f["status"])
    seen = None if f["review_id"] is None or pd.isna(f["review_id"]) else int(f["review_id"])
    line = STATUS_LABELS.get(status, status)
    if f.get("reviewed_by"):
        line += f" by **{f['reviewed_by']}**"
        if f.get("review_reason"):
            line += f" — “{html.escape(str(f['review_reason']))}”"
    st.markdown(line)
    allowed = [a for a in actions.REVIEW_ACTIONS
               if status in actions.ALLOWED_FROM[a] and can(user.role, actions.CAPABILITY_FOR[a])]
    if not allowed:
        return
    labels = {"confirm": "Confirm", "dismiss": "Dismiss", "uncertain": "Mark uncertain",
              "appeal": "Record agent appeal", "appeal_upheld": "Uphold appeal",
              "appeal_rejected": "Reject appeal"}
    reason_key = f"{prefix}-reason-{f['key']}"
    st.text_input("Reason", key=reason_key, placeholder="why (required except to confirm)")
    cols = st.columns(len(allowed))
    for col, action in zip(cols, allowed, strict=True):
        # A callback gets the args of the run that drew the button, so ``seen`` is
        # the decision this user actually looked at, even if another reviewer's
        # write has refreshed the cache since.
        col.button(labels[action], key=f"{prefix}-{action}-{f['key']}", on_click=_decide,
                   args=(factory, user, str(f["key"]), str(f["rule_id"]), action, reason_key,
                         seen))


def _decide(factory: Any, user: SignedInUser, key: str, rule_id: str,
            action: actions.ReviewAction, reason_key: str, seen: int | None) -> None:
    reason = str(st.session_state.get(reason_key) or "")
    try:
        outcome = actions.review_finding(factory, user, key, action, reason, seen)
    except actions.ActionError as exc:
        flash(f"{rule_id}: {exc}", "error")
        return
    if outcome.written:
        flash(f"{rule_id}: {outcome.message}")
    else:  # another auditor decided first: say who, what and when instead of overwriting
        flash(f"{rule_id}: {outcome.message}", "warning")


def highlight(text: str, marks: list[tuple[str, str, str]]) -> str:
    """HTML for ``text`` with each (quote, colour, title) marked where it occurs.

    Marks whose quote is not in the text (quote from another rendering, or
    call-level evidence) are returned as badges after the text instead.
    """
    out = html.escape(text)
    badges: list[str] = []
    for quote, colour, title in marks:
        q = html.escape(quote.strip()) if quote else ""
        mark = (f'<mark style="background:{colour};padding:0 2px;border-radius:3px" '
                f'title="{html.escape(title)}">')
        if q and q in out:
            out = out.replace(q, f"{mark}{q}</mark>", 1)
        else:
            badges.append(f'{mark}{html.escape(title)}</mark>')
    return out + ("&nbsp;" + " ".join(badges) if badges else "")
