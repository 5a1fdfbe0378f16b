"""Moderator alerts: one row per flagged message or check-in, stored before anything is sent.

Rows never hold message text, and never a member's id or pseudonym: when the author of a
flagged check-in asks a moderator to reach out, the request posted to the moderators names them,
and the row only records that they asked (`set_revealed`).

A check-in alert that is not imminent is held (`held_until`) for a random delay and keeps only a
quarter hour as `created_at` (bot/safety_service/alert_timing.py); held alerts have no number
yet and are invisible to delivery, retries and /alerts open until bot/safety_service/held.py
releases them. Numbers are given explicitly (the next positive one), because a held alert's
placeholder is negative.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.safety_service.policy import Flag
from bot.safety_service.timefmt import from_text, to_text
from bot.storage.backend import Connection
from bot.storage.db import Database, Row

Source = Literal["message", "checkin"]
Status = Literal["open", "claimed", "resolved"]
MAX_DELIVERY_ATTEMPTS = 20
#: Dispatched with the alert id once its moderators' post is out and recorded (the re-raise
#: loop counts from then).
POSTED_EVENT = "safety_alert_posted"


@dataclass(frozen=True)
class Alert:
    id: int
    guild_id: int
    source: str
    categories: tuple[str, ...]
    severity: str
    channel_id: int | None
    message_id: int | None
    checkin_ref: str | None
    jump_url: str | None
    member_reply: str
    note: str | None
    status: str
    alert_channel_id: int | None
    alert_message_id: int | None
    attempts: int
    claimed_by: int | None
    claimed_at: datetime | None
    resolved_by: int | None
    resolved_at: datetime | None
    revealed: bool
    created_at: datetime  # a check-in alert's: only the quarter hour it was due to be shown
    held_until: datetime | None = None  # a held check-in alert is posted from then on
    posted_at: datetime | None = None  # when the moderators' post went out

    @property
    def delivered(self) -> bool:
        return self.alert_message_id is not None

    @property
    def held(self) -> bool:
        return self.held_until is not None

    @property
    def waiting_since(self) -> datetime:
        """Since when moderators have been able to act on it (re-raise, "waiting 12 min"). A
        check-in alert's stored time is coarse on purpose, so its wait counts from its post."""
        if self.source == "checkin" and self.posted_at is not None:
            return self.posted_at
        return self.created_at

    @property
    def label(self) -> str:
        """How the audit trail and moderators refer to it (never the author)."""
        return f"alert-{self.id}"


def from_row(row: Row) -> Alert:
    """An alert from a `SELECT * FROM safety_alerts` row (also for stores that join it)."""
    values = dict(row)
    values["categories"] = tuple(c for c in values["categories"].split(",") if c)
    values["revealed"] = bool(values["revealed"])
    for key in ("claimed_at", "resolved_at", "held_until", "posted_at"):
        values[key] = from_text(values[key])
    created = from_text(values["created_at"])
    assert created is not None
    values["created_at"] = created
    return Alert(**values)


async def create_alert(
    db: Database,
    *,
    guild_id: int,
    source: Source,
    flag: Flag,
    now: datetime,
    channel_id: int | None = None,
    message_id: int | None = None,
    checkin_ref: str | None = None,
    jump_url: str | None = None,
    held_until: datetime | None = None,
) -> int | None:
    """The new alert's id, or None when this message or check-in already has one (an edit, or
    a second delivery of the same event): one alert per message. `now` is stored as given
    (a check-in alert's caller passes a coarse time); `held_until` holds the alert back."""
    # One statement that numbers and inserts: every await inside the write transaction makes
    # every other writer wait too, and under a message flood each costs about two loop turns.
    number = "?" if held_until is not None else NEXT_NUMBER
    sql = (
        "INSERT INTO safety_alerts (id, guild_id, source, categories, severity, "
        "channel_id, message_id, checkin_ref, jump_url, created_at, held_until) "
        f"VALUES ({number}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id"
    )
    params = (
        *((placeholder(),) if held_until is not None else ()),
        guild_id,
        source,
        ",".join(flag.categories),
        flag.severity,
        channel_id,
        message_id,
        checkin_ref,
        jump_url,
        to_text(now),
        None if held_until is None else to_text(held_until),
    )
    row = await db.locked_write_returning(sql, params)
    return None if row is None else int(row[0])


