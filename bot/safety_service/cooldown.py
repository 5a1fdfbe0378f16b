"""The per-member reply cooldown, persisted by pseudonym so it survives restarts."""

from __future__ import annotations

from datetime import datetime

from bot.safety_service.policy import Flag, cooldown_verdict
from bot.safety_service.timefmt import from_text, to_text
from bot.storage.db import Database


async def claim_reply(db: Database, guild_id: int, pseudo: str, flag: Flag, now: datetime) -> Flag:
    """The categories of `flag` the member may get a reply about now, recorded as answered in
    the same transaction (so two messages at once cannot both pass). Empty: stay quiet."""
    allowed: dict[str, str] = {}
    stamp = to_text(now)
    async with db.transaction() as conn:
        for category in flag.categories:
            cursor = await conn.execute(
                "SELECT last_reply_at, last_bypass_at FROM safety_cooldowns "
                "WHERE guild_id = ? AND pseudonym = ? AND category = ?",
                (guild_id, pseudo, category),
            )
            row = await cursor.fetchone()
            last_reply = from_text(row[0]) if row else None
            last_bypass = from_text(row[1]) if row else None
            verdict = cooldown_verdict(
                category, flag.is_imminent(category), last_reply, last_bypass, now
            )
            if verdict == "quiet":
                continue
            allowed[category] = flag.severities[category]
            bypass = stamp if verdict == "bypass" else (row[1] if row else None)
            reply = to_text(last_reply) if verdict == "bypass" and last_reply else stamp
            await conn.execute(
                "INSERT INTO safety_cooldowns "
                "(guild_id, pseudonym, category, last_reply_at, last_bypass_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, pseudonym, category) "
                "DO UPDATE SET last_reply_at = excluded.last_reply_at, "
                "last_bypass_at = excluded.last_bypass_at",
                (guild_id, pseudo, category, reply, bypass),
            )
    return Flag(allowed, flag.guessed)
