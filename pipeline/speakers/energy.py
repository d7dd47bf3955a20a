"""Short-time energy per channel, for deciding which channel a sound belongs to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pipeline.audio import AudioClip

HOP_S = 0.01
_FLOOR = 1e-10  # -100 dB: digital silence must still compare as "quieter"


@dataclass(frozen=True)
class EnergyTrack:
    """Mean power per 10 ms frame for every channel of a clip: shape (channels, frames)."""

    power: npt.NDArray[np.float64]

    @classmethod
    def from_clip(cls, clip: AudioClip) -> EnergyTrack:
        hop = max(1, round(HOP_S * clip.sample_rate))
        n = clip.samples.shape[1] // hop
        x = clip.samples[:, : n * hop].astype(np.float64).reshape(clip.channels, n, hop)
        return cls(np.mean(x * x, axis=2) + _FLOOR)

    @property
    def channels(self) -> int:
        return int(self.power.shape[0])

    def span_db(self, channel: int, start: float, end: float) -> float:
        """Level of ``channel`` over [start, end] in dBFS (mean power, not mean of dB)."""
        a = max(0, int(start / HOP_S))
        b = min(self.power.shape[1], max(a + 1, int(np.ceil(end / HOP_S))))
        if a >= self.power.shape[1]:
            return -100.0
        return float(10 * np.log10(np.mean(self.power[channel, a:b])))

    def dominance_db(self, channel: int, start: float, end: float) -> float:
        """How much louder ``channel`` is than the loudest other channel over the span."""
        own = self.span_db(channel, start, end)
        others = [self.span_db(c, start, end) for c in range(self.channels) if c != channel]
        return own - max(others) if others else 0.0
