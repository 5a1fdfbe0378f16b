"""Messages, channels, threads, reactions, and gateway events the bot reacts to."""

from __future__ import annotations

import datetime
from typing import Any

import discord

from bot.fakediscord import HANG_GUARD, FakeDiscord, StandardGuild, run_bot


async def test_on_message_reply_and_channel_as_a_person_sees_it(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    await fake.send_message("general", "you", "!hello")
    reply = await fake.wait_for_message(world.general)
    assert reply.content == "hello you"
    assert [m.content for m in fake.messages(world.general)] == ["!hello", "hello you"]


async def test_wait_for_message_ignores_older_answers(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    await fake.send_message(world.general, world.you, "!hello")
    first = await fake.wait_for_message(world.general)
    await fake.send_message(world.general, world.mod, "!hello")
    second = await fake.wait_for_message(world.general)
    assert first is not second and second.content == "hello mod"


async def test_history_and_edits(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    original = await fake.send_message(world.general, world.you, "first")
    edited = bot.wait_for("message_edit", timeout=HANG_GUARD)
    await fake.edit_message(original, "first, edited")
    before, after = await edited
    assert (before.content, after.content) == ("first", "first, edited")
    await fake.send_message(world.general, world.you, "!history")
    listing = await fake.wait_for_message(world.general)
    assert listing.content == "!history | first, edited"


async def test_threads_from_message_and_private(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    start = await fake.send_message(world.general, world.you, "!thread")
    posted = await fake.wait_for_message(None, lambda m: m.channel.is_thread)
    assert posted.content == "Thread started." and posted.channel.id == start.id
    assert posted.channel.parent_id == world.general.id
    await fake.send_message(world.general, world.you, "!private")
    private = await fake.wait_for_message(None, lambda m: m.channel.type == 12)
    assert world.you.id in private.channel.thread_members


async def test_bot_reaction(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    msg = await fake.send_message(world.general, world.you, "!react")
    await fake.wait_until(lambda: msg.reactions or None, HANG_GUARD, "reaction")
    assert msg.reactions == {"\N{WHITE HEAVY CHECK MARK}": {fake.bot_user.id}}


async def test_guild_join_leave_and_channel_delete(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    joined = bot.wait_for("guild_join", timeout=HANG_GUARD)
    guild = await fake.add_guild("Second")
    assert (await joined).id == guild.id
    created = bot.wait_for("guild_channel_create", timeout=HANG_GUARD)
    chan = await fake.add_channel(guild, "new-room")
    assert (await created).name == "new-room"
    deleted = bot.wait_for("guild_channel_delete", timeout=HANG_GUARD)
    await fake.delete_channel(chan)
    assert (await deleted).id == chan.id and bot.get_channel(chan.id) is None
    removed = bot.wait_for("guild_remove", timeout=HANG_GUARD)
    await fake.remove_bot(guild)
    assert (await removed).id == guild.id and bot.get_guild(guild.id) is None


async def test_member_join_is_seen(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    joined = bot.wait_for("member_join", timeout=HANG_GUARD)
    newcomer = await fake.add_member(world.guild, "newcomer")
    assert (await joined).id == newcomer.id


async def test_without_message_content_intent_content_is_empty(
    fake: FakeDiscord, world: StandardGuild, make_bot: Any
) -> None:
    async with run_bot(make_bot(message_content=False), fake) as bot:
        seen = bot.wait_for("message", timeout=HANG_GUARD)
        await fake.send_message(world.general, world.you, "!hello")
        assert (await seen).content == ""
        seen = bot.wait_for("message", timeout=HANG_GUARD)
        await fake.send_message(world.general, world.you, f"{fake.bot_user.mention} hi")
        assert (await seen).content.endswith(" hi")


async def test_privileged_intent_not_granted_fails_login(make_bot: Any) -> None:
    async with FakeDiscord(granted_intents=0) as fake:
        await fake.standard_guild()
        try:
            async with run_bot(make_bot(), fake):
                raise AssertionError("should not connect")
        except discord.PrivilegedIntentsRequired:
            pass


async def test_purge_uses_bulk_delete(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    await fake.send_message(world.check_ins, world.you, "one")
    await fake.send_message(world.check_ins, world.you, "two")
    gone = bot.wait_for("bulk_message_delete", timeout=HANG_GUARD)
    await fake.send_message(world.check_ins, world.mod, "!purge")
    assert len(await gone) == 3
    assert fake.messages(world.check_ins) == []
    assert [r.status for r in fake.requests if r.route.endswith("bulk-delete")] == [204]


async def test_guild_fetches_timeout_and_member_leaving(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    guild = await bot.fetch_guild(world.guild.id)
    assert guild.name == "Sandbox"
    assert {r.name for r in await guild.fetch_roles()} >= {"@everyone", "Moderator", "Owner"}
    assert len(await guild.fetch_channels()) == 4
    names = {m.name async for m in guild.fetch_members(limit=None)}
    assert names == {"you", "mod", "owner", "Bridgeline"}
    member = await guild.fetch_member(world.you.id)
    await member.timeout(datetime.timedelta(minutes=10))
    assert world.you.timeout_until is not None
    left = bot.wait_for("member_remove", timeout=HANG_GUARD)
    await fake.remove_member(world.you)
    assert (await left).id == world.you.id


async def test_ids_stay_ordered_when_the_clock_goes_back(
    fake: FakeDiscord, world: StandardGuild, bot: Any, monkeypatch: Any
) -> None:
    from types import SimpleNamespace

    from bot.fakediscord import state

    first = await fake.send_message(world.general, world.you, "!hello")
    await fake.wait_for_message(world.general)
    monkeypatch.setattr(state, "time", SimpleNamespace(time=lambda: 1_600_000_000.0))
    second = await fake.send_message(world.general, world.mod, "!hello")
    assert second.id > first.id
    assert (await fake.wait_for_message(world.general)).content == "hello mod"


async def test_invite_is_a_join_not_an_outage_ending(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    """Real Discord omits ``unavailable`` on a join; with ``false`` discord.py would report
    on_guild_available (a guild coming back) and never on_guild_join."""
    seen: list[str] = []

    async def on_guild_available(guild: discord.Guild) -> None:
        seen.append("available")

    bot.add_listener(on_guild_available)
    joined = bot.wait_for("guild_join", timeout=HANG_GUARD)
    guild = await fake.add_guild("Invited")
    assert (await joined).id == guild.id
    assert fake.gateway.session is not None
    sent = [p["d"] for p in fake.gateway.session.buffer if p["t"] == "GUILD_CREATE"]
    assert "unavailable" not in sent[-1] and sent[-1]["id"] == str(guild.id)
    removed = bot.wait_for("guild_remove", timeout=HANG_GUARD)
    await fake.remove_bot(guild)
    await removed
    rejoined = bot.wait_for("guild_join", timeout=HANG_GUARD)
    await fake.add_bot_to_guild(guild)
    assert (await rejoined).id == guild.id
    assert seen == []
