"""Ray runner: the same batch fanned out to actors on a Ray cluster (or a local Ray).

The only module that imports ``ray`` (the optional ``ray`` extra). It plugs into
``pipeline.batch.run_batch`` as a ``Runner``, so discovery, planning, resume and
the report are the local runner's; only where ``process_file`` runs changes.

- Each actor takes one CPU and builds ``Resources`` (model, rule packs) once.
- Back-pressure: at most ``per_actor`` files in flight per actor, so a batch of
  100 000 files never puts 100 000 tasks (and their results) in the object store.
- A dead actor (killed, out of memory, a decoder segfault, a lost node) is replaced
  and the files it held go back in the queue; a file whose worker dies
  ``MAX_CRASHES`` times is recorded as failed, as the local runner does.
- Results come back to the driver, which writes them through the same writer as
  the local runner (one transaction per call, replaced by content hash). Ray task
  retries are off: a file is resubmitted only after its attempt is known lost, and
  a content hash already yielded is never yielded again, so no call is written twice.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from pipeline.batch import MAX_CRASHES, Job, crash_failure
from pipeline.config import RunConfig
from pipeline.errors import CallQAError, ConfigError
from pipeline.outcome import CallOutcome, FailedCall
from pipeline.process import Resources, build_resources, process_file
from pipeline.settings import Settings

log = logging.getLogger(__name__)

RAY_EXTRA_HINT = "install the `ray` extra: pip install 'callqa[ray]' (included by `make setup`)"


def import_ray() -> ModuleType:
    """``ray``, or a ConfigError that names the extra to install."""
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(f"--runner ray needs Ray, which is not installed; {RAY_EXTRA_HINT}") \
            from exc
    return ray


class CallWorker:
    """One actor's state: Resources built once, then one file at a time (one thread)."""

    def __init__(self, settings: Settings, config: RunConfig) -> None:
        self._resources: Resources | None = None
        self._error: str | None = None
        try:
            self._resources = build_resources(settings, config)
        except CallQAError as exc:
            # Kept, not raised: a raising constructor reaches the driver as an opaque
            # "actor died"; ``ready`` hands the user's error back instead.
            self._error = str(exc)

    def ready(self) -> tuple[int, str | None]:
        """This actor's process id and its start-up error, if any."""
        return os.getpid(), self._error

    def process(self, job: Job) -> CallOutcome:
        if self._resources is None:
            return FailedCall(str(job.path), job.content_hash, job.meta, "error",
                              self._error or "worker not initialised", 0.0)
        return process_file(job.path, job.meta, job.content_hash, self._resources, job.history)


@dataclass
class _Slot:
    """One actor position; ``generation`` changes when its actor is replaced, so late
    errors from the dead actor's tasks are told apart from the new actor's."""

    actor: Any
    ready: Any  # ObjectRef of ``ready()``
    generation: int = 0
    in_flight: int = 0


