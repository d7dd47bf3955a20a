"""Batch runner: many files, N single-threaded worker processes, resumable.

- Each file's outcome (done or failed, with the error a user can act on) is
  stored; one bad file never stops the batch.
- Re-runs skip files whose content hash is already done, unless forced.
- Results are written by this (parent) process, one transaction per call, so
  Ctrl-C or a killed worker never leaves a half-written call behind.
- Where the files are processed is a ``Runner``: the local process pool here, or
  Ray across machines (``pipeline/ray_runner.py``); planning, saving and the
  report are the same for both, so both give the same store.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from pipeline.callmeta import CallMeta
from pipeline.config import RunConfig
from pipeline.errors import CallQAError
from pipeline.metadata import load_metadata, read_manifest
from pipeline.outcome import CallOutcome, FailedCall, ProcessedCall
from pipeline.process import Resources, build_resources, file_hash, process_file
from pipeline.settings import Settings

log = logging.getLogger(__name__)

# A file in flight when its worker dies is retried; the second crash fails it, so one
# file that kills its decoder cannot take every worker down in turn.
MAX_CRASHES = 2

AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".m4a", ".aac", ".amr", ".flac", ".ogg", ".opus",
                            ".wma", ".webm", ".mp4", ".3gp"})


@dataclass(frozen=True)
class Job:
    path: Path
    meta: CallMeta
    content_hash: str
    history: tuple[CallMeta, ...] = ()  # the borrower's other calls (frequency rules)


@dataclass
class BatchReport:
    done: int = 0
    failed: int = 0
    skipped: int = 0
    audio_seconds: float = 0.0
    wall_seconds: float = 0.0
    interrupted: bool = False
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # path, code, message

    @property
    def x_real_time(self) -> float:
        return self.audio_seconds / self.wall_seconds if self.wall_seconds else 0.0


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Audio files under ``paths`` and the manifest.csv files found in given folders.

    A file named explicitly is always taken, whatever its suffix, so a wrong file
    gets a clear 'not audio' outcome instead of being ignored silently.
    """
    files: list[Path] = []
    manifests: list[Path] = []
    for p in paths:
        if p.is_dir():
            manifests.extend(sorted(p.rglob("manifest.csv")))
            files.extend(sorted(f for f in p.rglob("*")
                                if f.is_file() and f.suffix.lower() in AUDIO_SUFFIXES))
        else:
            files.append(p)
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, manifests


def plan_jobs(
    files: Sequence[Path],
    manifests: Sequence[Path],
    config: RunConfig,
    done: set[str],
    known_ids: dict[str, str],
    force: bool,
    stored_history: Sequence[CallMeta] = (),
) -> tuple[list[Job], list[FailedCall], int]:
    """Hash and label every file; return jobs to run, metadata failures, and skips."""
    manifest: dict[str, CallMeta] = {}
    for m in manifests:
        manifest.update(read_manifest(m))
    jobs: list[Job] = []
    failures: list[FailedCall] = []
    skipped = 0
    used_ids = {cid: h for h, cid in known_ids.items()}
    batch_hashes: set[str] = set()
    for path in files:
        try:
            digest = file_hash(path) if path.is_file() else f"missing:{path.resolve()}"
        except OSError as exc:
            digest = f"unreadable:{path.resolve()}"
            log.warning("cannot read %s: %s", path, exc)
        if digest in batch_hashes:
            skipped += 1  # the same recording twice in one batch
            continue
        batch_hashes.add(digest)
        if digest in done and not force:
            skipped += 1
            continue
        try:
            meta = load_metadata(path, manifest, config.audio.default_channels or None)
        except CallQAError as exc:
            failures.append(FailedCall(str(path), digest, CallMeta(call_id=path.stem), "metadata",
                                       str(exc), 0.0))
            continue
        owner = used_ids.get(meta.call_id)
        if owner is not None and owner != digest and known_ids.get(digest) != meta.call_id:
            # Two different recordings claim one call id: keep both, distinguishably.
            meta = replace(meta, call_id=f"{meta.call_id}-{digest[:8]}")
        used_ids[meta.call_id] = digest
        jobs.append(Job(path, meta, digest))
    return with_history(jobs, stored_history), failures, skipped


def with_history(jobs: Sequence[Job], stored: Sequence[CallMeta]) -> list[Job]:
    """Give each job the borrower's other calls, from this batch and from the store,
    so history rules (calls per day) see the same picture whatever the order."""
    by_borrower: dict[str, dict[str, CallMeta]] = {}
    for meta in [*stored, *(j.meta for j in jobs)]:
        if meta.borrower_id:
            by_borrower.setdefault(meta.borrower_id, {})[meta.call_id] = meta
    out = []
    for job in jobs:
        others = by_borrower.get(job.meta.borrower_id or "", {})
        history = tuple(sorted(
            (m for cid, m in others.items() if cid != job.meta.call_id),
            key=lambda m: (m.started_at is None, m.started_at.isoformat() if m.started_at else "",
                           m.call_id)))
        out.append(replace(job, history=history))
    return out


class Runner(Protocol):
    """Processes planned jobs somewhere and yields each job's outcome once, in any order.

    ``workers`` is what the user asked for (``--workers``), ``None`` for the runner's
    default. Closing the iterator early (Ctrl-C) must stop the work it started.
    """

    def __call__(self, jobs: Sequence[Job], settings: Settings, config: RunConfig,
                 workers: int | None) -> Iterator[CallOutcome]: ...


def crash_failure(job: Job) -> FailedCall:
    """The outcome of a file whose worker died ``MAX_CRASHES`` times while on it."""
    return FailedCall(str(job.path), job.content_hash, job.meta, "crashed",
                      "the worker processing this file crashed twice "
                      "(decoder or model failure); check the file", 0.0)


