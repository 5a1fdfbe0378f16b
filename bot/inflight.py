"""Safety work in flight, finished (or safely left) before the bot closes.

A member's risky message becomes an alert row, a reply and a moderator post, in event tasks
that discord.py starts and forgets. At shutdown those used to meet a closed HTTP session or
database ("Ignoring exception in on_safety_alert"). Cogs run such work inside ``hold``; the
bot's ``close`` calls ``drain`` first, while Discord and the database are still open: what
finishes within the grace period is posted; what does not is cancelled, and an alert whose row
was stored but not posted stays in the table for the retry loop at the next start
(``cogs/alerts.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger(__name__)

GRACE_S = 5.0


class InFlight:
    """Work held now; ``drain`` waits until it is let go (including work it starts meanwhile)."""

    def __init__(self, grace: float = GRACE_S) -> None:
        self._held: dict[asyncio.Future[None], asyncio.Task[Any]] = {}
        self.grace = grace

    def __len__(self) -> int:
        return len(self._held)

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Marks the work inside as in flight (the current task may go on afterwards, as the
        alerts retry loop does)."""
        task = asyncio.current_task()
        assert task is not None, "hold() runs inside a task"
        released: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._held[released] = task
        try:
            yield
        finally:
            del self._held[released]
            released.set_result(None)

    async def drain(self) -> int:
        """Waits up to ``grace`` seconds for held work, including work it starts meanwhile
        (a stored alert dispatching its posting); cancels what is left. Returns how many
        tasks were cancelled."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.grace
        me = asyncio.current_task()
        while True:
            waiting = [f for f, task in self._held.items() if task is not me]
            left = deadline - loop.time()
            if not waiting:
                return 0
            if left <= 0:
                break
            await asyncio.wait(waiting, timeout=left)
        late = {self._held[f] for f in waiting if f in self._held}
        log.warning(
            "Closing with %d safety tasks unfinished; stored alerts are posted at the next start",
            len(late),
        )
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        return len(late)
