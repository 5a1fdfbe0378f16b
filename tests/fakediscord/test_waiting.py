"""`wait_until` gives up on time even while the fake changes constantly (many waiters, a busy
bench): its deadline must not depend on a cancellation Python 3.11's wait_for can swallow."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.fakediscord import FakeDiscord

HANG_GUARD = 30.0


async def test_a_wait_that_never_comes_true_times_out_under_a_storm_of_changes() -> None:
    fake = FakeDiscord()
    fake.notify()

    async def storm() -> None:
        while True:
            fake.notify()
            await asyncio.sleep(0)

    stormer = asyncio.create_task(storm())
    waits = [asyncio.create_task(fake.wait_until(lambda: None, 0.05, "nothing")) for _ in range(50)]
    try:
        # asyncio.wait's own timeout cancels nothing, so a stuck wait fails the test here.
        done, stuck = await asyncio.wait(waits, timeout=HANG_GUARD)
    finally:
        stormer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stormer
    for task in stuck:
        task.cancel()
    assert not stuck, f"{len(stuck)} of {len(waits)} waits never timed out"
    errors = [task.exception() for task in done]
    assert all(isinstance(e, TimeoutError) and "no nothing" in str(e) for e in errors), errors
    with pytest.raises(TimeoutError, match="no nothing within"):
        await fake.wait_until(lambda: None, 0.01, "nothing")
