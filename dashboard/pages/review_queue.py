"""Auditor queue: findings awaiting a person's decision, uncertain ones, and
agent appeals, most severe first."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from dashboard.permissions import can

user = ui.require("review_findings")
url = data.store_url()
factory = data.get_factory(url)
f = ui.filters()

st.title("🧾 Review queue")
ui.show_flash()

modes: list[tuple[data.QueueMode, str]] = [
    ("pending", "Awaiting review"), ("uncertain", "Uncertain"), ("appealed", "Appeals"),
    ("confirmed", "Confirmed (record an appeal)")]
mode = st.radio("Show", [m for m, _ in modes], format_func=dict(modes).get, horizontal=True,
                key="queue_mode")
page_size = st.select_slider("Per page", [10, 25, 50, 100], value=25, key="queue_size")
queue = data.load_review_queue(url, f, mode, limit=page_size)

if queue.empty:
    st.success("Nothing here. 🎉")
    st.stop()
st.caption(f"Showing {len(queue)} (most severe, newest first).")
if mode == "appealed" and not can(user.role, "decide_appeal"):
    st.info("Your role can see appeals but not decide them.")

for i, rec in enumerate(queue.to_dict("records")):
    icon = ui.SEVERITY_ICONS.get(rec["severity"], "•")
    when = f"{rec['started_at']:%Y-%m-%d %H:%M}" if rec["started_at"] is not None else "?"
    with st.container(border=True):
        head, side = st.columns([4, 1])
        with head:
            st.markdown(f"{icon} **{rec['rule_id']}** · {rec['severity']} · call "
                        f"`{rec['call_id']}` · agent {rec['agent_id'] or '?'} · {when}")
            st.markdown(f"> {rec['quote']}")
        with side:
            ui.open_call_button(str(rec["call_id"]), key=f"open-{i}-{rec['key']}",
                                start=rec["start"])
        with st.expander("Why the machine raised it"):
            ui.finding_why(rec)
            history = data.load_finding_history(url, rec["key"])
            if not history.empty:
                st.dataframe(history, hide_index=True)
        ui.review_controls(factory, user, rec, prefix="queue")
