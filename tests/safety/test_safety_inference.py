"""The meaning layer's one model thread: batching, the bounded queue, failures, idling out.

Every wait here is on an event (the stand-in model says when it has been entered, the test
says when it may return), never on a sleep."""

from __future__ import annotations

import asyncio
import logging
import os
import threading

import pytest

from bot.safety.detector import Detector
from bot.safety.encoder import length_groups
from bot.safety.inference import InferenceWorker
from bot.safety.normalize import normalize
from bot.safety.rules import Category
from bot.safety.scanner import SEMANTIC_RULE, SafetyScanner


class Gate:
    """A stand-in model that proposes crisis, holding each call until the test opens it."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.entered = threading.Event()
        self.go = threading.Event()
        self.threads: set[str] = set()
        self.fail = fail

    def categories(self, texts: list[str], levels: list[str]) -> list[frozenset[Category]]:
        self.calls.append(list(texts))
        self.threads.add(threading.current_thread().name)
        self.entered.set()
        assert self.go.wait(timeout=10), "the test never opened the gate"
        if self.fail:
            raise RuntimeError("model broke")
        return [frozenset({"crisis"}) for _ in texts]


async def entered(model: Gate) -> None:
    assert await asyncio.to_thread(model.entered.wait, 10)


async def test_what_waits_while_the_model_reads_goes_in_one_batch() -> None:
    model = Gate()
    worker = InferenceWorker(model, max_batch=32, max_waiting=64)
    first = worker.submit("first message")
    await entered(model)  # the thread is busy with the first message alone
    rest = [worker.submit(f"message {n}") for n in range(40)]
    assert worker.waiting == 41
    model.go.set()
    answers = await asyncio.gather(first, *rest)
    assert answers == [frozenset({"crisis"})] * 41
    assert [len(c) for c in model.calls] == [1, 32, 8]  # batches of at most 32, in order
    assert model.calls[1][0] == "message 0"
    assert model.threads == {"safety-model"}  # one thread, not one per message
    assert worker.waiting == 0


async def test_two_seconds_of_a_busy_channel_wait_for_a_stalled_model() -> None:
    """On a shared machine the low-priority model thread can get no CPU for a second or two.
    At 200 msg/s about 60% are long enough for the model (bench/flood.py --rate 200): two
    seconds is ~240 texts, and they wait for it rather than get the patterns alone. (With
    64 places the paced bench read 86-96% of them while another process trained.)"""
    model = Gate()
    worker = InferenceWorker(model)  # the shipped bounds
    first = worker.submit("first message")
    await entered(model)  # the thread is stalled inside the first call
    rest = [worker.submit(f"message {n}") for n in range(240)]
    assert None not in rest and worker.refused == 0
    model.go.set()
    await asyncio.gather(first, *(f for f in rest if f is not None))
    assert worker.read == 241


async def test_a_text_the_patterns_flagged_jumps_the_queue() -> None:
    model = Gate()
    worker = InferenceWorker(model, max_batch=2)
    first = worker.submit("first")
    await entered(model)
    rest = [worker.submit(t) for t in ("chat 1", "chat 2", "chat 3")]
    urgent = worker.submit("he hit me", urgent=True)
    model.go.set()
    await asyncio.gather(first, urgent, *rest)
    assert model.calls[1] == ["he hit me", "chat 1"]


def test_the_model_thread_runs_at_a_lower_priority_than_the_loop() -> None:
    seen: list[int] = []

    class Niceness:
        def categories(self, texts: list[str], levels: list[str]) -> list[frozenset[Category]]:
            seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            return [frozenset() for _ in texts]

    async def ask() -> None:
        await InferenceWorker(Niceness()).submit("hello there")

    asyncio.run(ask())
    assert seen and seen[0] > os.getpriority(os.PRIO_PROCESS, 0)


async def test_a_full_queue_refuses_at_once_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = Gate()
    worker = InferenceWorker(model, max_batch=4, max_waiting=3)
    caplog.set_level(logging.WARNING, "bot.safety.inference")
    queued = [worker.submit("a"), worker.submit("b"), worker.submit("c")]
    assert worker.submit("d") is None
    assert worker.submit("e") is None
    assert len([r for r in caplog.records if "busy" in r.message]) == 1
    model.go.set()
    await asyncio.gather(*queued)
    assert worker.submit("f") is not None  # drained: it reads again


async def test_a_failing_model_answers_none_and_the_thread_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = Gate(fail=True)
    model.go.set()
    worker = InferenceWorker(model)
    assert await worker.submit("x") is None
    assert "patterns only" in caplog.text
    model.fail = False
    assert await worker.submit("y") == frozenset({"crisis"})


async def test_a_cancelled_caller_does_not_break_the_others() -> None:
    model = Gate()
    worker = InferenceWorker(model)
    gone = worker.submit("gone")
    await entered(model)
    kept = worker.submit("kept")
    assert gone is not None and kept is not None
    gone.cancel()
    model.go.set()
    assert await kept == frozenset({"crisis"})
    assert worker.waiting == 0


async def test_the_thread_ends_when_idle_and_starts_again_on_demand() -> None:
    model = Gate()
    model.go.set()
    worker = InferenceWorker(model, idle_s=0.01)
    assert await worker.submit("one") == frozenset({"crisis"})
    first = worker.thread
    assert first is not None
    await asyncio.to_thread(first.join, 10)
    assert not first.is_alive()
    assert await worker.submit("two") == frozenset({"crisis"})
    assert worker.thread is not first


class Scratchy(Gate):
    """A stand-in model that keeps scratch memory, as the encoder's arena does."""

    def __init__(self) -> None:
        super().__init__()
        self.released: list[str] = []

    def release_scratch(self) -> None:
        self.released.append(threading.current_thread().name)


