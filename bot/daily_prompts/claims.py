"""Claims: one row per (server, local date), taken in a transaction BEFORE anything is sent.

The unique key makes a second claim for the same day impossible, whether it comes from this
process, a second process on the same database, or a restart. What a claim's outcome can be:

- 'sent': the message id is recorded right after Discord confirms the post.
- A crash (or a timeout) between claim and confirmation leaves 'claimed'. After `stale` (longer
  than any send may take) another run re-claims it in a transaction, then looks for the post in
  the channel's recent messages (the day's marker in the embed footer) before sending: found ->
  recorded as sent; not found -> sent now if the day is still current, else recorded as missed.
- A failed send becomes 'retry' at a later time, re-checked the same way; after the last retry
  it is 'missed' and its prompt goes back into the bag.

So a day is posted at most once, and every missed day is recorded with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random

from bot.content import Prompt
from bot.daily_prompts import bag
from bot.daily_prompts.custom import prompt_pool
from bot.daily_prompts.models import PostRecord, Schedule
from bot.daily_prompts.schedules import read_schedule, set_next_run, upcoming_slot
from bot.scheduling import Slot, latest_slot, local_date, slot_for, stamp
from bot.storage.backend import Connection, Database

#: A slot from before today's local date is still posted when at most this late (so a 23:55
#: prompt survives a restart at midnight); anything older is skipped and recorded as missed.
CATCH_UP_GRACE = timedelta(hours=1)
#: Posts later than this carry a note saying so.
LATE_NOTE_AFTER = timedelta(hours=1)
#: After a long outage, at most this many skipped days are recorded individually.
MAX_RECORDED_SKIPS = 31


@dataclass(frozen=True)
class Claim:
    """Everything needed to send one day's post; `token` proves the claim is still ours."""

    guild_id: int
    day: date
    token: str
    attempt: int
    prompt_key: str | None
    prompt_text: str
    scheduled_at: datetime
    channel_id: int
    late_by: timedelta
    timezone: str
    post_time: time
    use_thread: bool
    ping_role_id: int | None
    reflect_button: bool
    paused: bool = False
    #: A re-claim: the post may already be in the channel, so look before sending.
    recovering: bool = False

    @property
    def late(self) -> bool:
        return self.late_by > LATE_NOTE_AFTER


@dataclass
class ClaimOutcome:
    claim: Claim | None = None
    skipped: list[date] = field(default_factory=list)
    already: PostRecord | None = None
    no_prompts: bool = False


async def _fetch_post(conn: Connection, guild_id: int, day: date) -> PostRecord | None:
    row = await conn.fetchone(
        "SELECT * FROM prompt_posts WHERE guild_id = ? AND local_date = ?",
        (guild_id, day.isoformat()),
    )
    return None if row is None else PostRecord.from_row(row)


async def _record_missed(conn: Connection, guild_id: int, slots: list[Slot], reason: str) -> None:
    await conn.executemany(
        "INSERT INTO prompt_posts (guild_id, local_date, status, scheduled_at, reason) "
        "VALUES (?, ?, 'missed', ?, ?) ON CONFLICT DO NOTHING",
        [(guild_id, s.day.isoformat(), stamp(s.instant), reason) for s in slots],
    )


async def _last_key(conn: Connection, guild_id: int, day: date) -> str | None:
    row = await conn.fetchone(
        "SELECT prompt_key FROM prompt_posts WHERE guild_id = ? AND local_date < ? "
        "AND status IN ('sent', 'claimed', 'retry') ORDER BY local_date DESC LIMIT 1",
        (guild_id, day.isoformat()),
    )
    return None if row is None else row[0]


