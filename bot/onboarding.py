"""After a member's command: the one-time welcome, and notes left for them (bot/member_notes).

Both are found by the member's pseudonym, so nothing here stores or logs a user id.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot import member_notes
from bot.client import Bridgeline
from bot.i18n.commands import command_texts_of
from bot.i18n.languages_in_use import reply_lang
from bot.privacy import pseudonym
from bot.ui.help_embeds import notes_text

log = logging.getLogger(__name__)
#: First responses a private followup can come after (not a modal, not an autocomplete).
FOLLOWS = (
    discord.InteractionResponseType.channel_message,
    discord.InteractionResponseType.deferred_channel_message,
)
#: /help already says what the welcome would; after /privacy forget nothing new is stored.
NO_WELCOME = frozenset({"help", "privacy forget"})


def is_member_command(command: app_commands.Command | app_commands.ContextMenu) -> bool:  # type: ignore[type-arg]
    """Commands everyone may use (no default permissions on the command or its group)."""
    root = command.root_parent if isinstance(command, app_commands.Command) else None
    return command.default_permissions is None and (
        root is None or root.default_permissions is None
    )


async def after_command(
    bot: Bridgeline,
    interaction: discord.Interaction,
    command: app_commands.Command | app_commands.ContextMenu,  # type: ignore[type-arg]
) -> str | None:
    """The private text to follow the command with, or None. Notes are taken (deleted) only
    when they can be shown now."""
    if interaction.user.bot or interaction.response.type not in FOLLOWS:
        return None
    guild_id = interaction.guild_id or 0
    pseudo = pseudonym(bot.settings.secret, guild_id, interaction.user.id)
    standing = await member_notes.standing_of(bot.db, guild_id, pseudo)
    welcome = False
    if (
        not standing.welcomed
        and is_member_command(command)
        and command.qualified_name not in NO_WELCOME
    ):
        welcome = await member_notes.mark_welcomed(bot.db, guild_id, pseudo, bot.clock.now())
    waiting = bool(guild_id) and standing.has_notes
    if not welcome and not waiting:
        return None
    lang = await reply_lang(bot.db, interaction)
    notes = await member_notes.take(bot.db, guild_id, pseudo, lang) if waiting else []
    if not welcome and not notes:
        return None
    return notes_text(notes, welcome=welcome, lang=lang, names=command_texts_of(bot.tree))
