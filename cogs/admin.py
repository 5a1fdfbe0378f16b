"""/admin: tools for the bot's owner (the Discord application owner), not server staff.

Discord cannot hide a command by bot ownership, so the group asks for Administrator (hidden
from ordinary members) and every subcommand checks ownership on the bot's side.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import owner_only
from bot.client import Bridgeline
from bot.content import check_content, summarize
from bot.errors import error_reply_lang
from bot.storage import audit
from bot.ui.setup_embeds import reload_done_embed, reload_failed_embed, synced_embed

log = logging.getLogger(__name__)


class Admin(commands.Cog):
    group = app_commands.Group(
        name="admin",
        description="Bot owner tools",
        default_permissions=discord.Permissions(administrator=True),
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot

    async def _audit(self, interaction: discord.Interaction, action: str, detail: str) -> None:
        if interaction.guild is not None:
            await audit.record(
                self.bot.db, interaction.guild.id, interaction.user.id, action, detail=detail
            )

    @group.command(name="sync", description="Register the bot's commands with Discord")
    @app_commands.describe(scope="everywhere (global, up to an hour) or here (this server, now)")
    @owner_only
    async def sync(
        self, interaction: discord.Interaction, scope: Literal["everywhere", "here"] = "everywhere"
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        tree = self.bot.tree
        if scope == "here" and interaction.guild is not None:
            tree.copy_global_to(guild=interaction.guild)
            synced = await tree.sync(guild=interaction.guild)
        else:
            scope = "everywhere"
            synced = await tree.sync()
        log.info("Owner synced %d commands (%s)", len(synced), scope)
        await self._audit(interaction, "admin.sync", f"{len(synced)} commands, {scope}")
        lang = await error_reply_lang(interaction)
        embed = synced_embed(len(synced), scope, self.bot.clock.now(), lang)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @group.command(name="reload-content", description="Check content/ and swap it in if valid")
    @owner_only
    async def reload_content(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        directory = self.bot.settings.content_dir
        content, problems = await asyncio.to_thread(check_content, directory)
        lang = await error_reply_lang(interaction)
        if content is None or problems:
            log.warning("Content reload refused: %d problem(s)", len(problems))
            await self._audit(interaction, "admin.reload_refused", f"{len(problems)} problem(s)")
            await interaction.followup.send(
                embed=reload_failed_embed(problems, lang), ephemeral=True
            )
            return
        self.bot.reload_content(content)
        summary = summarize(content)
        log.info("Content reloaded: %s", summary)
        await self._audit(interaction, "admin.reload_content", summary)
        await interaction.followup.send(embed=reload_done_embed(content, lang), ephemeral=True)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Admin(bot))
