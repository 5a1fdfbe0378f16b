"""Work the bot does per chat message: under a flood every microsecond on the event loop is
paid thousands of times a second (bench/flood.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import discord

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild
from bot.storage.guilds import update_settings


async def test_chat_messages_skip_the_prefix_command_parser(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """Bridgeline has slash commands only: building a command context for every message
    (discord.py's default on_message) was ~5% of the loop's time in a flood, for nothing."""
    assert not bot.all_commands
    contexts: list[Any] = []
    original = bot.get_context

    async def counting(origin: Any, **kwargs: Any) -> Any:
        contexts.append(origin)
        return await original(origin, **kwargs)

    bot.get_context = counting  # type: ignore[method-assign]
    mention = f"<@{fake.bot_user.id}> hello there"
    for text in (mention, "just chatting"):
        seen = asyncio.ensure_future(
            bot.wait_for("message", check=lambda m, t=text: m.content == t)
        )
        await fake.send_message(world.general, world.you, text)
        await seen
    await fake.wait_until(_handlers_done, what="on_message handlers to finish")
    assert contexts == []


def _handlers_done() -> bool | None:
    busy = [t for t in asyncio.all_tasks() if t.get_name() == "discord.py: on_message"]
    return True if all(t.done() for t in busy) else None


async def test_chat_waits_as_discords_frames_and_a_resume_replays_none_twice(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """A chat event waits in the intake as the frame Discord sent, undecoded
    (bot/gateway_intake.py), so the reader itself must keep what discord.py keeps for every
    frame: the sequence number a RESUME replays from. Messages sent while the socket was down
    arrive once each, and a risky one among them is still alerted on."""
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
    seen: list[str] = []

    async def count(message: discord.Message) -> None:
        if message.author.id == world.you.id:
            seen.append(message.content)

    bot.add_listener(count, "on_message")
    before = bot.chat_intake.undecoded
    lines = ["first, before the drop", "sent while the socket was down", "i just want to die"]
    await fake.send_message(world.general, world.you, lines[0])
    await fake.wait_until(lambda: True if seen else None, what="the first message")
    await fake.drop_connection(wait=False)
    for text in lines[1:]:
        await fake.send_message(world.general, world.you, text)
    await fake.wait_until(lambda: True if fake.gateway.resumed.is_set() else None, what="RESUME")
    await fake.wait_until(lambda: True if len(seen) >= 3 else None, what="every message")
    await fake.wait_until(lambda: fake.messages(world.mod_alerts) or None, what="the alert")
    await fake.wait_until(_handlers_done, what="on_message handlers to finish")
    # Each once (the RESUME asked from the right sequence number); the risky one may have
    # been parsed first (the intake's triage).
    assert sorted(seen) == sorted(lines)
    assert bot.chat_intake.undecoded - before >= 3  # and the bot's own posts
    assert fake.gateway.resume_count == 1