#: The next positive number, read in the INSERT that takes it. It needs the write lock
#: (`locked_write_returning`): on PostgreSQL a lone statement runs without it, and two processes
#: could then read the same maximum; the second's insert would hit the key and be dropped as if
#: it were an edit.
NEXT_NUMBER = "(SELECT coalesce(max(id), 0) + 1 FROM safety_alerts WHERE id > 0)"


async def next_number(conn: Connection) -> int:
    """The number the next alert to appear gets (inside the caller's transaction; on
    PostgreSQL a write transaction holds the database's write lock, so two processes cannot
    take the same number)."""
    return int(
        await conn.fetchval("SELECT coalesce(max(id), 0) + 1 FROM safety_alerts WHERE id > 0")
    )


def placeholder() -> int:
    """A held alert's id until it is released: negative (never shown, never in order), so
    numbers follow the order alerts appear in and a held one leaves no gap behind it."""
    return -(secrets.randbelow(2**62) + 1)


async def get_alert(db: Database, alert_id: int) -> Alert | None:
    row = await db.fetchone("SELECT * FROM safety_alerts WHERE id = ?", (alert_id,))
    return None if row is None else from_row(row)


async def set_member_reply(
    db: Database, alert_id: int, member_reply: str, note: str | None = None
) -> None:
    """`member_reply` says how the member was answered (dm, nudge, ephemeral, none, ...)."""
    await db.execute(
        "UPDATE safety_alerts SET member_reply = ?, note = ? WHERE id = ?",
        (member_reply, note, alert_id),
    )


async def set_checkin_member_reply(
    db: Database, guild_id: int, checkin_ref: str, member_reply: str, note: str | None = None
) -> Alert | None:
    """The same for a check-in's alert, found by its check-in (a held alert's id changes when
    it is released, maybe while the member was being answered); returns it as it is now (its
    current id, and whether it is still held), from the same statement."""
    row = await db.write_returning(
        "UPDATE safety_alerts SET member_reply = ?, note = ? "
        "WHERE guild_id = ? AND checkin_ref = ? RETURNING *",
        (member_reply, note, guild_id, checkin_ref),
    )
    return None if row is None else from_row(row)


async def start_attempt(db: Database, alert_id: int) -> Alert | None:
    """Counts a delivery attempt and returns the alert, in one statement, when it is still to
    be posted (not resolved, held or delivered); None otherwise (`get_alert` says which). The
    caller holds its per-alert lock, so the row read here is the one it posts."""
    row = await db.write_returning(
        "UPDATE safety_alerts SET attempts = attempts + 1 WHERE id = ? AND status != 'resolved' "
        "AND held_until IS NULL AND alert_message_id IS NULL RETURNING *",
        (alert_id,),
    )
    return None if row is None else from_row(row)


async def mark_delivered(
    db: Database, alert_ids: Sequence[int], channel_id: int, message_id: int, now: datetime
) -> dict[int, Alert]:
    """Records the moderators' post of these alerts (a digest holds several), in one
    statement: in a raid, one write per alert after each post held the next post back (the
    60k flood of bench/flood.py, stored to posted: median 567 ms and up to 1.6 s with a write
    per alert, 35 ms and 0.3 s with one per post). Returns the alerts as stored now, by id (for the
    re-raise loop, which would otherwise read them again at once); one deleted meanwhile is
    missing."""
    if not alert_ids:
        return {}
    marks = ", ".join("?" * len(alert_ids))
    rows = await db.write_returning_all(
        "UPDATE safety_alerts SET alert_channel_id = ?, alert_message_id = ?, posted_at = ? "
        f"WHERE id IN ({marks}) RETURNING *",
        (channel_id, message_id, to_text(now), *alert_ids),
    )
    return {alert.id: alert for alert in map(from_row, rows)}


