"""Closing the bot while safety alerts are in flight: they are posted before Discord and the
database close, or (if posting takes longer than the grace period) kept and posted at the next
start; never dropped with "Ignoring exception in on_safety_alert"."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild, run_bot
from bot.inflight import InFlight
from bot.safety_service import alerts
from bot.safety_service.policy import Flag
from bot.storage.guilds import update_settings

MESSAGES = "POST /channels/{channel_id}/messages"
RISKY = [
    "honestly i just want to die",
    "he gives me the silent treatment every time i see my friends",
    "he hit me again last night",
]


def alerts_posted(fake: FakeDiscord, world: StandardGuild) -> int:
    """Alerts shown in the alerts channel (several share a post when they pile up)."""
    posts: list[FakeMessage] = fake.messages(world.mod_alerts)
    return sum("Safety alert" in (e.get("title") or "") for m in posts for e in m.embeds)


async def flood_and_close(
    bot: Bridgeline, fake: FakeDiscord, world: StandardGuild, retry_after: float
) -> int:
    """Sends the risky lines; once every alert is stored and its posting dispatched (the first
    post held up by a rate limit), returns at once so the bot closes with them in flight."""
    await update_settings(
        bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, safety_mode="mods"
    )
    dispatched: list[int] = []

    async def seen(alert_id: int, **_: object) -> None:
        dispatched.append(alert_id)

    bot.add_listener(seen, "on_safety_alert")
    fake.faults.rate_limit(MESSAGES, retry_after=retry_after)
    for line in RISKY:
        await fake.send_message(world.general, world.you, line)
    await fake.wait_until(
        lambda: True if len(dispatched) == len(RISKY) else None, what="every alert dispatched"
    )
    assert len(bot.in_flight) > 0  # posting has not finished: the close below meets it
    return len(dispatched)


async def test_closing_posts_the_alerts_in_flight_first(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with run_bot(make_bridgeline(), fake) as bot:
        stored = await flood_and_close(bot, fake, world, retry_after=0.2)
    assert alerts_posted(fake, world) == stored == len(RISKY)
    assert "Ignoring exception" not in caplog.text
    assert "unfinished" not in caplog.text


async def test_alerts_still_posting_after_the_grace_period_are_posted_at_the_next_start(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    # Real waits on 429s here (not the harness's capped ones): posting waits 30 s.
    async with run_bot(make_bridgeline(), fake, fast_retries=False) as first:
        first.in_flight.grace = 0.05
        stored = await flood_and_close(first, fake, world, retry_after=30)
    assert "Ignoring exception" not in caplog.text
    assert "Closing with" in caplog.text and "unfinished" in caplog.text
    assert (
        alerts_posted(fake, world) < stored
    )  # the held-up ones were not posted; their rows stay pending

    fake.faults.clear()
    async with run_bot(make_bridgeline(), fake) as second:  # same data dir: the retry runs
        await fake.wait_until(
            lambda: True if alerts_posted(fake, world) == stored else None,
            what="every kept alert posted",
        )
        await second.in_flight.drain()  # the retry pass has marked what it posted
        assert await alerts.undelivered(second.db) == []
    assert "Ignoring exception" not in caplog.text


async def test_drain_waits_for_work_started_meanwhile_and_cancels_what_overruns() -> None:
    flight = InFlight(grace=10)
    release = asyncio.Event()
    later_done = asyncio.Event()

    async def later() -> None:
        async with flight.hold():
            await release.wait()
            later_done.set()

    async def first() -> None:
        async with flight.hold():
            asyncio.get_running_loop().create_task(later())  # e.g. an alert's posting
            await asyncio.sleep(0)

    task = asyncio.create_task(first())
    await asyncio.sleep(0)
    draining = asyncio.create_task(flight.drain())
    await task
    release.set()
    assert await draining == 0
    assert later_done.is_set()

    flight.grace = 0.01
    stuck = asyncio.Event()

    async def overruns() -> None:
        async with flight.hold():
            await stuck.wait()

    hung = asyncio.create_task(overruns())
    await asyncio.sleep(0)
    assert await flight.drain() == 1
    assert hung.cancelled()
    assert len(flight) == 0


async def test_the_retry_pass_leaves_an_alert_being_answered_to_its_own_posting(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> None:
    """The retry pass runs as the bot starts: it found a stored alert whose member was still
    being answered and posted it as "Not answered yet" (seen in the PostgreSQL run). While the
    answer is under way the alert is left to the posting that follows it."""
    async with run_bot(make_bridgeline(), fake) as bot:
        await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
        alert_id = await alerts.create_alert(
            bot.db, guild_id=world.guild.id, source="message", flag=Flag({"crisis": "high"}),
            now=bot.clock.now(), channel_id=world.general.id, message_id=4242,
        )  # fmt: skip
        assert alert_id is not None
        retry: Any = bot.get_cog("Alerts")
        bot.alerts_being_answered.add(alert_id)
        assert await retry.retry_pending() == 0
        assert alerts_posted(fake, world) == 0
        bot.alerts_being_answered.discard(alert_id)
        assert await retry.retry_pending() == 1  # once answered, a missed posting is retried
        assert alerts_posted(fake, world) == 1
