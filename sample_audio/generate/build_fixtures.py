"""Write the tiny ASR test fixtures under tests/fixtures/audio/.

    .venv-tts/bin/python sample_audio/generate/build_fixtures.py

- zh_stereo_call.wav: stereo 8 kHz G.711 mu-law, agent on channel 0 then the
  borrower on channel 1 (sequential), each channel with the other party as
  line echo at -25 dB.
- zh_mono.wav: mono 16 kHz 16-bit PCM, one question.
- fixtures.json: reference text per channel and sentence start/end times.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audio

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "audio"

AGENT = "您好，我是安信汽车金融回访专员，本次通话将被录音。"
BORROWER = "嗯，是我本人，车贷已经收到了。"
MONO = "请问您的收入来源稳定吗？"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    eng = audio.Engine()
    rng = np.random.default_rng(11)

    a = audio.set_level(eng.speak(AGENT, "f1", tempo=1.08), -22)
    b = audio.set_level(eng.speak(BORROWER, "m1"), -22)
    a_start = 0.25
    a_end = a_start + len(a) / audio.TTS_RATE
    b_start = a_end + 0.4
    b_end = b_start + len(b) / audio.TTS_RATE
    dur = b_end + 0.3
    stereo = audio.mix_telephone([(0, a, a_start), (1, b, b_start)], dur, rng)
    audio.write_mulaw_wav(OUT / "zh_stereo_call.wav", stereo, 8000)

    m = audio.set_level(eng.speak(MONO, "f2"), -20)
    m_start = 0.6
    m_end = m_start + len(m) / audio.TTS_RATE
    mdur = max(4.0, m_end + 0.6)
    buf = np.zeros(int(np.ceil(mdur * 16000)), np.float32)
    audio.place(buf, audio.resample(m, audio.TTS_RATE, 16000), m_start, 16000)
    buf += audio.pink_noise(len(buf), rng) * 10 ** (-62 / 20)
    audio.write_pcm16(OUT / "zh_mono.wav", 16000, buf)

    meta = {
        "zh_stereo_call.wav": {
            "format": "wav",
            "encoding": "mu-law",
            "sample_rate": 8000,
            "channels": 2,
            "duration": round(dur, 3),
            "channel_roles": {"0": "agent", "1": "borrower"},
            "text": {"0": AGENT, "1": BORROWER},
            "segments": [
                {"channel": 0, "speaker": "agent", "text": AGENT,
                 "start": round(a_start, 2), "end": round(a_end, 2)},
                {"channel": 1, "speaker": "borrower", "text": BORROWER,
                 "start": round(b_start, 2), "end": round(b_end, 2)},
            ],
            "crosstalk_db": -25,
        },
        "zh_mono.wav": {
            "format": "wav",
            "encoding": "pcm_s16le",
            "sample_rate": 16000,
            "channels": 1,
            "duration": round(mdur, 3),
            "text": {"0": MONO},
            "segments": [
                {"channel": 0, "speaker": "agent", "text": MONO,
                 "start": round(m_start, 2), "end": round(m_end, 2)},
            ],
        },
    }
    (OUT / "fixtures.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    for name in ("zh_stereo_call.wav", "zh_mono.wav"):
        p = OUT / name
        print(name, p.stat().st_size, "bytes", meta[name]["duration"], "s")


if __name__ == "__main__":
    main()
