"""Which alerts were raised again (one row each: the primary key makes it once only)."""

from __future__ import annotations

from datetime import datetime

from bot.safety_service import alerts
from bot.safety_service.alerts import Alert
from bot.safety_service.timefmt import to_text
from bot.storage.db import Database


async def candidates(db: Database, limit: int = 200) -> list[Alert]:
    """Open (unclaimed), delivered alerts not raised again yet, oldest first. One query: a pass
    runs after every posted alert, and a read per alert queued hundreds of trips to the
    database thread in a flood, ahead of the writes that store new alerts."""
    rows = await db.fetchall(
        "SELECT a.* FROM safety_alerts a LEFT JOIN alert_reraises r ON r.alert_id = a.id "
        "WHERE a.status = 'open' AND a.alert_message_id IS NOT NULL AND r.alert_id IS NULL "
        "ORDER BY a.id LIMIT ?",
        (limit,),
    )
    return [alerts.from_row(row) for row in rows]


async def claim_reraise(db: Database, alert: Alert, now: datetime) -> bool:
    """True for exactly one caller per alert, even if two passes race."""
    async with db.transaction() as conn:
        inserted = await conn.execute(
            "INSERT INTO alert_reraises (alert_id, guild_id, raised_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (alert.id, alert.guild_id, to_text(now)),
        )
        return inserted.rowcount == 1


async def release(db: Database, alert_id: int) -> None:
    """Posting failed: let the next pass try again."""
    await db.execute("DELETE FROM alert_reraises WHERE alert_id = ?", (alert_id,))


async def set_message(db: Database, alert_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE alert_reraises SET message_id = ? WHERE alert_id = ?", (message_id, alert_id)
    )


async def reraised_ids(db: Database, guild_id: int) -> set[int]:
    rows = await db.fetchall("SELECT alert_id FROM alert_reraises WHERE guild_id = ?", (guild_id,))
    return {int(r["alert_id"]) for r in rows}