async def test_an_idle_thread_hands_the_models_scratch_memory_back() -> None:
    model = Scratchy()
    model.go.set()
    worker = InferenceWorker(model, idle_s=0.01)
    assert await worker.submit("one") == frozenset({"crisis"})
    assert worker.thread is not None
    await asyncio.to_thread(worker.thread.join, 10)
    assert model.released == ["safety-model"]  # once, as the thread ended, not per batch


def test_the_encoder_runs_the_same_after_releasing_its_scratch() -> None:
    from bot.safety.encoder import shared_encoder

    encoder = shared_encoder()
    texts = ["she has not spoken to me since friday", "ok", "a much longer line " * 12]
    before = encoder.encode(texts)
    encoder.release_scratch()
    assert abs(encoder.encode(texts) - before).max() < 1e-6


def test_length_groups_keep_similar_lengths_together() -> None:
    lengths = [70, 12, 13, 71, 14, 40, 12]
    groups = length_groups(lengths)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    assert groups == [[1, 6, 2, 4], [5], [0, 3]]
    assert all(len(g) <= 32 for g in length_groups([10] * 70))
    assert [len(g) for g in length_groups([128] * 20)] == [4] * 5  # 512 tokens a run


async def test_a_flagged_message_does_not_wait_long_for_a_stalled_model(
    detector: Detector,
) -> None:
    """Its alert waits on the scan: past `flagged_wait_s` the patterns' finding stands alone.
    A message the patterns did not flag still waits for the model (nothing waits on it)."""
    model = Gate()
    scanner = SafetyScanner(detector, model)
    scanner.flagged_wait_s = 0.05
    flagged = "i am going to kill myself tonight, i have the pills in my hand"
    quiet = "we talked about the weekend plans for a while and then watched a film together"
    assert detector.scan(flagged).flagged and not detector.scan(quiet).flagged
    unflagged = asyncio.ensure_future(scanner.scan_async(quiet))
    await entered(model)  # the model is stalled inside its first call
    found = await scanner.scan_async(flagged)
    assert found.categories == detector.scan(flagged).categories
    assert all(h.rule != SEMANTIC_RULE for h in found.hits)
    assert not unflagged.done()
    model.go.set()
    await unflagged  # answered once the model was
    assert model.calls[0] == [normalize(quiet)]


async def test_stopping_at_exit_waits_for_the_batch_being_read_and_drops_the_rest() -> None:
    """At exit the model thread must not be inside the runtime when the process ends (its
    native threads are torn down and C++ aborts: "terminate called"). `stop` (run by atexit)
    lets the batch under way finish, drops what waits, and refuses what comes after."""
    model = Gate()
    worker = InferenceWorker(model)
    first = worker.submit("first message")
    await entered(model)  # the thread is reading the first message alone
    queued = worker.submit("second message")
    assert first is not None and queued is not None
    worker.stop(timeout=0)  # drops the queued message at once; the read one still counts
    assert worker.waiting == 1 and worker.thread is not None and worker.thread.is_alive()
    model.go.set()
    await asyncio.to_thread(worker.stop)  # now it waits for that batch and the thread's end
    assert worker.thread is not None and not worker.thread.is_alive()
    assert await first == frozenset({"crisis"})
    assert not queued.done() and worker.waiting == 0  # dropped: nobody waits for it at exit
    assert model.calls == [["first message"]]
    assert worker.submit("after the end") is None