async def _claim_day(
    conn: Connection,
    schedule: Schedule,
    slot: Slot,
    now: datetime,
    token: str,
    content: tuple[Prompt, ...],
    rng: Random,
    stale: timedelta,
) -> Claim | None:
    """Inserts the claim (or takes over a day recorded as missed) and draws its prompt."""
    late_by = max(now - slot.instant, timedelta(0))
    result = await conn.execute(
        "INSERT INTO prompt_posts (guild_id, local_date, status, scheduled_at, channel_id, "
        "claim_token, claimed_at, recheck_at, attempts, late) "
        "VALUES (?, ?, 'claimed', ?, ?, ?, ?, ?, 1, ?) "
        "ON CONFLICT(guild_id, local_date) DO UPDATE SET status = 'claimed', "
        "scheduled_at = excluded.scheduled_at, channel_id = excluded.channel_id, "
        "claim_token = excluded.claim_token, claimed_at = excluded.claimed_at, "
        "recheck_at = excluded.recheck_at, attempts = 1, late = excluded.late, reason = NULL "
        "WHERE prompt_posts.status = 'missed'",
        (
            schedule.guild_id,
            slot.day.isoformat(),
            stamp(slot.instant),
            schedule.channel_id,
            token,
            stamp(now),
            stamp(now + stale),
            int(late_by > LATE_NOTE_AFTER),
        ),
    )
    if result.rowcount == 0:
        return None
    pool = await prompt_pool(conn, schedule.guild_id, content)
    last = await _last_key(conn, schedule.guild_id, slot.day)
    key = await bag.draw(conn, schedule.guild_id, pool, rng, last)
    if key is None:
        await conn.execute(
            "UPDATE prompt_posts SET status = 'missed', reason = 'no_prompts', recheck_at = NULL "
            "WHERE guild_id = ? AND local_date = ?",
            (schedule.guild_id, slot.day.isoformat()),
        )
        return None
    await conn.execute(
        "UPDATE prompt_posts SET prompt_key = ?, prompt_text = ? "
        "WHERE guild_id = ? AND local_date = ?",
        (key, pool[key], schedule.guild_id, slot.day.isoformat()),
    )
    return Claim(
        guild_id=schedule.guild_id,
        day=slot.day,
        token=token,
        attempt=1,
        prompt_key=key,
        prompt_text=pool[key],
        scheduled_at=slot.instant,
        channel_id=schedule.channel_id,
        late_by=late_by,
        timezone=schedule.timezone,
        post_time=schedule.post_time,
        use_thread=schedule.use_thread,
        ping_role_id=schedule.ping_role_id,
        reflect_button=schedule.reflect_button,
        paused=schedule.paused,
    )


async def claim_due(
    db: Database,
    guild_id: int,
    now: datetime,
    token: str,
    content: tuple[Prompt, ...],
    rng: Random,
    stale: timedelta,
) -> ClaimOutcome:
    """Claims the most recent due day (late if need be), records older ones as missed, and
    moves the schedule to its next slot; all in one transaction."""
    outcome = ClaimOutcome()
    async with db.transaction() as conn:
        schedule = await read_schedule(conn, guild_id)
        if schedule is None or schedule.paused or schedule.next_run_at > now:
            return outcome
        zone, at = schedule.zone, schedule.post_time
        latest = latest_slot(now, at, zone)
        if latest.day >= schedule.next_local_date:
            day = schedule.next_local_date
            skipped = []
            while day < latest.day:
                skipped.append(slot_for(day, at, zone))
                day += timedelta(days=1)
            current = latest.day == local_date(now, zone) or now - latest.instant <= CATCH_UP_GRACE
            if not current:
                skipped.append(latest)
            await _record_missed(conn, guild_id, skipped[-MAX_RECORDED_SKIPS:], "offline")
            outcome.skipped = [s.day for s in skipped]
            if current:
                outcome.claim = await _claim_day(
                    conn, schedule, latest, now, token, content, rng, stale
                )
        await set_next_run(conn, guild_id, await upcoming_slot(conn, guild_id, at, zone, now))
    return outcome


async def claim_today(
    db: Database,
    guild_id: int,
    now: datetime,
    token: str,
    content: tuple[Prompt, ...],
    rng: Random,
    stale: timedelta,
) -> ClaimOutcome:
    """/prompts post-now: today's post, now, unless today already has one."""
    outcome = ClaimOutcome()
    async with db.transaction() as conn:
        schedule = await read_schedule(conn, guild_id)
        if schedule is None:
            return outcome
        zone = schedule.zone
        today = local_date(now, zone)
        existing = await _fetch_post(conn, guild_id, today)
        if existing is not None and existing.status != "missed":
            outcome.already = existing
            return outcome
        slot = Slot(now.replace(microsecond=0), today)
        outcome.claim = await _claim_day(conn, schedule, slot, now, token, content, rng, stale)
        outcome.no_prompts = outcome.claim is None
        if not schedule.paused:
            upcoming = await upcoming_slot(conn, guild_id, schedule.post_time, zone, now)
            await set_next_run(conn, guild_id, upcoming)
    return outcome


async def due_rechecks(db: Database, now: datetime, limit: int = 10_000) -> list[tuple[int, date]]:
    """Stale or failed claims whose time to look again has come (partial index)."""
    rows = await db.fetchall(
        "SELECT guild_id, local_date FROM prompt_posts WHERE status IN ('claimed', 'retry') "
        "AND recheck_at <= ? ORDER BY recheck_at LIMIT ?",
        (stamp(now), limit),
    )
    return [(int(r[0]), date.fromisoformat(r[1])) for r in rows]


