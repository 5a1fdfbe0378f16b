"""/help, and the private followup after a member's command: the one-time welcome and notes
left for them (a moderator rejected or removed their anonymous post). Logic: bot/onboarding.py."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import Bridgeline
from bot.i18n import member_lang
from bot.i18n.commands import command_texts_of
from bot.onboarding import after_command
from bot.storage.guilds import settings_of_interaction
from bot.ui.help_embeds import help_embed

log = logging.getLogger(__name__)


class Help(commands.Cog):
    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What Bridgeline does, its commands, privacy")
    async def help(self, interaction: discord.Interaction) -> None:
        server = None
        if interaction.guild_id is not None:
            server = (
                await settings_of_interaction(self.bot.db, interaction, interaction.guild_id)
            ).language
        lang = member_lang(interaction, server)
        embed = help_embed(lang, command_texts_of(self.bot.tree))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        command: app_commands.Command | app_commands.ContextMenu,  # type: ignore[type-arg]
    ) -> None:
        try:
            text = await after_command(self.bot, interaction, command)
            if text:
                await interaction.followup.send(text, ephemeral=True)
        except discord.HTTPException as exc:
            log.info("Could not send a member's welcome or notes (HTTP %s)", exc.status)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Help(bot))
