"""Who did what, when: sign-ins, reviews, overrides, case changes, exports."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui

ui.require("view_audit_log")
url = data.store_url()

st.title("🗂️ Audit log")
who = st.text_input("User (blank for everyone)", key="audit_user")
log = data.load_audit_log(url, who.strip())
st.dataframe(log, hide_index=True, width="stretch")
