"""Held check-in alerts: released when their random delay is over (or at once when their
author asks for contact), taking the next alert number then.

A released alert is an ordinary undelivered one, so a crash before it is posted loses nothing:
the retry pass posts it. An alert is not released before the member's reply is recorded on it
(`member_reply`), so its post says how they were answered; after `REPLY_GRACE` it goes out
anyway (the process died between storing the alert and answering the member).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.safety_service.alerts import next_number
from bot.safety_service.timefmt import from_text, to_text
from bot.storage.backend import Connection, Database

REPLY_GRACE = timedelta(minutes=2)


async def release_due(db: Database, now: datetime) -> list[int]:
    """Releases every held alert whose time has come, in the order they fell due; returns
    their new numbers. Their exact due time is forgotten."""
    released: list[int] = []
    async with db.transaction() as conn:
        rows = await conn.fetchall(
            "SELECT id FROM safety_alerts WHERE held_until IS NOT NULL AND held_until <= ? "
            "AND (member_reply != 'pending' OR held_until <= ?) ORDER BY held_until",
            (to_text(now), to_text(now - REPLY_GRACE)),
        )
        for row in rows:
            released.append(await _number(conn, int(row[0])))
    return released


async def release_now(db: Database, alert_id: int) -> int | None:
    """Releases one held alert at once (its author asked for contact): its new number, or
    None if it was not held."""
    async with db.transaction() as conn:
        rows = await conn.fetchall(
            "SELECT id FROM safety_alerts WHERE id = ? AND held_until IS NOT NULL", (alert_id,)
        )
        return await _number(conn, alert_id) if rows else None


async def next_release(db: Database) -> datetime | None:
    """When the next held alert may be released (the release loop sleeps until then)."""
    rows = await db.fetchall(
        "SELECT held_until, member_reply FROM safety_alerts WHERE held_until IS NOT NULL"
    )
    moments = []
    for row in rows:
        due = from_text(row["held_until"])
        assert due is not None
        moments.append(due + REPLY_GRACE if row["member_reply"] == "pending" else due)
    return min(moments, default=None)


async def _number(conn: Connection, alert_id: int) -> int:
    """Gives a held alert the next number and forgets its due time; its reveal offers follow
    (foreign keys are checked at commit, when both sides have moved)."""
    number = await next_number(conn)
    await conn.defer_foreign_keys()
    await conn.execute(
        "UPDATE safety_alerts SET id = ?, held_until = NULL WHERE id = ?", (number, alert_id)
    )
    await conn.execute(
        "UPDATE safety_offers SET alert_id = ? WHERE alert_id = ?", (number, alert_id)
    )
    return number
