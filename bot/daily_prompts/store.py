"""Read access for other features: today's prompt for the check-in modal."""

from __future__ import annotations

from datetime import date

from bot.storage.db import Database


async def prompt_of_the_day(db: Database, guild_id: int, local_date: date | str) -> str | None:
    """The text posted (or being posted) in this server for that local date, or None."""
    day = local_date.isoformat() if isinstance(local_date, date) else local_date
    value = await db.fetchval(
        "SELECT prompt_text FROM prompt_posts WHERE guild_id = ? AND local_date = ? "
        "AND status IN ('sent', 'claimed')",
        (guild_id, day),
    )
    return None if value is None else str(value)
