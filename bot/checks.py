"""The one permission model.

- manager: Manage Server. Configures the bot.
- moderator: the server's configured moderator role, or Manage Messages, or a manager.
  Handles alerts, anonymous-post moderation and posting resources.
- member: everyone else.
Decorated commands also carry `default_permissions`, so Discord hides them from members, and the
bot checks again on its side: an unknown level or a missing guild is refused (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.errors import NotPermitted, UserFacingError, error_reply_lang, send_private
from bot.i18n import DEFAULT_LANG, t
from bot.storage.guilds import settings_of_interaction

T = TypeVar("T")


class Level(IntEnum):
    MEMBER = 0
    MODERATOR = 1
    MANAGER = 2
    OWNER = 3


DEFAULT_PERMISSIONS: dict[Level, discord.Permissions] = {
    Level.MODERATOR: discord.Permissions(manage_messages=True),
    Level.MANAGER: discord.Permissions(manage_guild=True),
}

#: Each level's refusal, shown in the reader's language (content/messages/errors.toml).
REFUSAL_KEYS: dict[Level, str] = {
    Level.MODERATOR: "errors.refusals.moderator",
    Level.MANAGER: "errors.refusals.manager",
    Level.OWNER: "errors.refusals.owner",
}
#: In English, from the catalog: for code that still sends the text as is (and for tests).
SERVER_ONLY = t(DEFAULT_LANG, "errors.server_only")
REFUSALS: dict[Level, str] = {level: t(DEFAULT_LANG, key) for level, key in REFUSAL_KEYS.items()}


async def guild_level(interaction: discord.Interaction) -> Level:
    """This member's Bridgeline level in this guild; MEMBER when anything is unknown."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return Level.MEMBER
    perms = interaction.permissions
    if perms.manage_guild or perms.administrator or interaction.guild.owner_id == member.id:
        return Level.MANAGER
    if perms.manage_messages:
        return Level.MODERATOR
    db = getattr(interaction.client, "db", None)
    if db is not None:
        settings = await settings_of_interaction(db, interaction, interaction.guild.id)
        if settings.moderator_role_id and any(
            role.id == settings.moderator_role_id for role in member.roles
        ):
            return Level.MODERATOR
    return Level.MEMBER


async def is_bot_owner(interaction: discord.Interaction) -> bool:
    checker = getattr(interaction.client, "is_owner", None)
    return False if checker is None else bool(await checker(interaction.user))


async def has_level(interaction: discord.Interaction, needed: Level) -> bool:
    """Owning the bot grants no powers inside a server, and vice versa."""
    if needed is Level.OWNER:
        return await is_bot_owner(interaction)
    if interaction.guild is None:
        return False
    return await guild_level(interaction) >= needed


async def refuse(interaction: discord.Interaction, needed: Level) -> None:
    """A button pressed by someone below `needed`: the refusal, privately, in the presser's
    language (slash commands get it through `require` and the error handler instead)."""
    lang = await error_reply_lang(interaction)
    await send_private(interaction, t(lang, REFUSAL_KEYS[needed]))


def require(needed: Level) -> Callable[[T], T]:
    """Server-side check plus `default_permissions` (Discord ignores the latter on subcommands,
    which is why the check is what really guards them)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if needed is not Level.OWNER and interaction.guild is None:
            # Discord ignores guild_only on subcommands: say what is really wrong.
            raise NotPermitted(key="errors.server_only")
        if await has_level(interaction, needed):
            return True
        raise NotPermitted(key=REFUSAL_KEYS.get(needed, "errors.not_here"))

    def decorator(func: T) -> T:
        checked: Any = app_commands.check(predicate)(func)
        if needed in DEFAULT_PERMISSIONS:
            perms = DEFAULT_PERMISSIONS[needed]
            checked = app_commands.default_permissions(perms)(checked)
            checked = app_commands.guild_only()(checked)
        return checked  # type: ignore[no-any-return]

    return decorator


moderator_only: Callable[[T], T] = require(Level.MODERATOR)
manager_only: Callable[[T], T] = require(Level.MANAGER)
owner_only: Callable[[T], T] = require(Level.OWNER)


def require_guild(interaction: discord.Interaction) -> discord.Guild:
    """The interaction's server, or a clear refusal for a server-only action used in a DM."""
    if interaction.guild is None:
        raise UserFacingError(key="errors.server_only")
    return interaction.guild
