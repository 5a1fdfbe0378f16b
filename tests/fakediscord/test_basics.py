"""The first slice: handshake, slash command, ephemeral reply, button, modal."""

from __future__ import annotations

from discord.ext import commands

from bot.fakediscord import FakeDiscord, StandardGuild


async def test_bot_is_ready_and_sees_the_guild(
    fake: FakeDiscord, world: StandardGuild, bot: commands.Bot
) -> None:
    guild = bot.get_guild(world.guild.id)
    assert guild is not None
    assert {c.name for c in guild.text_channels} == {
        "general",
        "check-ins",
        "daily-prompt",
        "mod-alerts",
    }
    assert guild.get_member(world.mod.id).guild_permissions.manage_messages
    assert not guild.get_member(world.you.id).guild_permissions.manage_messages
    assert {c["name"] for c in fake.commands[None]} >= {"ping", "strategy", "Report message"}


async def test_slash_command_public_reply(
    fake: FakeDiscord, world: StandardGuild, bot: commands.Bot
) -> None:
    inter = await fake.slash("ping", user=world.you, channel=world.general)
    reply = await inter.reply()
    assert reply.content == "pong"
    assert not reply.ephemeral
    assert fake.messages(world.general)[-1] is reply


async def test_subcommand_ephemeral_embed(
    fake: FakeDiscord, world: StandardGuild, bot: commands.Bot
) -> None:
    inter = await fake.slash("strategy show", {"name": "boundaries"}, world.you, world.general)
    response = await inter.response()
    assert response.type == 4 and response.ephemeral
    assert "Boundaries" in response.text and "Breathe out slowly." in response.text
    assert response.message not in fake.messages(world.general)
    assert response.message in fake.messages(world.general, as_user=world.you)


async def test_button_click_edits_message(
    fake: FakeDiscord, world: StandardGuild, bot: commands.Bot
) -> None:
    inter = await fake.slash("confirm", user=world.you, channel=world.general)
    shown = (await inter.response()).message
    assert shown is not None and [b["label"] for b in shown.buttons] == ["Yes", "No"]
    click = await fake.click(shown, "Yes", world.you)
    assert (await click.response()).type == 7
    assert shown.content == "Confirmed." and shown.buttons == []


async def test_modal_submit(fake: FakeDiscord, world: StandardGuild, bot: commands.Bot) -> None:
    inter = await fake.slash("feedback", user=world.you, channel=world.general)
    modal = await inter.modal_shown()
    assert modal["title"] == "Tell us more"
    submitted = await fake.submit_modal({"What happened": "a long silence"}, world.you)
    assert (await submitted.reply()).content == "Thanks: a long silence"
