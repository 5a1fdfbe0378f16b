"""Waiting on the bot's clock: wake at a due time, when poked, or when a fake clock moves."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.clock import Clock

MAX_SLEEP_S = 300.0


async def wait_until(
    clock: Clock, when: datetime | None, poke: asyncio.Event, *, max_sleep: float = MAX_SLEEP_S
) -> None:
    """Returns at `when` (or after `max_sleep`), when `poke` is set, or when a FakeClock
    advances (it exposes a `changed` event), whichever comes first. The caller re-checks what
    is due, so an early wake-up is harmless."""
    changed: asyncio.Event | None = getattr(clock, "changed", None)
    delay = max_sleep if when is None else (when - clock.now()).total_seconds()
    if delay <= 0:
        return
    waiters = [asyncio.ensure_future(poke.wait())]
    if isinstance(changed, asyncio.Event):
        waiters.append(asyncio.ensure_future(changed.wait()))
    try:
        await asyncio.wait(waiters, timeout=min(delay, max_sleep), return_when="FIRST_COMPLETED")
    finally:
        # Not awaited: awaiting here could swallow a cancellation of the caller itself.
        for waiter in waiters:
            waiter.cancel()
