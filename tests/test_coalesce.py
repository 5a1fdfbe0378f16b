"""The coalescer behind alert digests: the first item goes out alone, at once; what arrives
while a flush is under way goes out together in the next one, each submitter getting its own
item's result; failures and cancellations leave nothing behind."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest

from bot.coalesce import Coalescer


class Waits:
    """`on_wait` for a coalescer: counts the items that waited; `until(n)` waits for n."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._changed = asyncio.Event()

    def __call__(self, key: str) -> None:
        self.keys.append(key)
        self._changed.set()

    async def until(self, count: int) -> None:
        while len(self.keys) < count:
            self._changed.clear()
            await self._changed.wait()


class Recorder:
    """A flush that records its batches and waits on `gate` (Discord being slow)."""

    def __init__(self) -> None:
        self.batches: list[tuple[str, list[int]]] = []
        self.gate = asyncio.Event()
        self.started: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.fail_next = False

    async def __call__(self, key: str, items: list[int]) -> list[str]:
        self.batches.append((key, items))
        self.started[key].set()
        await self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise OSError("disk full")
        return [f"{key}:{item}" for item in items]


async def under_way(
    flush: Recorder,
) -> tuple[Waits, Coalescer[str, int, str], asyncio.Task[str]]:
    """A coalescer whose first flush (g1's item 1) has started and is held at the gate."""
    waited = Waits()
    coalescer: Coalescer[str, int, str] = Coalescer(flush, on_wait=waited)
    first = asyncio.create_task(coalescer.submit("g1", 1))
    await flush.started["g1"].wait()
    return waited, coalescer, first


async def test_a_lone_item_is_flushed_at_once_and_gets_its_own_result() -> None:
    flush = Recorder()
    flush.gate.set()
    coalescer: Coalescer[str, int, str] = Coalescer(flush)
    assert await coalescer.submit("g1", 7) == "g1:7"
    assert flush.batches == [("g1", [7])]


async def test_items_arriving_during_a_flush_go_out_together_next_in_order() -> None:
    flush = Recorder()
    waited, coalescer, first = await under_way(flush)
    later = [asyncio.create_task(coalescer.submit("g1", n)) for n in (2, 3, 4)]
    other = asyncio.create_task(coalescer.submit("g2", 9))
    await waited.until(3)
    await flush.started["g2"].wait()  # another server's flush starts while g1's is under way
    assert flush.batches == [("g1", [1]), ("g2", [9])]
    flush.gate.set()
    assert await first == "g1:1"
    assert [await task for task in later] == ["g1:2", "g1:3", "g1:4"]
    assert await other == "g2:9"
    assert flush.batches == [("g1", [1]), ("g2", [9]), ("g1", [2, 3, 4])]
    assert waited.keys == ["g1", "g1", "g1"] and coalescer.waiting("g1") == 0


async def test_a_failed_flush_fails_every_item_it_carried_and_the_next_starts_afresh() -> None:
    flush = Recorder()
    _, coalescer, first = await under_way(flush)
    flush.fail_next = True
    flush.gate.set()
    with pytest.raises(OSError):
        await first
    assert await coalescer.submit("g1", 2) == "g1:2"
    assert flush.batches == [("g1", [1]), ("g1", [2])]


async def test_an_item_cancelled_while_waiting_is_not_carried_later() -> None:
    flush = Recorder()
    waited, coalescer, first = await under_way(flush)
    dropped = asyncio.create_task(coalescer.submit("g1", 2))
    kept = asyncio.create_task(coalescer.submit("g1", 3))
    await waited.until(2)
    assert coalescer.waiting("g1") == 2
    dropped.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dropped
    flush.gate.set()
    assert (await first, await kept) == ("g1:1", "g1:3")
    assert flush.batches == [("g1", [1]), ("g1", [3])]
    assert coalescer.waiting("g1") == 0


async def test_a_flush_giving_the_wrong_number_of_results_fails_loudly() -> None:
    async def short(key: str, items: list[int]) -> list[str]:
        return []

    coalescer: Coalescer[str, int, str] = Coalescer(short)
    with pytest.raises(RuntimeError, match="0 results for 1 items"):
        await coalescer.submit("g1", 1)
