"""`callqa bench`: the pipeline against bare faster-whisper on the same audio, in one run.

Both sides use the same model, threads and decoding options on the same tracks,
so the ratio shows what the pipeline's own work (decoding, t2s, normalisation,
speakers, rules) costs on top of recognition.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class BenchResult:
    audio_s: float
    bare_wall_s: float
    pipeline_wall_s: float

    @property
    def bare_xrt(self) -> float:
        return self.audio_s / self.bare_wall_s

    @property
    def pipeline_xrt(self) -> float:
        return self.audio_s / self.pipeline_wall_s

    @property
    def ratio(self) -> float:
        return self.pipeline_xrt / self.bare_xrt


def run_bench(files: list[Path], threads: int, config_path: Path | None) -> BenchResult:
    import ctranslate2
    from faster_whisper import WhisperModel

    from pipeline.audio import load_audio
    from pipeline.config import load_config
    from pipeline.metadata import load_metadata, read_manifest
    from pipeline.process import build_resources, file_hash, process_file
    from pipeline.settings import load_settings
    from pipeline.transcribe import channels_to_transcribe

    settings = load_settings(cpu_threads=threads)
    config = load_config(config_path)
    opts = config.transcribe.to_options()
    resources = build_resources(settings, config)  # loads the model once, outside the timing
    model_dir = resources.engine.model_ref.split(":", 1)[1]
    bare = WhisperModel(model_dir, device="cpu", compute_type=settings.compute_type,
                        cpu_threads=threads)
    manifest = {}
    for f in files:
        m = f.parent / "manifest.csv"
        if m.is_file():
            manifest.update(read_manifest(m))
    metas = [load_metadata(f, manifest) for f in files]

    # Warm-up, outside the timing: a batch worker loads its models once (speaker
    # encoder, sentence encoder, word lists are loaded lazily on first use), so
    # steady-state speed is what a batch sees. One call on each side.
    process_file(files[0], metas[0], file_hash(files[0]), resources)
    warm = load_audio(files[0]).mono()[: 16000 * 5]
    list(bare.transcribe(warm, language=opts.language, beam_size=opts.beam_size)[0])

    # File by file, bare faster-whisper on exactly the tracks the pipeline transcribes,
    # then the pipeline on the same file: interleaved, so that a shared machine
    # slowing down or speeding up mid-run (runs here varied by up to 1.5x) lands on
    # both sides alike instead of on whichever side ran second.
    audio_s = 0.0
    bare_s = 0.0
    pipe_s = 0.0
    for f, meta in zip(files, metas, strict=True):
        clip = load_audio(f)
        audio_s += clip.duration
        split = channels_to_transcribe(clip, meta)
        tracks = [clip.track(c) for c in split] if split else [clip.mono()]
        t0 = time.perf_counter()
        for track in tracks:
            # The engine seeds CTranslate2 before each track (temperature fallback
            # samples); seeding here too makes both sides decode the same tokens.
            ctranslate2.set_random_seed(0)
            segments, _ = bare.transcribe(
                track, language=opts.language, beam_size=opts.beam_size,
                vad_filter=opts.vad_filter,
                vad_parameters={"min_silence_duration_ms": opts.vad_min_silence_ms},
                condition_on_previous_text=opts.condition_on_previous_text,
                initial_prompt=opts.prompt(), word_timestamps=opts.word_timestamps,
                temperature=list(opts.temperature))
            list(segments)
        bare_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        # Everything the batch does per file, audio decoding and hashing included.
        process_file(f, meta, file_hash(f), resources)
        pipe_s += time.perf_counter() - t0
    return BenchResult(audio_s, bare_s, pipe_s)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--threads", type=int, default=2, help="CPU threads for both sides")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None)
def bench(paths: tuple[Path, ...], threads: int, config_path: Path | None) -> None:
    """Benchmark the pipeline against bare faster-whisper on the same audio."""
    from pipeline.batch import discover

    files, _ = discover(paths or (Path("sample_audio"),))
    if not files:
        raise click.UsageError("no audio files found")
    r = run_bench(files, threads, config_path)
    click.echo(f"files: {len(files)}  audio: {r.audio_s:.1f} s  threads: {threads}  "
               "(models loaded and warmed up before timing)")
    click.echo(f"bare faster-whisper: {r.bare_wall_s:8.1f} s wall  {r.bare_xrt:6.2f}x real time")
    click.echo(f"callqa pipeline:     {r.pipeline_wall_s:8.1f} s wall  {r.pipeline_xrt:6.2f}x real time")
    click.echo(f"pipeline / bare speed ratio: {r.ratio:.3f}")
