"""Streamlit dashboard over the callqa store: review workflow, trainer playlists, risk queue."""
