from __future__ import annotations

import io
import json
import wave
import zipfile

import numpy as np

from dashboard import actions, clips
from dashboard.auth import SignedInUser
from tests.dashboard.conftest import RAW_ID, Store

TRAINER = SignedInUser("trainer1", "trainer")


def _read_wav(payload: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(payload)) as w:
        rate, channels = w.getframerate(), w.getnchannels()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm.reshape(-1, channels).T.astype(np.float32) / 32767.0, rate


def _dominant_hz(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[int(np.argmax(spectrum))])


def test_export_bleeps_personal_data_and_masks_transcript(store: Store) -> None:
    pid = actions.create_playlist(store.factory, TRAINER, "身份核实", "")
    # Clip 6-13 s of cb-001: the borrower reads out an ID number at 8.6-11.0 s (channel 1).
    actions.add_clip(store.factory, TRAINER, pid, "cb-001", 6.0, 13.0, "bad", "CN-VERIFY-01",
                     "verify", "identity before details")
    actions.add_clip(store.factory, TRAINER, pid, "cb-004", 0.0, 3.0, "bad", "CN-ID-01")
    payload, report = clips.export_playlist(store.factory, pid)

    zf = zipfile.ZipFile(io.BytesIO(payload))
    names = set(zf.namelist())
    assert {"playlist.json", "README.txt", "clips/01_cb-001_bad.wav",
            "clips/01_cb-001_bad.txt", "clips/02_cb-004_bad.txt"} <= names
    assert "clips/02_cb-004_bad.wav" not in names  # recording deleted by retention
    assert report[0].bleeped == 1 and report[1].file is None
    assert "retention" in report[1].note

    samples, rate = _read_wav(zf.read("clips/01_cb-001_bad.wav"))
    assert samples.shape == (2, 7 * rate)
    # Inside the ID number (clip time 3.5 s = call time 9.5 s) channel 1 is the tone;
    # channel 0 (the agent, silent about it) keeps its own 220 Hz signal.
    mid = slice(int(3.0 * rate), int(4.0 * rate))
    assert abs(_dominant_hz(samples[1, mid], rate) - 1000.0) < 5
    assert abs(_dominant_hz(samples[0, mid], rate) - 220.0) < 5
    # Before the borrower speaks (clip 0-1 s) channel 1 is untouched (330 Hz).
    assert abs(_dominant_hz(samples[1, : rate], rate) - 330.0) < 5

    transcript = zf.read("clips/01_cb-001_bad.txt").decode("utf-8")
    assert "身份证是110***********1234" in transcript
    assert RAW_ID not in transcript
    assert RAW_ID not in payload.decode("latin-1")
    manifest = json.loads(zf.read("playlist.json"))
    assert manifest["name"] == "身份核实"
    assert manifest["clips"][0]["note"] == "identity before details"
