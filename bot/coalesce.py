"""Work that arrives while the same kind of work is under way goes out together, next.

Posting to Discord is one request at a time per channel (discord.py queues requests per route,
and Discord limits posts per channel), so in a raid hundreds of moderator alerts would each wait
for every post before them. A `Coalescer` runs at most one flush per key (a server): the first
item flushes alone, at once, as before; whatever arrives during that flush waits and goes out in
the next one, together. A quiet server sees no difference; a busy one sees fewer posts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
R = TypeVar("R")

#: flush(key, items) -> one result per item, in the same order.
Flush = Callable[[K, list[T]], Awaitable[Sequence[R]]]


class Coalescer(Generic[K, T, R]):
    def __init__(self, flush: Flush[K, T, R], *, on_wait: Callable[[K], None] | None = None):
        """`on_wait(key)`: called when an item has to wait for a flush under way (tests and
        benches wait on it instead of guessing how long a post takes)."""
        self._flush = flush
        self._on_wait = on_wait
        self._waiting: dict[K, list[tuple[T, asyncio.Future[R]]]] = {}
        self._locks: dict[K, asyncio.Lock] = {}

    def waiting(self, key: K) -> int:
        """Items waiting for the next flush of `key`."""
        return len(self._waiting.get(key, ()))

    async def submit(self, key: K, item: T) -> R:
        """The item's result, once a flush has carried it (its own, or one it joined). A
        flush that raises raises in every submitter it carried; the next item starts afresh."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append((item, future))
        lock = self._locks.setdefault(key, asyncio.Lock())
        if lock.locked() and self._on_wait is not None:
            self._on_wait(key)
        try:
            async with lock:
                if not future.done():  # nobody carried it yet: carry everything waiting
                    await self._carry(key, self._waiting.pop(key))
        except asyncio.CancelledError:
            self._forget(key, future)  # cancelled while waiting: a later flush must not carry it
            raise
        finally:
            if not lock.locked() and key not in self._waiting:
                self._locks.pop(key, None)
        return await future

    def _forget(self, key: K, future: asyncio.Future[R]) -> None:
        waiting = self._waiting.get(key, [])
        waiting[:] = [entry for entry in waiting if entry[1] is not future]
        if not waiting:
            self._waiting.pop(key, None)

    async def _carry(self, key: K, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = list(await self._flush(key, [item for item, _ in batch]))
            if len(results) != len(batch):
                raise RuntimeError(f"flush gave {len(results)} results for {len(batch)} items")
        except BaseException as error:
            for _, future in batch:
                if not future.done():
                    if isinstance(error, asyncio.CancelledError):
                        future.cancel()
                    else:
                        future.set_exception(error)
            if isinstance(error, asyncio.CancelledError):
                raise
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)
