"""Overview: how many calls, how many pass, which rules fire, and whether people
agree with the machine."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui

ui.require("view_overview")
url = data.store_url()
f = ui.filters()

st.title("📊 Overview")
ui.show_flash()

kpis = data.load_kpis(url, f)
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Calls processed", f"{kpis.calls:,}")
c2.metric("Compliance pass rate",
          "—" if kpis.pass_rate is None else f"{kpis.pass_rate:.1%}",
          help="Calls without a critical or major finding (findings a person "
               "dismissed do not count).")
c3.metric("Findings", f"{kpis.findings:,}")
c4.metric("Awaiting review", f"{kpis.pending_reviews:,}")
c5.metric("High-risk calls", f"{kpis.high_risk_calls:,}")
if kpis.failed_processing:
    st.caption(f"{kpis.failed_processing:,} recordings could not be processed "
               "(see `callqa` batch report).")

if kpis.calls == 0:
    st.info("No processed calls match these filters yet.")
    st.stop()

severity_scale = alt.Scale(domain=list(ui.SEVERITY_COLOURS),
                           range=list(ui.SEVERITY_COLOURS.values()))

# ---- trend by week
weekly = data.load_weekly(url, f)
st.subheader("Trend by week")
if weekly.empty:
    st.caption("Calls have no start time, so there is no weekly trend.")
else:
    # Ordinal weeks: one wide bar per week instead of hairlines on a time axis.
    base = alt.Chart(weekly).encode(x=alt.X("yearmonthdate(week):O", title="Week starting"))
    bars = base.mark_bar(opacity=0.35, color="#5c6bc0").encode(
        y=alt.Y("calls:Q", title="Calls"),
        tooltip=["week:T", "calls:Q", "failing_calls:Q", "findings:Q"])
    line = base.mark_line(point=True, color="#2e7d32").encode(
        y=alt.Y("pass_rate:Q", title="Pass rate", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=["week:T", alt.Tooltip("pass_rate:Q", format=".1%")])
    st.altair_chart(alt.layer(bars, line).resolve_scale(y="independent"),
                    width="stretch")

# ---- findings by rule and severity
left, right = st.columns(2)
by_rule = data.load_findings_by_rule(url, f)
with left:
    st.subheader("Findings by rule")
    if by_rule.empty:
        st.caption("No findings match these filters.")
    else:
        chart = alt.Chart(by_rule).mark_bar().encode(
            y=alt.Y("rule_id:N", sort="-x", title=None),
            x=alt.X("sum(findings):Q", title="Findings"),
            color=alt.Color("severity:N", scale=severity_scale, legend=alt.Legend(orient="bottom")),
            tooltip=["rule_id", "severity", "findings"])
        st.altair_chart(chart, width="stretch")

# ---- by team
teams = data.load_by_group(url, f, "team")
with right:
    st.subheader("Pass rate by team")
    if teams.empty:
        st.caption("Calls carry no team.")
    else:
        chart = alt.Chart(teams).mark_bar(color="#26a69a").encode(
            y=alt.Y("team:N", sort="x", title=None),
            x=alt.X("pass_rate:Q", title="Pass rate", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            tooltip=["team", "calls", "failing_calls",
                     alt.Tooltip("pass_rate:Q", format=".1%")])
        st.altair_chart(chart, width="stretch")

# ---- by agent
agents = data.load_by_group(url, f, "agent_id", limit=15)
st.subheader("Agents with the most failing calls")
if agents.empty:
    st.caption("Calls carry no agent.")
else:
    chart = alt.Chart(agents).mark_bar().encode(
        x=alt.X("agent_id:N", sort="-y", title="Agent"),
        y=alt.Y("failing_calls:Q", title="Failing calls"),
        color=alt.Color("pass_rate:Q", title="Pass rate",
                        scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1])),
        tooltip=["agent_id", "calls", "failing_calls", "findings",
                 alt.Tooltip("pass_rate:Q", format=".1%")])
    st.altair_chart(chart, width="stretch")

# ---- agreement
st.subheader("Machine vs auditor agreement")
agreement = data.load_agreement(url, f)
decided = agreement[agreement["confirmed"] + agreement["dismissed"] > 0]
if decided.empty:
    st.caption("No finding has been confirmed or dismissed yet.")
else:
    chart = alt.Chart(decided).mark_bar().encode(
        y=alt.Y("rule_id:N", sort="x", title=None),
        x=alt.X("precision:Q", title="Precision as confirmed by people",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("precision:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                        legend=None),
        tooltip=["rule_id", "confirmed", "dismissed", "uncertain", "pending",
                 alt.Tooltip("precision:Q", format=".0%")])
    st.altair_chart(chart, width="stretch")
table = agreement.assign(precision=agreement["precision"].map(
    lambda p: "—" if pd.isna(p) else f"{p:.0%}"))
st.dataframe(table, hide_index=True, width="stretch")
