"""The rule catalogue as the packs define it, with how often each rule fires and
links to example calls. Packs are read as data; no rule code runs here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui
from pipeline.settings import load_settings

ui.require("view_rules")
url = data.store_url()
f = ui.filters()

st.title("📚 Rules")
rules_dir = str(load_settings().rules_dir)
catalogue = data.load_rule_catalogue(rules_dir)
for problem in catalogue.problems:
    st.warning(problem)
hits = data.load_rule_hits(url, f)

cat = pd.DataFrame([r.__dict__ for r in catalogue.rules],
                   columns=["rule_id", "pack", "pack_version", "name", "severity", "clause",
                            "enabled", "source"])
merged = cat.merge(hits, on="rule_id", how="outer")
for col in ("findings", "calls", "confirmed", "dismissed"):
    merged[col] = merged[col].fillna(0).astype(int)
merged["examples"] = merged["examples"].map(lambda v: v if isinstance(v, list) else [])
merged["pack"] = merged["pack"].fillna("(not in any pack file)")
merged = merged.sort_values(["pack", "rule_id"]).reset_index(drop=True)

if merged.empty:
    st.info("No rule packs in compliance_rules/ yet and no findings in the store.")
    st.stop()

st.dataframe(merged.drop(columns=["examples"]), hide_index=True, width="stretch")

st.subheader("Example calls")
for rec in merged[merged["findings"] > 0].to_dict("records"):
    icon = ui.SEVERITY_ICONS.get(str(rec["severity"]), "•")
    with st.expander(f"{icon} {rec['rule_id']} — {rec['findings']} findings in "
                     f"{rec['calls']} calls"):
        if isinstance(rec["name"], str) and rec["name"]:
            st.markdown(rec["name"])
        for call_id in rec["examples"]:
            st.page_link(ui.CALL_PAGE, label=f"Call {call_id}", icon="🎧",
                         query_params={"call": call_id})
