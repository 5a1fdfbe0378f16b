"""Daily prompts end to end: moderators configure through the fake Discord, the bot posts on
its (fake) clock, and what members and moderators see is checked in the channels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.content import Content
from bot.daily_prompts import PromptScheduler, TickReport, prompt_of_the_day
from bot.daily_prompts.claims import claim_due, recent_posts
from bot.daily_prompts.schedules import get_schedule
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild, run_bot
from bot.storage import audit
from bot.storage.guilds import update_settings

MESSAGES = "POST /channels/{channel_id}/messages"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def scheduler(bot: Bridgeline) -> PromptScheduler:
    found = getattr(bot, "prompt_scheduler", None)
    assert isinstance(found, PromptScheduler), "the prompts cog attaches bot.prompt_scheduler"
    return found


async def tick(bot: Bridgeline, clock: FakeClock, to: datetime) -> TickReport:
    """The sandbox's `:tick`: move the clock, run what is due."""
    clock.set(to)
    return await scheduler(bot).run_due(clock.now())


async def ask(
    fake: FakeDiscord, path: str, options: dict[str, Any] | None = None, user: Any = "mod"
) -> FakeMessage:
    inter = await fake.slash(path, options, user, "general")
    reply = await inter.reply()
    assert reply.ephemeral, f"/{path} must answer privately"
    return reply


async def set_up(
    fake: FakeDiscord, world: StandardGuild, at: str, zone: str, **extra: Any
) -> FakeMessage:
    options = {"channel": world.daily_prompt, "time": at, "timezone": zone, **extra}
    return await ask(fake, "prompts setup", options)


def posts(fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    return [m for m in fake.messages(world.daily_prompt) if m.author.id == fake.bot_user.id]


def footer(message: FakeMessage) -> str:
    return str(message.embeds[0].get("footer", {}).get("text", ""))


async def test_moderator_sets_up_and_the_prompt_posts_at_local_time(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    reply = await set_up(fake, world, "09:30", "Europe/London")
    assert "Daily prompts are set up" in reply.text
    fields = " ".join(f["value"] for f in reply.embeds[0]["fields"])
    assert "Mon 02 Mar 2026, 09:30 (Europe/London, UTC)" in fields
    assert "Mon 02 Mar 2026, 09:30 UTC" in fields
    assert (await tick(bot, clock, utc(2026, 3, 2, 9, 29))).due == 0
    assert posts(fake, world) == []
    report = await tick(bot, clock, utc(2026, 3, 2, 9, 30))
    assert len(report.posted) == 1
    (post,) = posts(fake, world)
    text = await prompt_of_the_day(bot.db, world.guild.id, date(2026, 3, 2))
    assert text and post.embeds[0]["description"] == text
    assert footer(post).startswith("Daily reflection · 2026-03-02")
    assert [b["label"] for b in post.buttons] == ["Reflect privately"]
    assert post.content == "" and not post.mentions
    # The next ticks post nothing more that day; the next morning brings the next prompt.
    await tick(bot, clock, utc(2026, 3, 2, 23))
    await tick(bot, clock, utc(2026, 3, 3, 9, 30))
    second = posts(fake, world)[-1]
    assert len(posts(fake, world)) == 2 and second.embeds[0]["description"] != text
    actions = [e.action for e in await audit.recent(bot.db, world.guild.id)]
    assert actions == ["prompts.setup"]
