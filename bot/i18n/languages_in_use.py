"""Which language to answer in, read from the server's settings: the one place for it.

`server_lang` is for what the bot posts to a server and its moderators (daily prompts, alerts,
staff threads); `reply_lang` for a reply to the member who interacted (their Discord language
when we speak it, else the server's).
"""

from __future__ import annotations

from bot.i18n import DEFAULT_LANG, member_lang, pick_lang
from bot.storage.db import Database
from bot.storage.guilds import get_settings, settings_of_interaction


async def server_lang(db: Database, guild_id: int | None) -> str:
    """The server's /setup language (English until one is set, and outside a server)."""
    if guild_id is None:
        return DEFAULT_LANG
    return pick_lang((await get_settings(db, guild_id)).language)


async def reply_lang(db: Database | None, interaction: object) -> str:
    """A member's language: their Discord language when we speak it, else the server's (as
    this interaction read the settings: `settings_of_interaction`)."""
    guild_id = getattr(interaction, "guild_id", None)
    server = None
    if db is not None and guild_id is not None:
        settings = await settings_of_interaction(db, interaction, guild_id)
        server = pick_lang(settings.language)
    return member_lang(interaction, server)
