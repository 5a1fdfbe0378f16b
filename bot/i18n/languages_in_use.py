"""Which language to answer in, read from the server's settings: for a reply to one member
(`reply_lang`) and for what the bot posts to a server (`server_lang`)."""

from __future__ import annotations

from bot.i18n import member_lang, pick_lang
from bot.storage.db import Database
from bot.storage.guilds import get_settings


async def server_lang(db: Database, guild_id: int) -> str:
    """The server's /setup language (English until one is set)."""
    return pick_lang((await get_settings(db, guild_id)).language)


async def reply_lang(db: Database | None, interaction: object) -> str:
    """A member's language: their Discord language when we speak it, else the server's."""
    guild_id = getattr(interaction, "guild_id", None)
    server = None
    if db is not None and guild_id is not None:
        server = (await get_settings(db, guild_id)).language
    return member_lang(interaction, server)
