"""The command tree: every app-command error goes through one handler."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import report_interaction_error


class BridgelineTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_interaction_error(interaction, error)
