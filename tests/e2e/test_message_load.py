"""Work the bot does per chat message: under a flood every microsecond on the event loop is
paid thousands of times a second (bench/flood.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild


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
