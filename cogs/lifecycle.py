"""Joining and leaving servers: a welcome with the /setup pointer, and data kept for 30 days
after removal, then deleted by a daily purge on the bot's clock (rejoining cancels it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

import discord
from discord.ext import commands

from bot.client import Bridgeline
from bot.i18n import pick_lang
from bot.setup_service import POSTING, missing_permissions
from bot.storage.purge import mark_left, mark_rejoined, purge_due
from bot.ui.setup_embeds import welcome_embed

log = logging.getLogger(__name__)

PURGE_EVERY = timedelta(days=1)
#: Upper bound on one real-time wait, so a clock without a change event (system or sandbox
#: offset clock) is still re-read regularly.
MAX_WAIT_S = 3600.0


def first_postable_channel(guild: discord.Guild) -> discord.TextChannel | None:
    """The system channel if the bot may post there, else the first such text channel."""
    me = guild.me
    if me is None:
        return None
    candidates = [guild.system_channel] if guild.system_channel else []
    candidates += sorted(guild.text_channels, key=lambda c: c.position)
    for channel in candidates:
        if channel is not None and not missing_permissions(channel.permissions_for(me), POSTING):
            return channel
    return None


class Lifecycle(commands.Cog):
    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self._purge_task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._purge_task = asyncio.create_task(self._purge_loop(), name="bridgeline-purge")

    async def cog_unload(self) -> None:
        if self._purge_task is not None:
            self._purge_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purge_task

    # --- joining and leaving ----------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        if await mark_rejoined(self.bot.db, guild.id):
            log.info("Rejoined guild %s within 30 days: its data is kept", guild.id)
        await self.welcome(guild)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await mark_left(self.bot.db, guild.id, self.bot.clock.now())
        log.info("Removed from guild %s: data kept 30 days, then purged", guild.id)
        self.bot.dispatch("guild_left_recorded", guild.id)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Catch up on joins and removals that happened while the bot was offline. Only this
        process's shards: the other processes' servers are not missing, just not ours."""
        rows = await self.bot.db.fetchall("SELECT guild_id, left_at FROM guild_settings")
        now = self.bot.clock.now()
        for row in rows:
            guild_id = int(row["guild_id"])
            if not self.bot.owns_guild(guild_id):
                continue
            # Asked now, not before the read: a server that joined while this ran (its
            # settings row already written) is present, never marked as left and purged.
            present = self.bot.get_guild(guild_id) is not None
            if present and row["left_at"] is not None:
                await mark_rejoined(self.bot.db, guild_id)
            elif not present and row["left_at"] is None:
                await mark_left(self.bot.db, guild_id, now)

    async def welcome(self, guild: discord.Guild) -> None:
        """The owner by DM first; when DMs are closed, the first channel the bot may post in.
        In the server's language: its /setup language when set (a rejoin), else its Discord
        community language."""
        embed = welcome_embed(guild.name, await self._welcome_lang(guild))
        if guild.owner_id is not None:
            try:
                dm = await self.bot.create_dm(discord.Object(id=guild.owner_id))
                await dm.send(embed=embed)
                return
            except discord.HTTPException as exc:
                log.info("Welcome DM to the owner of guild %s failed (%s)", guild.id, exc.code)
        channel = first_postable_channel(guild)
        if channel is None:
            log.warning("No channel to post the welcome in guild %s", guild.id)
            return
        try:
            await channel.send(embed=embed)
        except discord.HTTPException as exc:
            log.warning("Welcome in guild %s failed (%s)", guild.id, exc.code)

    async def _welcome_lang(self, guild: discord.Guild) -> str:
        row = await self.bot.db.fetchone(
            "SELECT language FROM guild_settings WHERE guild_id = ?", (guild.id,)
        )
        # A server never set up has no row: its Discord community language is the best guess.
        return pick_lang(row["language"] if row is not None else guild.preferred_locale)

    # --- the daily purge --------------------------------------------------------------------

    async def run_purge(self) -> list[int]:
        # One process at a time: purge_due takes the database's job lock itself.
        purged = await purge_due(self.bot.db, self.bot.clock.now())
        for guild_id in purged:
            self.bot.dispatch("guild_data_purged", guild_id)
        return purged

    async def _wait_until(self, moment_s: float) -> None:
        """Sleeps until the bot clock reaches `moment_s` (a UTC timestamp); a FakeClock's
        `changed` event wakes it at once when a test or the sandbox moves time."""
        clock = self.bot.clock
        while True:
            changed: asyncio.Event | None = getattr(clock, "changed", None)
            remaining = moment_s - clock.now().timestamp()
            if remaining <= 0:
                return
            timeout = min(remaining, MAX_WAIT_S)
            if changed is None:
                await asyncio.sleep(timeout)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), timeout)

    async def _purge_loop(self) -> None:
        """Once at start (catching up after downtime), then every day on the bot clock."""
        while True:
            try:
                await self.run_purge()
            except Exception:
                log.exception("Daily purge failed; retrying tomorrow")
            next_run = self.bot.clock.now() + PURGE_EVERY
            await self._wait_until(next_run.timestamp())


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Lifecycle(bot))
