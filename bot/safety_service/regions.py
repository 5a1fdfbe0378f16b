"""Which region's helplines a member sees: their own choice (by pseudonym), else the server's."""

from __future__ import annotations

from datetime import datetime

from bot.privacy import pseudonym
from bot.safety_service.timefmt import to_text
from bot.storage.db import Database
from bot.storage.guilds import get_settings


async def own_region(db: Database, secret: bytes, guild_id: int, user_id: int) -> str | None:
    """The member's own choice via /resources region, or None."""
    value = await db.fetchval(
        "SELECT region FROM member_regions WHERE guild_id = ? AND pseudonym = ?",
        (guild_id, pseudonym(secret, guild_id, user_id)),
    )
    return None if value is None else str(value)


async def member_region(
    db: Database, secret: bytes, guild_id: int, user_id: int, *, server_region: str | None = None
) -> str:
    """The region code to use for this member's safety replies and /resources.
    `server_region`: the server's setting when the caller has just read it (not read again)."""
    chosen = await own_region(db, secret, guild_id, user_id)
    if chosen is not None:
        return chosen
    if server_region is not None:
        return server_region
    return (await get_settings(db, guild_id)).region


async def set_member_region(
    db: Database, secret: bytes, guild_id: int, user_id: int, region: str | None, now: datetime
) -> None:
    """Stores the member's choice; None forgets it (back to the server default)."""
    pseudo = pseudonym(secret, guild_id, user_id)
    if region is None:
        await db.execute(
            "DELETE FROM member_regions WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudo)
        )
        return
    await db.execute(
        "INSERT INTO member_regions (guild_id, pseudonym, region, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, pseudonym) DO UPDATE SET region = excluded.region, "
        "updated_at = excluded.updated_at",
        (guild_id, pseudo, region, to_text(now)),
    )
