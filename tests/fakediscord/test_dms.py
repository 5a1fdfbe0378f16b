"""Slash commands in the bot's DMs: the payload is a user's, and the client's context rules."""

from __future__ import annotations

from typing import Any

import pytest

from bot.fakediscord import FakeDiscord, StandardGuild


async def test_slash_command_in_a_dm_reaches_the_bot_as_a_user(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    dm = fake.dm_channel(world.you)  # a Member: the channel still belongs to the user
    assert dm is fake.dm_channel("you") and dm.recipient is world.you.user
    inter = await fake.slash("strategy show", {"name": "boundaries"}, world.you, dm)
    reply = await inter.reply()
    assert "Boundaries" in reply.text and reply.channel is dm
    payload = inter.payload
    assert "member" not in payload and "guild_id" not in payload
    assert payload["user"]["id"] == str(world.you.id) and payload["context"] == 1
    assert payload["channel"]["type"] == 1
    assert payload["channel"]["recipients"] == [world.you.user.to_json()]


async def test_components_and_autocomplete_work_in_dms(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    dm = fake.dm_channel(world.you)
    choices = await fake.autocomplete("strategy show", {}, "name", world.you, dm)
    assert "two words" in [c["value"] for c in choices]
    dmonly = await fake.slash("dmonly", user=world.you, channel=dm)
    assert (await dmonly.reply()).content == "in a DM"
    feedback = await fake.slash("feedback", user=world.you, channel=dm)
    await feedback.modal_shown()
    submitted = await fake.submit_modal({"What happened": "quiet"}, world.you)
    assert (await submitted.reply()).content == "Thanks: quiet"


async def test_commands_are_offered_only_where_their_contexts_allow(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    dm = fake.dm_channel(world.you)
    with pytest.raises(LookupError, match="'serveronly' is not available in DMs"):
        await fake.slash("serveronly", user=world.you, channel=dm)
    with pytest.raises(LookupError, match="'dmonly' is not available in a server"):
        await fake.slash("dmonly", user=world.you, channel=world.general)
    assert (await (await fake.slash("serveronly", user="you")).reply()).content == "in a server"
    legacy = next(c for c in fake.commands[None] if c["name"] == "ping")
    legacy.update(contexts=None, dm_permission=False)  # before contexts existed
    with pytest.raises(LookupError, match="not available in DMs"):
        await fake.slash("ping", user=world.you, channel=dm)


async def test_message_sent_as_a_member_in_a_dm(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    await fake.send_message(fake.dm_channel(world.mod), world.mod, "hi")
    assert (await fake.wait_for_dm(world.mod)).content == "DM received: hi"