@dataclass
class RayRunner:
    """``Runner`` on Ray. ``address=None`` starts a local Ray for the batch and stops it
    after; an address (``HEAD_IP:6379``, ``auto``) joins a cluster.
    A Ray already initialised in this process (tests, notebooks) is used as it is."""

    address: str | None = None
    per_actor: int = 2
    replaced: int = field(default=0, init=False)  # actors replaced after dying (for tests, logs)
    _slots: list[_Slot] = field(default_factory=list, init=False, repr=False)

    def __call__(self, jobs: Sequence[Job], settings: Settings, config: RunConfig,
                 workers: int | None) -> Iterator[CallOutcome]:
        ray = import_ray()
        started = self._connect(ray, workers or settings.workers)
        try:
            yield from self._run(ray, jobs, settings, config, workers)
        finally:
            self._stop(ray, started)

    def _stop(self, ray: ModuleType, started: bool) -> None:
        # Runs on Ctrl-C too, when Ray's own processes may already be going down: a
        # failure here must not hide the interruption (the batch is resumable anyway).
        slots, self._slots = self._slots, []
        steps = [lambda a=s.actor: ray.kill(a) for s in slots]
        if started:
            steps.append(ray.shutdown)
        for step in steps:
            try:
                step()
            except Exception as exc:
                log.warning("stopping Ray workers: %s: %s", type(exc).__name__, exc)

    def actor_pids(self, busy_only: bool = False) -> list[int]:
        """Process ids of the live actors (``busy_only``: those with files in flight)."""
        ray = import_ray()
        return [ray.get(s.ready)[0] for s in self._slots if s.in_flight or not busy_only]

    def _connect(self, ray: ModuleType, workers: int) -> bool:
        """Initialise Ray unless it already is; True if this call started it."""
        if ray.is_initialized():
            return False
        try:
            if self.address is None:
                # A private Ray for this batch: one CPU per worker, no dashboard, and worker
                # logs stay in Ray's log files (they may hold call details; the driver's
                # console has the PII log filter, the workers' output would bypass it).
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=self.address, log_to_driver=False)
        except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError...
            where = f"the Ray cluster at {self.address!r}" if self.address else "a local Ray"
            raise ConfigError(f"cannot start or connect to {where}: {type(exc).__name__}: {exc}") \
                from exc
        return True

    def _actor_count(self, ray: ModuleType, jobs: int, workers: int | None,
                     settings: Settings) -> int:
        cluster_cpus = int(ray.cluster_resources().get("CPU", 1))
        # On a cluster the default is all of it; more actors than CPUs would wait forever
        # for a CPU and hold their queued files with them.
        wanted = workers or (cluster_cpus if self.address else settings.workers)
        return max(1, min(wanted, cluster_cpus, jobs))

    def _new_slot(self, ray: ModuleType, remote_cls: Any, settings: Settings,
                  config: RunConfig, generation: int = 0) -> _Slot:
        actor = remote_cls.remote(settings, config)
        return _Slot(actor, actor.ready.remote(), generation)

    def _run(self, ray: ModuleType, jobs: Sequence[Job], settings: Settings, config: RunConfig,
             workers: int | None) -> Iterator[CallOutcome]:
        from ray.exceptions import RayError, RayTaskError

        # Ray's own restarts and task retries are off: a retry the driver does not see
        # could deliver a file's result twice, and the crash count would be lost.
        remote_cls = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(CallWorker)
        n = self._actor_count(ray, len(jobs), workers, settings)
        self._slots = [self._new_slot(ray, remote_cls, settings, config) for _ in range(n)]
        self._check_started(ray)
        log.info("Ray runner: %d actors for %d files", n, len(jobs))

        queue: deque[Job] = deque(jobs)
        crashes: dict[str, int] = {}
        yielded: set[str] = set()
        in_flight: dict[Any, tuple[int, int, Job]] = {}  # ref -> slot, generation, job
        while queue or in_flight:
            self._submit(queue, in_flight)
            # A short timeout, not a blocking wait: Ctrl-C is only seen between calls back
            # into Python, and a long recording must not hold it for minutes.
            ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=1.0)
            for ref in ready:
                index, generation, job = in_flight.pop(ref)
                slot = self._slots[index]
                if slot.generation == generation:
                    slot.in_flight -= 1
                try:
                    outcome: CallOutcome = ray.get(ref)
                except RayTaskError as exc:
                    # process_file never raises; this is Ray failing to run or return it.
                    outcome = FailedCall(str(job.path), job.content_hash, job.meta, "internal",
                                         f"Ray task failed: {exc}", 0.0)
                except RayError as exc:  # actor died, worker crashed, node or object lost
                    if slot.generation == generation:
                        log.warning("Ray actor %d died (%s); replacing it, retrying its files",
                                    index, type(exc).__name__)
                        self._replace(ray, remote_cls, settings, config, index)
                    crashes[job.content_hash] = crashes.get(job.content_hash, 0) + 1
                    if crashes[job.content_hash] < MAX_CRASHES:
                        queue.appendleft(job)
                        continue
                    outcome = crash_failure(job)
                if outcome.content_hash in yielded:
                    continue  # never two writes for one file, whatever Ray delivered
                yielded.add(outcome.content_hash)
                yield outcome

    def _submit(self, queue: deque[Job], in_flight: dict[Any, tuple[int, int, Job]]) -> None:
        """Fill every actor up to ``per_actor`` files, least loaded first."""
        while queue:
            index = min(range(len(self._slots)), key=lambda i: self._slots[i].in_flight)
            slot = self._slots[index]
            if slot.in_flight >= self.per_actor:
                return
            job = queue.popleft()
            in_flight[slot.actor.process.remote(job)] = (index, slot.generation, job)
            slot.in_flight += 1

    def _replace(self, ray: ModuleType, remote_cls: Any, settings: Settings, config: RunConfig,
                 index: int) -> None:
        old = self._slots[index]
        ray.kill(old.actor)  # it may be only unreachable; make sure it does no more work
        self._slots[index] = self._new_slot(ray, remote_cls, settings, config,
                                            old.generation + 1)
        self.replaced += 1

    def _check_started(self, ray: ModuleType) -> None:
        """Wait for every actor to load its model; a start-up error stops the batch."""
        try:
            states = ray.get([s.ready for s in self._slots])
        except Exception as exc:
            raise CallQAError(f"Ray workers could not start: {type(exc).__name__}: {exc}") \
                from exc
        for _, error in states:
            if error:
                raise CallQAError(f"Ray workers could not start: {error}")
