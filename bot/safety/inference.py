"""One worker thread runs the meaning layer for a scanner, in batches, off the event loop.

Before, each ``scan_async`` started its own ``asyncio.to_thread`` call: under a flood a dozen
threads fought over two cores and over the interpreter lock, and a 5 ms model call took up to
half a second. Now messages wait in one bounded queue; a single thread takes whatever is
waiting (up to ``MAX_BATCH``), runs the model once over it, and hands each answer back to the
event loop that asked. When ``MAX_WAITING`` messages are queued or being read, ``submit``
refuses at once (the caller keeps the pattern result), so pattern alerts never wait on the
model. The thread starts on the first message and ends after ``IDLE_S`` without work, so a
scanner that is replaced (content reload) or dropped leaves nothing running.

The model (ONNX Runtime, ``encoder.py``) releases the interpreter lock while it computes, so the
event loop keeps running beside it. The thread runs at a lower CPU priority (``NICE``): on a
busy or shared machine the loop, which answers people, comes first. A separate process was
measured with ``bench/flood.py --model process`` and did not pay: loop lag and slash answers
were no better than the thread's (the process competes for the same cores), and it needs a
second copy of the model and a start-up of seconds. BLAS is pinned to one thread by
``pin_native_threads`` (called once, where the encoder is loaded).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import threading
import weakref
from collections import deque
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.native_memory import return_freed_memory
from bot.safety.rules import DEFAULT_SENSITIVITY, Proposal

log = logging.getLogger(__name__)

MAX_BATCH = 32  # messages run through the model together
#: Queued or being read; beyond this, new messages get the patterns alone. About 4 s of a
#: 200 msg/s channel's long messages: on a shared machine the low-priority thread can get no
#: CPU for a second or more, and with 64 places (0.5 s) the paced bench read only 86-96% of
#: them while another process trained (bench/flood.py --rate 200); 512 read 100%.
MAX_WAITING = 512
IDLE_S = 2.0  # the thread ends after this long without work
EXIT_WAIT_S = 5.0  # at exit, how long to wait for the batch being read
NICE = 10  # the model thread yields the CPU to the event loop (Linux: per thread)


class Proposer(Protocol):
    """Proposes categories per text (the meaning layer; tests pass their own). ``levels``
    names each text's sensitivity (its server's /setup safety-sensitivity): one batch mixes
    servers, so the model runs once and each row is held to its own thresholds."""

    def categories(self, texts: list[str], levels: list[str]) -> list[Proposal]: ...


@runtime_checkable
class HoldsScratch(Protocol):
    """A proposer that keeps scratch memory between calls and can hand it back when idle."""

    def release_scratch(self) -> None: ...


Answer = Proposal | None  # None: the model failed; the patterns stand alone


@dataclass
class _Job:
    text: str
    level: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Answer]


class InferenceWorker:
    """A bounded queue in front of one model thread; safe to use from several event loops."""

    def __init__(
        self,
        model: Proposer,
        *,
        max_batch: int = MAX_BATCH,
        max_waiting: int = MAX_WAITING,
        idle_s: float = IDLE_S,
    ) -> None:
        self.model = model
        self.max_batch = max_batch
        self.max_waiting = max_waiting
        self.idle_s = idle_s
        self._jobs: deque[_Job] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._waiting = 0  # submitted and not yet answered
        self._running = False
        self.thread: threading.Thread | None = None  # the current model thread, if any
        self._overloaded_logged = False
        self._stopped = False
        _workers.add(self)
        self.batches = 0  # model calls made, texts read, texts refused (for benches and tests)
        self.read = 0
        self.refused = 0

    @property
    def waiting(self) -> int:
        return self._waiting

    def submit(
        self, text: str, *, urgent: bool = False, level: str = DEFAULT_SENSITIVITY
    ) -> asyncio.Future[Answer] | None:
        """A future for ``text``'s categories, or None when the queue is full (logged once
        per overload). ``urgent`` texts (the patterns already flagged them: an alert waits on
        this answer) go to the front of the queue. Call it from a running event loop; the
        future resolves on it. ``level``: the sensitivity its server chose."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._stopped:  # the process is ending: the patterns answer alone
                return None
            if self._waiting >= self.max_waiting:
                self.refused += 1
                if not self._overloaded_logged:
                    self._overloaded_logged = True
                    log.warning("Safety meaning layer busy: patterns only until the queue drains")
                return None
            job = _Job(text, level, loop, loop.create_future())
            self._waiting += 1
            if urgent:
                self._jobs.appendleft(job)
            else:
                self._jobs.append(job)
            if self._running:
                self._wake.notify()
            else:
                self._running = True
                self.thread = threading.Thread(target=self._run, name="safety-model", daemon=True)
                self.thread.start()
        return job.future

    def _run(self) -> None:
        _lower_priority()
        while True:
            with self._lock:
                if not self._jobs and not self._stopped:
                    self._wake.wait(self.idle_s)
                if not self._jobs or self._stopped:
                    self._running = False
                    break
                batch = [self._jobs.popleft() for _ in range(min(self.max_batch, len(self._jobs)))]
            answers = self._read(batch)
            with self._lock:
                self._waiting -= len(batch)
                if self._waiting == 0:
                    self._overloaded_logged = False
            for job, answer in zip(batch, answers, strict=True):
                _settle(job, answer)
        if not self._stopped:
            self._release_scratch()

    def stop(self, timeout: float = EXIT_WAIT_S) -> None:
        """Drops what is queued and waits for the batch being read. Called at exit: were the
        process to end while the thread is inside ONNX Runtime, the runtime's native threads
        would be torn down under it and C++ aborts the process ("terminate called")."""
        with self._lock:
            self._stopped = True
            self._waiting -= len(self._jobs)
            self._jobs.clear()
            self._wake.notify()
            thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _release_scratch(self) -> None:
        """A burst's scratch memory (the model's arena, token arrays, the head's products)
        stays with the runtime and the C allocator after it is freed: hand it back while
        nothing is waiting, so an idle bot is as small as one that just started."""
        try:
            if isinstance(self.model, HoldsScratch):
                self.model.release_scratch()
        except Exception:
            log.exception("Safety meaning layer could not release its scratch memory")
        return_freed_memory()

    def _read(self, batch: list[_Job]) -> list[Answer]:
        self.batches += 1
        self.read += len(batch)
        try:
            return list(
                self.model.categories([job.text for job in batch], [job.level for job in batch])
            )
        except Exception:
            log.exception("Safety meaning layer failed on %d messages; patterns only", len(batch))
            return [None] * len(batch)


