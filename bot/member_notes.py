"""Private notes for a member, stored by pseudonym, shown the next time they use a command,
and whether they have had the one-time welcome.

Used when the interaction that could have told them directly has expired: a moderator rejected
or removed their anonymous post. Nobody but the member sees a note, and nothing links it to a
user id: it is found by recomputing the member's pseudonym.
"""

from __future__ import annotations

from datetime import datetime

from bot.safety_service.timefmt import to_text
from bot.storage.db import Database

MAX_SHOWN = 5


async def leave(db: Database, guild_id: int, pseudo: str, text: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO member_notes (guild_id, pseudonym, text, created_at) VALUES (?, ?, ?, ?)",
        (guild_id, pseudo, text, to_text(now)),
    )


async def take(db: Database, guild_id: int, pseudo: str) -> list[str]:
    """The member's notes, oldest first, deleted as they are read (at most MAX_SHOWN)."""
    async with db.transaction() as conn:
        rows = await conn.fetchall(
            "SELECT id, text FROM member_notes WHERE guild_id = ? AND pseudonym = ? "
            "ORDER BY id LIMIT ?",
            (guild_id, pseudo, MAX_SHOWN),
        )
        if rows:
            marks = ", ".join("?" for _ in rows)
            await conn.execute(
                f"DELETE FROM member_notes WHERE id IN ({marks})", [r[0] for r in rows]
            )
    return [str(r[1]) for r in rows]


async def has_notes(db: Database, guild_id: int, pseudo: str) -> bool:
    found = await db.fetchval(
        "SELECT 1 FROM member_notes WHERE guild_id = ? AND pseudonym = ? LIMIT 1",
        (guild_id, pseudo),
    )
    return bool(found)


async def first_visit(db: Database, guild_id: int, pseudo: str, now: datetime) -> bool:
    """True exactly once per member and server: the first time they use a command."""
    seen = await db.fetchval(  # a read first: most commands come from members already seen
        "SELECT 1 FROM member_welcomed WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudo)
    )
    if seen:
        return False
    async with db.transaction() as conn:
        inserted = await conn.execute(
            "INSERT INTO member_welcomed (guild_id, pseudonym, created_at) "
            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, pseudo, to_text(now)),
        )
        return inserted.rowcount == 1