async def reclaim(
    db: Database, guild_id: int, day: date, now: datetime, token: str, stale: timedelta
) -> Claim | None:
    """Takes over a stale or failed claim; BEGIN IMMEDIATE makes the read-then-write atomic
    across processes, so only one of them re-sends."""
    async with db.transaction() as conn:
        post = await _fetch_post(conn, guild_id, day)
        schedule = await read_schedule(conn, guild_id)
        if post is None or post.status not in ("claimed", "retry") or schedule is None:
            return None
        if post.recheck_at is None or post.recheck_at > now:
            return None
        await conn.execute(
            "UPDATE prompt_posts SET status = 'claimed', claim_token = ?, claimed_at = ?, "
            "recheck_at = ?, attempts = attempts + 1 WHERE guild_id = ? AND local_date = ?",
            (token, stamp(now), stamp(now + stale), guild_id, day.isoformat()),
        )
    return Claim(
        guild_id=guild_id,
        day=day,
        token=token,
        attempt=post.attempts + 1,
        prompt_key=post.prompt_key,
        prompt_text=post.prompt_text or "",
        scheduled_at=post.scheduled_at,
        channel_id=post.channel_id or schedule.channel_id,
        late_by=max(now - post.scheduled_at, timedelta(0)),
        timezone=schedule.timezone,
        post_time=schedule.post_time,
        use_thread=schedule.use_thread,
        ping_role_id=schedule.ping_role_id,
        reflect_button=schedule.reflect_button,
        paused=schedule.paused,
        recovering=True,
    )


async def confirm_sent(
    db: Database, claim: Claim, message_id: int, thread_id: int | None, now: datetime
) -> bool:
    rows = await db.execute(
        "UPDATE prompt_posts SET status = 'sent', message_id = ?, thread_id = ?, sent_at = ?, "
        "recheck_at = NULL, reason = NULL, late = ? "
        "WHERE guild_id = ? AND local_date = ? AND claim_token = ?",
        (
            message_id,
            thread_id,
            stamp(now),
            int(claim.late),
            claim.guild_id,
            claim.day.isoformat(),
            claim.token,
        ),
    )
    return rows > 0


async def schedule_retry(db: Database, claim: Claim, at: datetime, reason: str) -> None:
    await db.execute(
        "UPDATE prompt_posts SET status = 'retry', recheck_at = ?, reason = ? "
        "WHERE guild_id = ? AND local_date = ? AND claim_token = ?",
        (stamp(at), reason, claim.guild_id, claim.day.isoformat(), claim.token),
    )


async def mark_missed(conn: Connection, claim: Claim, reason: str) -> None:
    """Inside the caller's transaction: the day is given up and its prompt goes back."""
    result = await conn.execute(
        "UPDATE prompt_posts SET status = 'missed', recheck_at = NULL, reason = ? "
        "WHERE guild_id = ? AND local_date = ? AND claim_token = ?",
        (reason, claim.guild_id, claim.day.isoformat(), claim.token),
    )
    if result.rowcount:
        await bag.put_back(conn, claim.guild_id, claim.prompt_key)


async def recent_posts(db: Database, guild_id: int, limit: int = 7) -> list[PostRecord]:
    rows = await db.fetchall(
        "SELECT * FROM prompt_posts WHERE guild_id = ? ORDER BY local_date DESC LIMIT ?",
        (guild_id, limit),
    )
    return [PostRecord.from_row(row) for row in rows]


async def peek_next(
    db: Database, guild_id: int, content: tuple[Prompt, ...], rng: Random
) -> tuple[str, str] | None:
    """The prompt the next post will use (key, text), without using it up."""
    async with db.transaction() as conn:
        pool = await prompt_pool(conn, guild_id, content)
        last = await _last_key(conn, guild_id, date.max)
        key = await bag.draw(conn, guild_id, pool, rng, last, consume=False)
    return None if key is None else (key, pool[key])


async def rotation_progress(
    db: Database, guild_id: int, content: tuple[Prompt, ...]
) -> tuple[int, int]:
    """(seen in this cycle, total in the pool) for /prompts status."""
    async with db.transaction() as conn:
        pool = await prompt_pool(conn, guild_id, content)
        current = await bag.load_bag(conn, guild_id)
    seen = sum(1 for key, entry in current.items() if entry.drawn and key in pool)
    return seen, len(pool)
