"""callqa dashboard entry point: sign-in, then route to the pages this role may use.

Run with ``callqa dashboard`` or ``streamlit run dashboard/app.py``. The store is
the one named by CALLQA_DATABASE_URL (default sqlite:///data/callqa.db).
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository
# root; add the root so `import dashboard` and `import pipeline` work uninstalled.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboard import data, ui  # noqa: E402
from dashboard.auth import SignedInUser, authenticate, record_sign_out  # noqa: E402
from dashboard.permissions import Capability, can  # noqa: E402

st.set_page_config(page_title="callqa", page_icon="📞", layout="wide")

URL = data.store_url()
FACTORY = data.get_factory(URL)


def sign_in_page() -> None:
    st.title("📞 callqa — call quality")
    st.caption("Sign in with the account your administrator created "
               "(`callqa users add NAME --role ROLE`).")
    with st.form("sign_in"):
        username = st.text_input("Username", key="signin_user")
        password = st.text_input("Password", type="password", key="signin_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        result = authenticate(FACTORY, username, password)
        if result.user is None:
            st.error(result.message)
        else:
            st.session_state["user"] = result.user
            st.rerun()


def sign_out() -> None:
    user = st.session_state.get("user")
    if isinstance(user, SignedInUser):
        record_sign_out(FACTORY, user.username)
    # Drop everything the session holds, including any raw-text toggles.
    for key in list(st.session_state.keys()):
        del st.session_state[key]


PAGES: list[tuple[str, str, str, Capability | None]] = [
    # file, title, icon, capability needed (None: every signed-in user)
    ("pages/overview.py", "Overview", "📊", "view_overview"),
    ("pages/call.py", "Call", "🎧", "view_calls"),
    ("pages/review_queue.py", "Review queue", "🧾", "review_findings"),
    ("pages/trainer.py", "Trainer library", "🎓", "manage_playlists"),
    ("pages/risk.py", "Risk queue", "🚩", "manage_cases"),
    ("pages/rules.py", "Rules", "📚", "view_rules"),
    ("pages/audit_log.py", "Audit log", "🗂️", "view_audit_log"),
]

user = st.session_state.get("user")
if not isinstance(user, SignedInUser):
    nav = st.navigation([st.Page(sign_in_page, title="Sign in", icon="🔐")])
else:
    pages = [st.Page(path, title=title, icon=icon, default=(i == 0))
             for i, (path, title, icon, cap) in enumerate(PAGES)
             if cap is None or can(user.role, cap)]
    nav = st.navigation(pages)
    with st.sidebar:
        st.markdown(f"Signed in as **{user.username}** ({user.role})")
        if st.button("Sign out", key="sign_out"):
            sign_out()
            st.rerun()
    ui.sidebar_filters(URL)
nav.run()
