"""Diarization time against transcription time for one long mono recording, in one run.

    .venv/bin/python benchmarks/bench_diarization.py [--audio FILE] [--minutes 10] [--threads 2]

Without --audio, the three-voice home-visit fixture is repeated to ``--minutes``
(default 10) of mono 16 kHz audio. The same process transcribes it (faster-whisper
base int8, the pipeline's default options) and then runs the speaker stage on
the transcript; torch gets the same thread count as CTranslate2. Prints both
wall times, the speaker count found, and diarization/transcription ratio (the
target is < 1).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.audio import AudioClip, load_audio
from pipeline.callmeta import CallMeta
from pipeline.engines import EngineOptions, create_engine
from pipeline.speakers import SpeakerOptions, attribute_speakers
from pipeline.transcribe import transcribe_clip
from pipeline.transcript import TranscribeOptions

FIXTURE = Path(__file__).resolve().parent.parent / "tests/fixtures/audio/speakers/visit_3spk.flac"


def _long_clip(path: Path, minutes: float) -> AudioClip:
    clip = load_audio(path)
    mono = clip.mono()
    reps = max(1, int(np.ceil(minutes * 60 * clip.sample_rate / len(mono))))
    samples = np.tile(mono, reps)[: int(minutes * 60 * clip.sample_rate)][None, :]
    samples.setflags(write=False)
    return AudioClip(str(path), samples, clip.sample_rate, clip.original_rate, 1, clip.codec,
                     clip.container)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audio", type=Path, default=None)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    clip = load_audio(args.audio) if args.audio else _long_clip(FIXTURE, args.minutes)
    meta = CallMeta(call_id="bench", kind="visit")
    engine = create_engine(EngineOptions(cpu_threads=args.threads))

    t0 = time.perf_counter()
    transcript = transcribe_clip(clip, meta, engine, TranscribeOptions())
    t_asr = time.perf_counter() - t0

    t0 = time.perf_counter()
    conv = attribute_speakers(transcript, clip, meta, SpeakerOptions())
    t_spk = time.perf_counter() - t0  # includes loading the speaker encoder

    print(f"audio           {clip.duration:8.1f} s  ({len(transcript.segments)} segments, "
          f"{len(conv.turns)} turns, {len({t.speaker for t in conv.turns})} speakers)")
    print(f"transcription   {t_asr:8.1f} s  ({clip.duration / t_asr:.1f}x real time)")
    print(f"diarization     {t_spk:8.1f} s  ({clip.duration / t_spk:.1f}x real time)")
    print(f"ratio diarization/transcription = {t_spk / t_asr:.3f}")


if __name__ == "__main__":
    main()
