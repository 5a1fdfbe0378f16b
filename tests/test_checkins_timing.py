"""Waiting on the bot's clock (bot.checkins.timing): wakes on a poke, on a FakeClock move, at
the due time, and a waiting task can always be cancelled (a swallowed cancel hangs shutdown)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.checkins.timing import wait_until
from bot.clock import FakeClock
from bot.fakediscord import HANG_GUARD

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_returns_at_once_when_due() -> None:
    clock = FakeClock(START)
    await asyncio.wait_for(wait_until(clock, START, asyncio.Event()), HANG_GUARD)


async def test_wakes_on_poke_and_on_a_clock_move() -> None:
    clock, poke = FakeClock(START), asyncio.Event()
    later = START + timedelta(hours=1)
    waiting = asyncio.create_task(wait_until(clock, later, poke))
    await asyncio.sleep(0)
    assert not waiting.done()
    poke.set()
    await asyncio.wait_for(waiting, HANG_GUARD)
    moved = asyncio.create_task(wait_until(clock, later, asyncio.Event()))
    await asyncio.sleep(0)
    clock.advance(timedelta(minutes=1))
    await asyncio.wait_for(moved, HANG_GUARD)


async def test_real_timeout_is_capped() -> None:
    clock = FakeClock(START)
    far = START + timedelta(days=1)
    await asyncio.wait_for(wait_until(clock, far, asyncio.Event(), max_sleep=0.01), HANG_GUARD)


async def test_cancelling_a_waiter_always_stops_it() -> None:
    """Cancel at every point of a wake-up (the old clean-up awaited its helpers and could eat
    the cancellation, which hung the bot's shutdown)."""
    clock = FakeClock(START)
    for yields in range(8):

        async def loop() -> None:
            while True:
                await wait_until(clock, START + timedelta(hours=1), asyncio.Event())

        task = asyncio.create_task(loop())
        await asyncio.sleep(0)
        clock.advance(timedelta(seconds=1))
        for _ in range(yields):
            await asyncio.sleep(0)
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=HANG_GUARD)
        assert task in done and task.cancelled(), f"cancel lost after {yields} yields"
