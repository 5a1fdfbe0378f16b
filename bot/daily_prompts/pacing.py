"""Keeping the scheduler's own requests within Discord's global rate limit."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

#: Discord allows 50 requests/s per bot; the scheduler keeps 5 for commands and alerts.
DEFAULT_LIMIT = 45


class RequestPacer:
    """At most `limit` acquisitions in any `window` seconds (a sliding window, stricter than a
    token bucket, which would allow a burst of twice the rate across a window boundary)."""

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        window: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("the pacer needs a positive limit and window")
        self.limit = limit
        self.window = window
        self._monotonic = monotonic
        self._sleep = sleep
        self._recent: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.total = 0
        self.waited = 0.0

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                while self._recent and now - self._recent[0] >= self.window:
                    self._recent.popleft()
                if len(self._recent) < self.limit:
                    break
                delay = self.window - (now - self._recent[0])
                self.waited += delay
                await self._sleep(delay)
            self._recent.append(self._monotonic())
            self.total += 1
