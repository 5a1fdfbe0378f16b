"""Each server's prompt schedule: settings, pausing, and the due-set query."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.daily_prompts.models import PauseReason, Schedule
from bot.scheduling import (
    Slot,
    format_time_of_day,
    load_zone,
    next_slot,
    parse_stamp,
    slot_for,
    stamp,
)
from bot.storage.backend import Connection, Database

_UPDATED = "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"


class _Unset:
    pass


UNSET: Any = _Unset()


async def get_schedule(db: Database, guild_id: int) -> Schedule | None:
    row = await db.fetchone("SELECT * FROM prompt_schedules WHERE guild_id = ?", (guild_id,))
    return None if row is None else Schedule.from_row(row)


async def read_schedule(conn: Connection, guild_id: int) -> Schedule | None:
    """The same, inside a caller's transaction."""
    row = await conn.fetchone("SELECT * FROM prompt_schedules WHERE guild_id = ?", (guild_id,))
    return None if row is None else Schedule.from_row(row)


async def upcoming_slot(
    conn: Connection, guild_id: int, at: time, zone: ZoneInfo, after: datetime
) -> Slot:
    """The first slot after `after` for a local date that was not already posted (or is being
    posted), so changing the time after today's post does not promise a second one today."""
    slot = next_slot(after, at, zone)
    for _ in range(3):
        if (
            await conn.fetchone(
                "SELECT 1 FROM prompt_posts WHERE guild_id = ? AND local_date = ? "
                "AND status != 'missed'",
                (guild_id, slot.day.isoformat()),
            )
            is None
        ):
            return slot
        slot = slot_for(slot.day + timedelta(days=1), at, zone)
    return slot


async def set_next_run(conn: Connection, guild_id: int, slot: Slot) -> None:
    await conn.execute(
        f"UPDATE prompt_schedules SET next_run_at = ?, next_local_date = ?, {_UPDATED} "
        "WHERE guild_id = ?",
        (stamp(slot.instant), slot.day.isoformat(), guild_id),
    )


async def configure(
    db: Database,
    guild_id: int,
    *,
    channel_id: int,
    post_time: time,
    timezone: str,
    now: datetime,
    use_thread: bool | None = None,
    ping_role_id: int | None = UNSET,
    reflect_button: bool | None = None,
) -> Schedule:
    """Creates or replaces the schedule (un-pausing it) and computes the next run."""
    zone = load_zone(timezone)
    async with db.transaction() as conn:
        slot = await upcoming_slot(conn, guild_id, post_time, zone, now)
        await conn.execute(
            "INSERT INTO prompt_schedules (guild_id, channel_id, post_time, timezone, paused, "
            "pause_reason, next_run_at, next_local_date) VALUES (?, ?, ?, ?, 0, NULL, ?, ?) "
            "ON CONFLICT(guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
            "post_time = excluded.post_time, timezone = excluded.timezone, paused = 0, "
            "pause_reason = NULL, next_run_at = excluded.next_run_at, "
            f"next_local_date = excluded.next_local_date, {_UPDATED}",
            (
                guild_id,
                channel_id,
                format_time_of_day(post_time),
                timezone,
                stamp(slot.instant),
                slot.day.isoformat(),
            ),
        )
    schedule = await set_options(
        db,
        guild_id,
        use_thread=use_thread,
        ping_role_id=ping_role_id,
        reflect_button=reflect_button,
    )
    assert schedule is not None
    return schedule


async def set_timezone(
    db: Database, guild_id: int, timezone: str, now: datetime
) -> Schedule | None:
    """Follows the server's timezone (the one source of truth): same local time, next run
    recomputed; a paused schedule stays paused. None when there is no schedule."""
    zone = load_zone(timezone)
    async with db.transaction() as conn:
        schedule = await read_schedule(conn, guild_id)
        if schedule is None:
            return None
        await conn.execute(
            f"UPDATE prompt_schedules SET timezone = ?, {_UPDATED} WHERE guild_id = ?",
            (timezone, guild_id),
        )
        slot = await upcoming_slot(conn, guild_id, schedule.post_time, zone, now)
        await set_next_run(conn, guild_id, slot)
    return await get_schedule(db, guild_id)


async def set_options(
    db: Database,
    guild_id: int,
    *,
    use_thread: bool | None = None,
    ping_role_id: int | None = UNSET,
    reflect_button: bool | None = None,
) -> Schedule | None:
    """Changes only what is given (None / UNSET: leave as is; ping_role_id=None: no ping)."""
    changes: dict[str, Any] = {}
    if use_thread is not None:
        changes["use_thread"] = int(use_thread)
    if reflect_button is not None:
        changes["reflect_button"] = int(reflect_button)
    if ping_role_id is not UNSET:
        changes["ping_role_id"] = ping_role_id
    if changes:
        assignments = ", ".join(f"{name} = ?" for name in changes)
        await db.execute(
            f"UPDATE prompt_schedules SET {assignments}, {_UPDATED} WHERE guild_id = ?",
            (*changes.values(), guild_id),
        )
    return await get_schedule(db, guild_id)


async def pause(conn: Connection, guild_id: int, reason: PauseReason) -> bool:
    """True when this call paused it (so moderators are told once, not every day)."""
    result = await conn.execute(
        f"UPDATE prompt_schedules SET paused = 1, pause_reason = ?, {_UPDATED} "
        "WHERE guild_id = ? AND paused = 0",
        (reason, guild_id),
    )
    return result.rowcount > 0


async def resume(db: Database, guild_id: int, now: datetime) -> Schedule | None:
    """Un-pauses from the next regular time (a missed day is not posted on resume)."""
    async with db.transaction() as conn:
        schedule = await read_schedule(conn, guild_id)
        if schedule is None:
            return None
        slot = await upcoming_slot(conn, guild_id, schedule.post_time, schedule.zone, now)
        await conn.execute(
            "UPDATE prompt_schedules SET paused = 0, pause_reason = NULL WHERE guild_id = ?",
            (guild_id,),
        )
        await set_next_run(conn, guild_id, slot)
    return await get_schedule(db, guild_id)


async def due_guilds(db: Database, now: datetime, limit: int = 100_000) -> list[int]:
    """Servers whose next run has come (uses the partial index prompt_schedules_due)."""
    rows = await db.fetchall(
        "SELECT guild_id FROM prompt_schedules WHERE paused = 0 AND next_run_at <= ? "
        "ORDER BY next_run_at LIMIT ?",
        (stamp(now), limit),
    )
    return [int(row[0]) for row in rows]


async def next_due_at(db: Database) -> datetime | None:
    """The earliest next run of any live schedule (the loop sleeps until then, at most 30 s)."""
    value = await db.fetchval("SELECT MIN(next_run_at) FROM prompt_schedules WHERE paused = 0")
    return None if value is None else parse_stamp(value)
