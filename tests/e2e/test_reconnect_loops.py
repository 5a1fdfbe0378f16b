"""Background loops start once, in setup_hook: a RESUME and a fresh IDENTIFY (a new READY, so
on_ready runs again) leave exactly the loops that were running, not a second copy of any."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections import Counter
from collections.abc import Callable

from bot.client import GC_GEN0_THRESHOLD, GIL_SWITCH_INTERVAL_S, Bridgeline
from bot.clock import OffsetClock
from bot.fakediscord import FakeDiscord, StandardGuild, run_bot
from bot.gateway_intake import is_paced

#: Every background loop the bot runs; a new loop must be added here (the test fails until it
#: is, so nobody adds one that starts in on_ready unnoticed).
LOOPS = {
    "bridgeline-purge",
    "checkins-sender",
    "checkins-retention",
    "daily-prompts",
    "alerts-reraise",
    "discord-ext-tasks: Safety.forget_old_offers",
    "discord-ext-tasks: AskMods.retention",
    "discord-ext-tasks: Alerts.retry_loop",
}
LISTENER_PREFIX = "discord.py: "


def _running() -> Counter[str]:
    return Counter(t.get_name() for t in asyncio.all_tasks() if not t.done())


def _loop_tasks() -> dict[str, asyncio.Task[object]]:
    return {t.get_name(): t for t in asyncio.all_tasks() if t.get_name() in LOOPS and not t.done()}


async def _listeners_done(fake: FakeDiscord) -> None:
    """Every on_ready/on_resumed listener has finished (they run as named tasks)."""

    def settled() -> bool | None:
        busy = [n for n in _running() if n.startswith(LISTENER_PREFIX + "on_")]
        return True if not busy else None

    await fake.wait_until(settled, what="listeners to finish")


async def test_each_loop_runs_once_across_resume_and_reidentify(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> None:
    # A clock that is not a FakeClock, so the daily prompt loop starts too.
    bot = make_bridgeline(clock=OffsetClock(), identify_spacing=0.0)
    async with run_bot(bot, fake):
        await _listeners_done(fake)
        before = _loop_tasks()
        assert set(before) == LOOPS
        first = bot.ws
        assert is_paced(first)  # the reader yields in bursts (bot/gateway_intake.py)

        await fake.drop_connection()  # RESUME: no READY
        await _listeners_done(fake)
        assert bot.ws is not first and is_paced(bot.ws)  # a new connection, paced again
        readied = asyncio.ensure_future(bot.wait_for("ready"))
        await fake.expire_session()  # IDENTIFY again: READY, on_ready runs a second time
        await readied
        await _listeners_done(fake)

        assert fake.gateway.identify_count == 2 and fake.gateway.resume_count == 1
        assert is_paced(bot.ws)
        counts = _running()
        assert {name: counts[name] for name in LOOPS} == dict.fromkeys(LOOPS, 1)
        assert _loop_tasks() == before  # the very same tasks, never restarted


async def test_start_up_objects_are_frozen_once_and_released_at_close(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> None:
    """on_ready moves what is alive out of the collector's reach (gc.freeze): only the first
    READY may, or whatever is alive at each reconnect is kept for good; and close gives it
    back, or a process that starts another client keeps every earlier one."""
    bot = make_bridgeline(identify_spacing=0.0)
    async with run_bot(bot, fake):
        await _listeners_done(fake)
        assert gc.get_freeze_count() > 0
        made_after_start = {"alive": []}  # a container the collector tracks
        readied = asyncio.ensure_future(bot.wait_for("ready"))
        await fake.expire_session()  # a second READY
        await readied
        await _listeners_done(fake)
        assert any(o is made_after_start for o in gc.get_objects()), "frozen by a second READY"
    assert gc.get_freeze_count() == 0


async def test_collector_runs_less_often_while_the_bot_runs(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> None:
    """A flood makes short-lived objects by the thousand: at CPython's first-generation
    threshold (700) the collector paused the loop every few messages. on_ready raises it, and
    close puts back what the process had (tests start many clients in one process)."""
    before = gc.get_threshold()
    bot = make_bridgeline(identify_spacing=0.0)
    async with run_bot(bot, fake):
        await _listeners_done(fake)
        assert gc.get_threshold() == (GC_GEN0_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before


async def test_helper_threads_get_the_gil_sooner_while_the_bot_runs(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> None:
    """Database and model threads finish each call by taking the GIL from a busy loop: on_ready
    shortens the switch interval, and close puts back what the process had."""
    before = sys.getswitchinterval()
    assert before != GIL_SWITCH_INTERVAL_S
    async with run_bot(make_bridgeline(identify_spacing=0.0), fake):
        await _listeners_done(fake)
        assert sys.getswitchinterval() == GIL_SWITCH_INTERVAL_S
    assert sys.getswitchinterval() == before
