"""One call: audio, transcript coloured by role with evidence marked, the why of
each finding, the callback checklist, risk statements and speaker roles."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import actions, data, ui
from dashboard.permissions import can, may_see_raw
from pipeline.callmeta import ROLES

user = ui.require("view_calls")
url = data.store_url()
factory = data.get_factory(url)
f = ui.filters()

st.title("🎧 Call")
ui.show_flash()

# ---- choose the call: ?call=ID link, a button on another page, or the picker
if "call" in st.query_params:
    st.session_state["call_id"] = st.query_params["call"]
search = st.text_input("Find a call (call id, borrower or agent)", key="call_search")
recent = data.load_calls(url, f, search)
current = st.session_state.get("call_id")
choices = list(recent["call_id"])
if current and current not in choices:
    choices.insert(0, current)
if not choices:
    st.info("No calls match.")
    st.stop()
labels = {r.call_id: f"{r.call_id} · {r.kind or '?'} · {r.agent_id or '?'} · "
                     f"{r.findings} findings" for r in recent.itertuples()}
call_id = st.selectbox("Call", choices, index=choices.index(current) if current in choices else 0,
                       format_func=lambda c: labels.get(c, c), key="call_pick")
if call_id != current:
    st.session_state["call_id"] = call_id
    st.session_state["audio_start"] = 0.0
st.query_params["call"] = call_id

call = data.load_call(url, call_id)
if call is None:
    st.error(f"No call {call_id!r} in the store.")
    st.stop()
call_pk = int(call["id"])

started = f"{call['started_at']:%Y-%m-%d %H:%M}" if call["started_at"] else "—"
risk = (call["risk_level"] or "—") + (f" ({call['risk_score']:.2f})"
                                      if call["risk_score"] is not None else "")
st.markdown(f"**Kind** {call['kind'] or '—'} · **Agent** {call['agent_id'] or '—'} "
            f"({call['team'] or '—'}) · **Borrower** {call['borrower_id'] or '—'} · "
            f"**Started** {started} · **Duration** {ui.fmt_time(call['duration'])} · "
            f"**Risk** {risk}")
if call["status"] != "done":
    st.error(f"Processing failed: {call['error_code']}: {call['error']}")

findings = data.load_call_findings(url, call_pk)
risks = data.load_call_risks(url, call_pk)
roles = data.load_speaker_roles(url, call_pk)

# ---- audio
start_at = float(st.session_state.get("audio_start") or 0.0)
source = Path(call["source_path"])
if call["raw_deleted_at"] is not None:
    st.warning(f"The recording was deleted by the retention policy on "
               f"{call['raw_deleted_at']:%Y-%m-%d}; only the masked transcript remains.")
elif not source.is_file():
    st.warning(f"The recording is not reachable at {source} (moved, or the share is not "
               "mounted).")
else:
    st.audio(str(source), start_time=int(start_at))
    if start_at:
        st.caption(f"Playing from {ui.fmt_time(start_at)}")

show_raw = False
if may_see_raw(user.role):
    show_raw = st.toggle("Show unmasked text (access is logged)", key=f"raw-{call_id}")
    if show_raw and st.session_state.get("_raw_logged") != call_id:
        actions.log_event(factory, user, "view_raw_text", f"call:{call_id}")
        st.session_state["_raw_logged"] = call_id

tab_transcript, tab_findings, tab_script, tab_risk, tab_roles = st.tabs(
    ["Transcript", f"Findings ({len(findings)})", "Callback checklist",
     f"Risk statements ({len(risks)})", "Speakers"])

# ---- transcript
with tab_transcript:
    segments = data.load_segments(url, call_pk, include_raw=show_raw)
    effective = {r.speaker: (r.override_role or r.role) for r in roles.itertuples()}
    marks: dict[int, list[tuple[str, str, str]]] = {}
    for r in findings.itertuples():
        if r.turn_index is not None and not pd.isna(r.turn_index):
            marks.setdefault(int(r.turn_index), []).append(
                (r.quote, "#ffcdd2", f"{r.rule_id} ({r.severity})"))
    for r in risks.itertuples():
        if r.turn_index is not None and not pd.isna(r.turn_index):
            marks.setdefault(int(r.turn_index), []).append(
                (r.quote, "#fff59d", f"{r.signal_id} ({r.polarity})"))
    if segments.empty:
        st.caption("No transcript.")
    lines = []
    for s in segments.itertuples():
        role = effective.get(s.speaker, s.role)
        text = s.raw_text if show_raw and s.raw_text else s.text
        body = ui.highlight(str(text), marks.get(int(s.turn_index), []))
        low = " ⚠️ low ASR confidence" if s.confidence < 0.5 else ""
        lines.append(
            f'<div style="background:{ui.ROLE_COLOURS.get(role, "#f5f5f5")};padding:6px 10px;'
            f'margin:3px 0;border-radius:6px"><small><b>{role}</b> · {s.speaker} · '
            f"{ui.fmt_time(s.start)}{low}</small><br>{body}</div>")
    st.markdown("\n".join(lines), unsafe_allow_html=True)

# ---- findings and their why
with tab_findings:
    if findings.empty:
        st.success("No findings on this call.")
    for i, rec in enumerate(findings.to_dict("records")):
        icon = ui.SEVERITY_ICONS.get(rec["severity"], "•")
        title = (f"{icon} {rec['rule_id']} · {rec['severity']} · "
                 f"{ui.STATUS_LABELS.get(rec['status'], rec['status'])}"
                 + (" · machine unsure" if rec["uncertain"] else ""))
        with st.expander(title, expanded=len(findings) <= 3):
            ui.finding_why(rec)
            if rec["start"] is not None and not pd.isna(rec["start"]) and st.button(
                    f"▶ Play from {ui.fmt_time(rec['start'])}", key=f"play-{i}"):
                st.session_state["audio_start"] = max(0.0, float(rec["start"]) - 1.0)
                st.rerun()
            history = data.load_finding_history(url, rec["key"])
            if len(history) > 1:
                st.dataframe(history, hide_index=True)
            ui.review_controls(factory, user, rec, prefix="call")

# ---- callback checklist
with tab_script:
    items = data.load_script_items(url, call_pk)
    if items.empty and call["kind"] != "callback":
        st.caption("The callback checklist applies to callbacks only.")
    else:
        by_id = {r["item_id"]: r for r in items.to_dict("records")}
        rows = []
        for item_id, wording in ui.CALLBACK_ITEMS.items():
            r = by_id.get(item_id)
            rows.append({
                "item": item_id, "the agent must ask": wording,
                "asked": "—" if r is None else ("✅" if r["asked"] else "❌"),
                "agent said": (r or {}).get("quote") or "",
                "borrower's answer": (r or {}).get("answer") or "",
                "detail": (r or {}).get("answer_detail") or "",
                "answer quote": (r or {}).get("answer_quote") or "",
            })
        asked = sum(1 for r in by_id.values() if r["asked"])
        st.markdown(f"**{asked} of {len(ui.CALLBACK_ITEMS)}** required items asked.")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

# ---- risk statements
with tab_risk:
    if risks.empty:
        st.caption("No borrower risk statements.")
    else:
        view = risks[["signal_id", "polarity", "speaker", "turn_index", "start", "quote",
                      "slots_json", "method", "score", "uncertain"]].copy()
        view["start"] = view["start"].map(ui.fmt_time)
        view["slots"] = view.pop("slots_json").map(
            lambda s: ", ".join(f"{k}={v}" for k, v in (json.loads(s or "{}") or {}).items())
            if s and s.strip().startswith("{") else (s or ""))
        st.dataframe(view, hide_index=True, width="stretch")

# ---- speakers and role override
with tab_roles:
    if roles.empty:
        st.caption("No speaker roles stored.")
    for r in roles.itertuples():
        shown = r.override_role or r.role
        note = (f" (machine said {r.role}; corrected by {r.overridden_by})"
                if r.override_role else f" (confidence {r.confidence:.2f})")
        st.markdown(f"**{r.speaker}** → **{shown}**{note}  \n<small>{html.escape(str(r.evidence))}</small>",
                    unsafe_allow_html=True)
        if can(user.role, "override_roles"):
            options = ["(machine)", *ROLES]
            cols = st.columns([3, 1])
            chosen = cols[0].selectbox(
                f"Role of {r.speaker}", options,
                index=options.index(r.override_role) if r.override_role in options else 0,
                key=f"role-{call_id}-{r.speaker}")
            if cols[1].button("Save role", key=f"role-save-{call_id}-{r.speaker}"):
                try:
                    actions.override_speaker_role(
                        factory, user, call_id, r.speaker,
                        None if chosen == "(machine)" else chosen)
                except actions.ActionError as exc:
                    st.error(str(exc))
                else:
                    ui.flash(f"Role of {r.speaker} saved")
                    st.rerun()
