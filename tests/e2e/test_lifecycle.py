"""Joining and leaving servers: the welcome, and the 30-day purge on the bot's clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import discord
import pytest

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import HANG_GUARD, FakeDiscord, Guild, Overwrite, StandardGuild
from bot.fakediscord.state import Member
from bot.storage import audit
from bot.storage.guilds import get_settings, update_settings
from bot.storage.purge import guild_tables

pytestmark = pytest.mark.both_backends


def _event(bot: Bridgeline, name: str, guild_id: int) -> asyncio.Task[Any]:
    """Start waiting before acting, so the event cannot be missed."""
    return asyncio.create_task(
        bot.wait_for(name, check=lambda gid: gid == guild_id, timeout=HANG_GUARD)  # type: ignore[arg-type]
    )


async def _join(fake: FakeDiscord, guild: Guild) -> None:
    """The bot is invited to `guild`. Real Discord's GUILD_CREATE for a join has no
    `unavailable` key (discord.py dispatches on_guild_join only then); the fake's
    add_bot_to_guild sends `unavailable: false` (reported), so the payload is sent here."""
    managed = [r.id for r in guild.roles.values() if r.managed]
    guild.members[fake.bot_user.id] = Member(fake.bot_user, guild.id, managed)
    payload = {k: v for k, v in guild.to_json().items() if k != "unavailable"}
    await fake.gateway.dispatch("GUILD_CREATE", payload)
    fake.notify()


async def _rows_of(bot: Bridgeline, guild_id: int) -> dict[str, int]:
    counts = {}
    for table in await guild_tables(bot.db):
        n = await bot.db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE guild_id = ?", (guild_id,))
        if n:
            counts[table] = n
    return counts


async def test_join_welcomes_the_owner_by_dm(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    guild = await fake.add_guild("Quiet Partners", owner="founder", with_bot=False)
    await _join(fake, guild)
    founder = guild.members[guild.owner_id]
    dm = await fake.wait_for_dm(founder)
    assert "Thanks for adding Bridgeline to Quiet Partners" in dm.text
    assert "/setup start" in dm.text and "kept 30 days" in dm.text
    assert dm.embeds and not dm.content


async def test_join_with_closed_dms_posts_in_the_first_channel_the_bot_may_use(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    guild = await fake.add_guild("Closed", owner="private-owner", with_bot=False)
    fake.close_dms(guild.owner_id)
    bot_role = next(r for r in guild.roles.values() if r.managed)
    mute = discord.Permissions(send_messages=True).value
    await fake.add_channel(guild, "rules", overwrites=[Overwrite(bot_role.id, 0, deny=mute)])
    lobby = await fake.add_channel(guild, "lobby")
    await _join(fake, guild)
    posted = await fake.wait_for_message(lobby)
    assert "/setup start" in posted.text
    assert fake.dms(guild.owner_id) == []


async def test_removed_server_is_kept_30_days_then_purged_on_the_bot_clock(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    gid = world.guild.id
    inter = await fake.slash("setup region", {"region": "GB"}, world.owner, "general")
    await inter.response()
    other = await fake.add_guild("Elsewhere")
    await update_settings(bot.db, other.id, region="US")
    await audit.record(bot.db, other.id, 1, "setup.region")
    before = await _rows_of(bot, gid)
    assert before.keys() >= {"guild_settings", "audit_log"}

    left = _event(bot, "guild_left_recorded", gid)
    await fake.remove_bot(world.guild)
    await left
    assert (await get_settings(bot.db, gid)).left_at is not None

    cog: Any = bot.get_cog("Lifecycle")
    clock.advance(timedelta(days=29, hours=23))
    assert await cog.run_purge() == []
    assert await _rows_of(bot, gid) == before  # still everything, a day before the deadline

    purged = _event(bot, "guild_data_purged", gid)
    clock.advance(timedelta(days=1))  # the daily task runs on the bot clock, no call from us
    await purged
    assert await _rows_of(bot, gid) == {}
    assert (await get_settings(bot.db, other.id)).region == "US"
    assert (await _rows_of(bot, other.id)).keys() >= {"guild_settings", "audit_log"}


async def test_rejoining_within_30_days_cancels_the_purge(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    gid = world.guild.id
    await update_settings(bot.db, gid, region="AU")
    left = _event(bot, "guild_left_recorded", gid)
    await fake.remove_bot(world.guild)
    await left
    clock.advance(timedelta(days=10))
    await _join(fake, world.guild)
    await fake.wait_for_dm(world.owner)  # the welcome again, after left_at was cleared
    assert (await get_settings(bot.db, gid)).left_at is None
    clock.advance(timedelta(days=40))
    cog: Any = bot.get_cog("Lifecycle")
    assert await cog.run_purge() == []
    assert (await get_settings(bot.db, gid)).region == "AU"


async def test_removal_while_offline_is_noticed_at_startup(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    gone = 4242
    await update_settings(bot.db, gone, region="NZ")
    await update_settings(bot.db, world.guild.id, left_at="2026-01-01T00:00:00Z")
    cog: Any = bot.get_cog("Lifecycle")
    await cog.on_ready()
    assert (await get_settings(bot.db, gone)).left_at is not None
    assert (await get_settings(bot.db, world.guild.id)).left_at is None
