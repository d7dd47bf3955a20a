"""Risk officer queue: borrowers who said something that raises risk, riskiest
or newest first, with their call timeline, promises to pay and case status."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import actions, data, ui

user = ui.require("manage_cases")
url = data.store_url()
factory = data.get_factory(url)
f = ui.filters()

st.title("🚩 Risk queue")
ui.show_flash()

c1, c2 = st.columns([3, 1])
statuses = c1.multiselect("Case status", data.CASE_STATUSES,
                          default=["new", "contacted", "escalated"], key="risk_status")
order = c2.radio("Order", ["riskiest", "newest"], horizontal=True, key="risk_order")
queue = data.load_risk_queue(url, f, tuple(statuses), order)  # type: ignore[arg-type]
if queue.empty:
    st.success("No borrower with flagged statements matches.")
    st.stop()

level_names = {v: k for k, v in data.RISK_LEVEL_RANK.items()}
table = queue.assign(max_level=queue["max_level_rank"].map(lambda r: level_names.get(r, "—")))
st.dataframe(table[["borrower_id", "max_level", "max_score", "signal_ids", "signals", "calls",
                    "last_call", "case_status", "case_updated_by"]],
             hide_index=True, width="stretch")

borrower = st.selectbox("Borrower", list(queue["borrower_id"]), key="risk_borrower")
view = data.load_borrower(url, borrower)

st.subheader(f"Borrower {borrower}")
left, right = st.columns([2, 1])
with left:
    st.markdown("**Timeline**")
    signals = view.signals[view.signals["started_at"].notna()]
    if not signals.empty:
        chart = alt.Chart(signals).mark_circle(size=140).encode(
            x=alt.X("started_at:T", title="Call"),
            y=alt.Y("signal_id:N", title=None),
            color=alt.Color("polarity:N", scale=alt.Scale(
                domain=["asserted", "reported", "hypothetical", "negated"],
                range=["#c62828", "#ef6c00", "#90a4ae", "#b0bec5"])),
            tooltip=["call_id", "started_at:T", "signal_id", "polarity", "quote"])
        st.altair_chart(chart, width="stretch")
    st.dataframe(view.signals[["started_at", "call_id", "signal_id", "polarity", "quote"]],
                 hide_index=True, width="stretch")
    st.markdown("**Promises to pay**")
    if view.promises.empty:
        st.caption("No promise to pay recorded.")
    else:
        st.dataframe(view.promises, hide_index=True, width="stretch")
    st.markdown("**Calls**")
    st.dataframe(view.calls, hide_index=True, width="stretch")
    if not view.calls.empty:
        ui.open_call_button(str(view.calls.iloc[0]["call_id"]), key=f"open-latest-{borrower}")

with right:
    st.markdown("**Case**")
    if view.case_updated_by:
        st.caption(f"{view.case_status} — set by {view.case_updated_by} "
                   f"on {view.case_updated_at:%Y-%m-%d %H:%M}")
    with st.form(f"case-{borrower}"):
        status = st.selectbox("Status", data.CASE_STATUSES,
                              index=data.CASE_STATUSES.index(view.case_status)
                              if view.case_status in data.CASE_STATUSES else 0)
        note = st.text_area("Note", value=view.case_note)
        if st.form_submit_button("Save case"):
            try:
                actions.set_case_status(factory, user, borrower, status, note)
            except actions.ActionError as exc:
                st.error(str(exc))
            else:
                ui.flash(f"Case {borrower}: {status}")
                st.rerun()
