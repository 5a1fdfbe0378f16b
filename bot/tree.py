"""The command tree: every app-command error goes through one handler."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import report_interaction_error
from bot.safety_guard import screen_command


class BridgelineTree(app_commands.CommandTree[discord.Client]):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Typed text goes through the safety scan first (bot/safety_guard.py)."""
        return await screen_command(interaction)

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_interaction_error(interaction, error)
