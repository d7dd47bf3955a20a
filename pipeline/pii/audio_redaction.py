"""Beep out personal data in recordings, and find where a span was said."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from pipeline.analysis import PiiSpan
from pipeline.conversation import Turn
from pipeline.pii.spoken_digits import project

TONE_HZ = 1000.0
TONE_LEVEL = 0.2  # about -14 dBFS: clearly a bleep, not painful
_FADE_S = 0.005  # short ramps so the tone does not click


def redact_audio(samples: npt.NDArray[np.floating], sample_rate: int,
                 spans: Sequence[tuple[float, float, int | None]]) -> npt.NDArray[np.float32]:
    """A new array where each (start_s, end_s, channel) span is a 1 kHz tone.

    ``samples`` is (channels, n) as in AudioClip, or (n,) for mono. ``channel`` None
    bleeps every channel; the input is never modified.
    """
    out = np.array(samples, dtype=np.float32, copy=True)
    view = out if out.ndim == 2 else out[np.newaxis, :]
    n = view.shape[1]
    for start_s, end_s, channel in spans:
        a = max(0, round(start_s * sample_rate))
        b = min(n, round(end_s * sample_rate))
        if b <= a:
            continue
        if channel is not None and not 0 <= channel < view.shape[0]:
            raise ValueError(f"channel {channel} out of range for {view.shape[0]} channel(s)")
        t = np.arange(b - a, dtype=np.float64) / sample_rate
        tone = TONE_LEVEL * np.sin(2 * np.pi * TONE_HZ * t)
        ramp = min(int(_FADE_S * sample_rate), (b - a) // 2)
        if ramp > 0:
            env = np.ones(b - a)
            env[:ramp] = np.linspace(0.0, 1.0, ramp)
            env[-ramp:] = np.linspace(1.0, 0.0, ramp)
            tone *= env
        rows = range(view.shape[0]) if channel is None else (channel,)
        for row in rows:
            view[row, a:b] = tone.astype(np.float32)
    return out


def _char_map(text: str, joined: str) -> list[int | None]:
    """For each character of ``text``, its position in ``joined`` where they align."""
    mapping: list[int | None] = [None] * len(text)
    matcher = difflib.SequenceMatcher(None, project(text), project(joined), autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[block.a + k] = block.b + k
    return mapping


def span_time(turn: Turn, span: PiiSpan, pad_s: float = 0.1) -> tuple[float, float, int | None]:
    """(start_s, end_s, channel) of a span in ``turn``, from the words covering it.

    Span offsets are in ``turn.text`` (normalised) while words carry the engine's
    text, so the two are aligned character by character after mapping spoken digits
    to digits. Without words (or alignment) the whole turn is returned.
    """
    whole = (turn.start or 0.0, turn.end or 0.0, turn.channel)
    if not turn.words:
        return whole
    bounds: list[tuple[int, int]] = []
    pos = 0
    for w in turn.words:
        bounds.append((pos, pos + len(w.text)))
        pos += len(w.text)
    joined = "".join(w.text for w in turn.words)
    mapping = _char_map(turn.text, joined)
    # Everything between the last aligned character before the span and the first
    # after it belongs to the span (一百二十八 in the words for 128 in the text): this
    # errs towards bleeping a little more, never less.
    before = [m for m in mapping[:span.start] if m is not None]
    after = [m for m in mapping[span.end:] if m is not None]
    lo = before[-1] + 1 if before else 0
    hi = after[0] if after else len(joined)
    covering = [w for w, (a, b) in zip(turn.words, bounds, strict=True) if a < hi and b > lo]
    if not covering:
        return whole
    start = max(covering[0].start - pad_s, turn.start if turn.start is not None else 0.0)
    end = covering[-1].end + pad_s
    if turn.end is not None:
        end = min(end, turn.end)
    return (max(0.0, start), end, turn.channel)
