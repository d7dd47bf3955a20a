"""Trainer library: pick good and bad example clips per rule, tag and order them
into playlists, export a playlist as masked audio clips."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import streamlit as st

from dashboard import actions, clips, data, ui
from dashboard.permissions import can
from pipeline.settings import load_settings

user = ui.require("manage_playlists")
url = data.store_url()
factory = data.get_factory(url)

st.title("🎓 Trainer library")
ui.show_flash()

playlists = data.load_playlists(url)
left, right = st.columns([1, 2])

# ---- playlists
with left:
    st.subheader("Playlists")
    with st.form("new_playlist", clear_on_submit=True):
        name = st.text_input("New playlist name")
        description = st.text_input("Description")
        if st.form_submit_button("Create playlist"):
            try:
                new_id = actions.create_playlist(factory, user, name, description)
            except actions.ActionError as exc:
                st.error(str(exc))
            else:
                st.session_state["playlist_id"] = new_id
                ui.flash(f"Playlist {name!r} created")
                st.rerun()
    if playlists.empty:
        st.caption("No playlists yet.")
        playlist_id: int | None = None
    else:
        ids = [int(i) for i in playlists["id"]]
        names = dict(zip(ids, playlists["name"], strict=True))
        counts = dict(zip(ids, playlists["items"], strict=True))
        wanted = st.session_state.get("playlist_id")
        playlist_id = st.selectbox("Playlist", ids, index=ids.index(wanted) if wanted in ids else 0,
                                   format_func=lambda i: f"{names[i]} ({counts[i]} clips)",
                                   key="playlist_pick")
        st.session_state["playlist_id"] = playlist_id

# ---- clip picker
with right:
    st.subheader("Find clips")
    options = data.load_filter_options(url)
    catalogue = data.load_rule_catalogue(str(load_settings().rules_dir))
    # Rules that have fired come first: those are the ones with clips to pick.
    others = (set(ui.CALLBACK_ITEMS) | {r.rule_id for r in catalogue.rules
                                        if not r.rule_id.startswith("PII")}) - set(options.rules)
    rule_ids = [*options.rules, *sorted(others)]
    c1, c2 = st.columns([2, 1])
    rule_id = c1.selectbox("Rule or checklist item", rule_ids, key="clip_rule")
    example: Literal["good", "bad"] = c2.radio(
        "Example", ["bad", "good"], horizontal=True, key="clip_example",
        help="bad: the rule fired (confirmed first); good: the agent did it right")
    candidates = data.load_clip_candidates(url, rule_id, example)
    if candidates.empty:
        st.caption("No candidate clips for this rule.")
    else:
        shown = candidates.assign(start=candidates["start"].map(ui.fmt_time),
                                  end=candidates["end"].map(ui.fmt_time))
        st.dataframe(shown, hide_index=True, width="stretch", height=200)
        pick = st.selectbox(
            "Clip", range(len(candidates)), key="clip_pick",
            format_func=lambda i: f"{candidates.iloc[i]['call_id']} "
                                  f"{ui.fmt_time(candidates.iloc[i]['start'])}"
                                  f"–{ui.fmt_time(candidates.iloc[i]['end'])} "
                                  f"({candidates.iloc[i]['label']})")
        cand = candidates.iloc[int(pick)]
        call = data.load_call(url, str(cand["call_id"]))
        t1, t2 = st.columns(2)
        start = t1.number_input("Start (s)", min_value=0.0, value=float(cand["start"]),
                                step=0.5, key=f"clip_start_{pick}_{rule_id}")
        end = t2.number_input("End (s)", min_value=0.0, value=float(cand["end"]), step=0.5,
                              key=f"clip_end_{pick}_{rule_id}")
        if call and call["raw_deleted_at"] is None and Path(call["source_path"]).is_file():
            # Preview of the source: trainers are staff, exports are what get masked.
            st.audio(call["source_path"], start_time=int(start), end_time=int(end) + 1)
        tags = st.text_input("Tags (comma separated)", key="clip_tags")
        note = st.text_area("Coaching note", key="clip_note")
        if st.button("Add to playlist", key="clip_add", disabled=playlist_id is None):
            assert playlist_id is not None
            try:
                actions.add_clip(factory, user, playlist_id, str(cand["call_id"]), float(start),
                                 float(end), example, rule_id, tags, note)
            except actions.ActionError as exc:
                st.error(str(exc))
            else:
                ui.flash(f"Clip from {cand['call_id']} added")
                st.rerun()

# ---- playlist content
if playlist_id is not None:
    st.divider()
    st.subheader(f"Playlist: {names[playlist_id]}")
    items = data.load_playlist_items(url, playlist_id)
    if items.empty:
        st.caption("Empty — add clips above.")
    for n, item in enumerate(items.to_dict("records")):
        with st.container(border=True):
            cols = st.columns([5, 1, 1, 1])
            cols[0].markdown(
                f"**{n + 1}.** `{item['call_id']}` {ui.fmt_time(item['start'])}–"
                f"{ui.fmt_time(item['end'])} · {item['example']} · {item['rule_id'] or ''}"
                + (f" · tags: {item['tags']}" if item["tags"] else "")
                + (f"  \n{item['note']}" if item["note"] else ""))
            iid = int(item["id"])
            if cols[1].button("↑", key=f"up-{iid}", disabled=n == 0):
                actions.move_clip(factory, user, iid, -1)
                st.rerun()
            if cols[2].button("↓", key=f"down-{iid}", disabled=n == len(items) - 1):
                actions.move_clip(factory, user, iid, 1)
                st.rerun()
            if cols[3].button("Remove", key=f"rm-{iid}"):
                actions.remove_clip(factory, user, iid)
                st.rerun()
    if not items.empty and can(user.role, "export_playlists"):
        pid = playlist_id
        pname = names[playlist_id]

        def build_zip() -> bytes:
            # Runs when the button is clicked, not on every rerun.
            payload, report = clips.export_playlist(factory, pid)
            actions.log_event(factory, user, "playlist_export", f"playlist:{pid}",
                              f"{len(report)} clips, "
                              f"{sum(r.bleeped for r in report)} PII bleeps")
            return payload

        st.download_button("⬇️ Export masked clips (zip)", build_zip,
                           file_name=clips.export_name(str(pname)), mime="application/zip",
                           key="export_zip")
        st.caption("Personal data in the audio is replaced with a tone; transcripts are "
                   "masked. Exports are logged.")