_workers: weakref.WeakSet[InferenceWorker] = weakref.WeakSet()


@atexit.register
def _stop_workers() -> None:
    for worker in list(_workers):
        worker.stop()


def _settle(job: _Job, answer: Answer) -> None:
    def resolve(future: asyncio.Future[Answer] = job.future) -> None:
        if not future.done():  # the caller may have been cancelled meanwhile
            future.set_result(answer)

    with contextlib.suppress(RuntimeError):  # that loop has closed: nobody is waiting
        job.loop.call_soon_threadsafe(resolve)


def _lower_priority() -> None:
    """Runs the calling thread at ``NICE``: when cores are short (a busy or shared machine),
    the event loop, which answers members and moderators, gets the CPU first and the model
    the rest. Linux applies a thread id's nice value to that thread alone."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)


_pinned = False


def pin_native_threads(threads: int = 1) -> None:
    """One BLAS thread (NumPy's head arithmetic): the model thread and the event loop already
    share the cores, and a second BLAS thread per call only made them fight. Process-wide,
    done once; ONNX Runtime's own pool is set per session in ``encoder.py``."""
    global _pinned
    if _pinned:
        return
    _pinned = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; degrade rather than stop
        log.warning("threadpoolctl missing: BLAS thread count left as NumPy chose")
        return
    threadpool_limits(limits=threads, user_api="blas")


__all__ = ["IDLE_S", "MAX_BATCH", "MAX_WAITING", "Answer", "InferenceWorker", "pin_native_threads"]