async def in_post(db: Database, message_id: int) -> list[Alert]:
    """The alerts one moderators' post shows (several when it is a digest), by number."""
    rows = await db.fetchall(
        "SELECT * FROM safety_alerts WHERE alert_message_id = ? ORDER BY id", (message_id,)
    )
    return [from_row(r) for r in rows]


async def claim(
    db: Database, alert_id: int, moderator_id: int, now: datetime, *, replacing: int | None = None
) -> Alert | None:
    """Records who is on it. Another moderator's claim is taken over only when `replacing`
    names them (they were asked first); None if missing, resolved, or claimed by someone
    else in the meantime. One statement: of two moderators pressing at once, in one process or
    two, exactly one gets it."""
    row = await db.write_returning(
        "UPDATE safety_alerts SET status = 'claimed', claimed_by = ?, claimed_at = ? "
        "WHERE id = ? AND status != 'resolved' "
        "AND (claimed_by IS NULL OR claimed_by = ? OR claimed_by = ?) RETURNING *",
        (moderator_id, to_text(now), alert_id, moderator_id, replacing),
    )
    return None if row is None else from_row(row)


def claimed_by_other(alert: Alert, moderator_id: int) -> int | None:
    """The moderator who is already on it, when that is someone else."""
    if alert.status == "claimed" and alert.claimed_by not in (None, moderator_id):
        return alert.claimed_by
    return None


async def resolve(db: Database, alert_id: int, moderator_id: int, now: datetime) -> Alert | None:
    """None if missing or already resolved (a second click changes nothing)."""
    row = await db.write_returning(
        "UPDATE safety_alerts SET status = 'resolved', resolved_by = ?, resolved_at = ? "
        "WHERE id = ? AND status != 'resolved' RETURNING *",
        (moderator_id, to_text(now), alert_id),
    )
    return None if row is None else from_row(row)


async def set_revealed(db: Database, alert_id: int) -> None:
    """Only ever called after the author pressed "Ask a moderator to reach out" and the
    moderators were told who they are (on Discord, not here)."""
    await db.execute("UPDATE safety_alerts SET revealed = 1 WHERE id = ?", (alert_id,))


async def unresolved(db: Database, guild_id: int, limit: int = 100) -> list[Alert]:
    """Open and claimed alerts, oldest first (the longest-waiting person comes first); held
    check-in alerts are not shown before their time."""
    rows = await db.fetchall(
        "SELECT * FROM safety_alerts WHERE guild_id = ? AND status != 'resolved' "
        "AND held_until IS NULL ORDER BY id LIMIT ?",
        (guild_id, limit),
    )
    return [from_row(r) for r in rows]


async def undelivered(db: Database, limit: int = 50) -> list[Alert]:
    """Alerts whose moderator post has not gone out yet, for the retry loop (held ones wait
    for bot/safety_service/held.py)."""
    rows = await db.fetchall(
        "SELECT * FROM safety_alerts WHERE alert_message_id IS NULL AND status != 'resolved' "
        "AND held_until IS NULL AND attempts < ? ORDER BY id LIMIT ?",
        (MAX_DELIVERY_ATTEMPTS, limit),
    )
    return [from_row(r) for r in rows]


async def forget_messages_before(db: Database, cutoff: datetime) -> int:
    """Alerts resolved before `cutoff` forget which message they were about (its id and jump
    link, which point at a member): the moderators' record stays, the pointer does not."""
    return await db.execute(
        "UPDATE safety_alerts SET message_id = NULL, jump_url = NULL WHERE status = 'resolved' "
        "AND resolved_at < ? AND (message_id IS NOT NULL OR jump_url IS NOT NULL)",
        (to_text(cutoff),),
    )
