"""The one error handler, seen by a member: a bug gives a calm message with an error id that is
also in the log (with the traceback, never the raw exception text to the member); a known
error gives its own sentence; neither leaks into the channel."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import discord
import pytest

from bot.client import Bridgeline, bot_intents
from bot.errors import UserFacingError
from bot.fakediscord import FakeDiscord, StandardGuild, run_bot


def _with_test_commands(bot: Bridgeline) -> Bridgeline:
    @bot.tree.command(name="explode", description="Fails like a bug would")
    async def explode(interaction: discord.Interaction) -> None:
        raise RuntimeError("secret internal detail 12345")

    @bot.tree.command(name="refuse", description="Fails like a known problem")
    async def refuse(interaction: discord.Interaction) -> None:
        raise UserFacingError("That entry no longer exists.")

    @bot.tree.command(name="slowfail", description="Fails after deferring")
    async def slowfail(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        raise discord.Forbidden(_FakeResponse(), {"code": 50013, "message": "Missing Permissions"})

    return bot


class _FakeResponse:
    status = 403
    reason = "Forbidden"


async def test_bug_gets_an_error_id_that_is_in_the_log(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with run_bot(_with_test_commands(make_bridgeline()), fake):
        with caplog.at_level(logging.ERROR, logger="bot.errors"):
            answer = await (await fake.slash("explode", None, world.you, world.general)).response()
    assert answer.ephemeral
    assert "secret internal detail" not in answer.text
    match = re.search(r"error id `([0-9a-f]{8})`", answer.text)
    assert match, answer.text
    record = next(r for r in caplog.records if match.group(1) in r.getMessage())
    assert record.exc_info is not None and "secret internal detail" in str(record.exc_info[1])
    assert fake.messages(world.general) == []  # nothing public


async def test_known_errors_get_their_own_sentence(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> None:
    async with run_bot(_with_test_commands(make_bridgeline()), fake):
        refused = await (await fake.slash("refuse", None, world.you, world.general)).response()
        deferred = await fake.slash("slowfail", None, world.you, world.general)
        followup = (await deferred.followups(1))[0]
    assert refused.ephemeral and refused.text == "That entry no longer exists."
    assert "missing a permission" in followup.text
    assert followup.ephemeral


def test_intents_are_the_minimum_the_bot_needs() -> None:
    intents = bot_intents()
    assert intents.guilds and intents.guild_messages and intents.message_content
    assert intents.dm_messages
    assert not intents.members and not intents.presences