_RESOURCES: Resources | None = None


def _init_worker(settings: Settings, config: RunConfig) -> None:
    # The parent handles Ctrl-C and shuts the pool down; workers must not die mid-write.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _RESOURCES
    _RESOURCES = build_resources(settings, config)


def _run_job(job: Job) -> CallOutcome:
    assert _RESOURCES is not None, "worker not initialised"
    return process_file(job.path, job.meta, job.content_hash, _RESOURCES, job.history)


def _outcomes_inline(jobs: Sequence[Job], settings: Settings,
                     config: RunConfig) -> Iterator[CallOutcome]:
    from threadpoolctl import threadpool_limits

    # Numpy was loaded in this process with a BLAS thread per core, and a different
    # summation order changes decoding; one thread, like pool workers and Ray actors,
    # keeps the transcript the same whichever runner ran the file.
    with threadpool_limits(limits=1):
        resources = build_resources(settings, config)
        for job in jobs:
            yield process_file(job.path, job.meta, job.content_hash, resources, job.history)


def _outcomes_pool(jobs: Sequence[Job], settings: Settings, config: RunConfig,
                   workers: int) -> Iterator[CallOutcome]:
    """Run jobs in a spawn pool; a crashed worker (e.g. a decoder segfault) costs
    only the jobs in flight: they are retried once in a fresh pool, then failed."""
    ctx = get_context("spawn")
    queue = list(reversed(jobs))
    crashes: dict[str, int] = {}
    while queue:
        in_flight: dict[Future[CallOutcome], Job] = {}
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(settings, config)) as pool:
            try:
                while queue or in_flight:
                    # Back-pressure: at most two jobs per worker in flight.
                    while queue and len(in_flight) < 2 * workers:
                        job = queue.pop()
                        in_flight[pool.submit(_run_job, job)] = job
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        outcome = fut.result()  # raises BrokenProcessPool: job stays in flight
                        del in_flight[fut]
                        yield outcome
            except BrokenProcessPool:
                log.warning("a worker process died; retrying the %d calls in flight",
                            len(in_flight))
                for job in in_flight.values():
                    crashes[job.content_hash] = crashes.get(job.content_hash, 0) + 1
                    if crashes[job.content_hash] >= MAX_CRASHES:
                        yield crash_failure(job)
                    else:
                        queue.append(job)
            except BaseException:
                # Ctrl-C or SIGTERM: workers never write to the store, so stopping them
                # mid-call loses nothing (those calls are redone on the next run), and
                # the user is not kept waiting for calls whose results would be dropped.
                procs = list((getattr(pool, "_processes", None) or {}).values())
                for proc in procs:
                    proc.terminate()
                for proc in procs:
                    proc.join(timeout=10)
                    if proc.is_alive():
                        # A worker inside native decoding only sees SIGTERM when it
                        # returns to Python, which can take longer than we wait.
                        proc.kill()
                        proc.join(timeout=10)
                pool.shutdown(wait=False, cancel_futures=True)
                raise


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _on_sigterm_interrupt() -> signal.Handlers | Callable[..., object] | int | None:
    """Install SIGTERM -> KeyboardInterrupt; returns the previous handler (None when
    not on the main thread, where Python cannot install handlers)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_interrupt)


def local_runner(jobs: Sequence[Job], settings: Settings, config: RunConfig,
                 workers: int | None) -> Iterator[CallOutcome]:
    """The default runner: in this process for one worker, else a local spawn pool."""
    n_workers = max(1, min(workers or settings.workers, len(jobs) or 1))
    if n_workers == 1:
        return _outcomes_inline(jobs, settings, config)
    return _outcomes_pool(jobs, settings, config, n_workers)


def run_batch(
    paths: Sequence[Path],
    settings: Settings,
    config: RunConfig,
    save: Callable[[CallOutcome], None],
    done: set[str],
    known_ids: dict[str, str],
    force: bool = False,
    workers: int | None = None,
    progress: bool = True,
    stored_history: Sequence[CallMeta] = (),
    runner: Runner = local_runner,
) -> BatchReport:
    """Process ``paths``; ``save`` persists each outcome as soon as it arrives."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    files, manifests = discover(paths)
    jobs, failures, skipped = plan_jobs(files, manifests, config, done, known_ids, force,
                                        stored_history)
    report = BatchReport(skipped=skipped)
    for f in failures:
        save(f)
        report.failed += 1
        report.failures.append((f.source, f.error_code, f.message))
    # One thread per worker: on few cores, processes beat threads for batches.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    # A service manager stops us with SIGTERM: handle it like Ctrl-C so the call
    # being written is finished and the workers are stopped, not orphaned.
    previous_term = _on_sigterm_interrupt()
    outcomes = runner(jobs, settings, config, workers) if jobs else iter(())
    bar = tqdm(total=len(jobs), unit="file", disable=not progress, dynamic_ncols=True)
    try:
        for outcome in outcomes:
            save(outcome)
            if isinstance(outcome, ProcessedCall):
                report.done += 1
                report.audio_seconds += outcome.duration
            else:
                report.failed += 1
                report.failures.append((outcome.source, outcome.error_code, outcome.message))
            elapsed = time.perf_counter() - t0
            bar.update(1)
            bar.set_postfix(files_s=f"{(report.done + report.failed) / elapsed:.2f}",
                            audio_h_per_h=f"{report.audio_seconds / elapsed:.1f}",
                            failed=report.failed)
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        # Stop the runner's workers now (pool, Ray actors), not whenever it is collected.
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
        bar.close()
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
        report.wall_seconds = time.perf_counter() - t0
    return report
