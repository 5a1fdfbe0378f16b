"""The check-ins repository: every SQL statement of the feature, returning dataclasses."""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.checkins.models import (
    PENDING,
    AnonPost,
    CheckIn,
    Kind,
    PostStatus,
    from_db_time,
    to_db_time,
)
from bot.storage.db import Database, Row

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o/1/l/i: easy to read back


def new_public_id() -> str:
    """A short random reference; says nothing about the author or the time."""
    return "c" + "".join(secrets.choice(_ALPHABET) for _ in range(7))


def _checkin(row: Row) -> CheckIn:
    values = dict(row)
    values["created_at"] = from_db_time(values["created_at"])
    return CheckIn(**values)


def _post(row: Row) -> AnonPost:
    values = dict(row)
    for key in ("created_at", "due_at", "posted_at"):
        values[key] = from_db_time(values[key]) if values[key] else None
    return AnonPost(**values)


# ---- check-ins ---------------------------------------------------------------------------------
async def add_checkin(
    db: Database,
    *,
    guild_id: int,
    pseudonym: str,
    body: str,
    now: datetime,
    mood: int | None = None,
    kind: Kind = "checkin",
    help_text: str | None = None,
    prompt: str | None = None,
) -> CheckIn:
    for _ in range(5):
        public_id = new_public_id()
        exists = await db.fetchval("SELECT 1 FROM checkins WHERE public_id = ?", (public_id,))
        if not exists:
            break
    row_id = await db.execute(
        "INSERT INTO checkins (public_id, guild_id, pseudonym, kind, mood, body, help_text, "
        "prompt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (public_id, guild_id, pseudonym, kind, mood, body, help_text, prompt, to_db_time(now)),
    )
    row = await db.fetchone("SELECT * FROM checkins WHERE id = ?", (row_id,))
    assert row is not None
    return _checkin(row)


async def get_checkin(db: Database, guild_id: int, public_id: str) -> CheckIn | None:
    row = await db.fetchone(
        "SELECT * FROM checkins WHERE guild_id = ? AND public_id = ?", (guild_id, public_id)
    )
    return None if row is None else _checkin(row)


async def own_checkins(
    db: Database, guild_id: int, pseudonym: str, *, limit: int = 500
) -> list[CheckIn]:
    """The author's entries, newest first."""
    rows = await db.fetchall(
        "SELECT * FROM checkins WHERE guild_id = ? AND pseudonym = ? ORDER BY id DESC LIMIT ?",
        (guild_id, pseudonym, limit),
    )
    return [_checkin(r) for r in rows]


async def mark_anonymous(db: Database, checkin_id: int) -> None:
    await db.execute("UPDATE checkins SET visibility = 'anonymous' WHERE id = ?", (checkin_id,))


async def delete_checkin(db: Database, checkin_id: int) -> int:
    """Deletes the entry and (by cascade) its post record and reports."""
    return await db.execute("DELETE FROM checkins WHERE id = ?", (checkin_id,))


async def expired_checkins(db: Database, guild_id: int, before: datetime) -> list[CheckIn]:
    rows = await db.fetchall(
        "SELECT * FROM checkins WHERE guild_id = ? AND created_at < ? ORDER BY id",
        (guild_id, to_db_time(before)),
    )
    return [_checkin(r) for r in rows]


async def retention_policies(db: Database) -> list[tuple[int, int]]:
    """(guild_id, retention_days) for every server that set a retention period."""
    rows = await db.fetchall(
        "SELECT guild_id, retention_days FROM guild_settings WHERE retention_days IS NOT NULL"
    )
    return [(int(r[0]), int(r[1])) for r in rows]


# ---- anonymous posts ---------------------------------------------------------------------------
async def add_post(
    db: Database,
    *,
    checkin: CheckIn,
    channel_id: int,
    body: str,
    status: PostStatus,
    now: datetime,
    due_at: datetime | None,
    tag: str | None = None,
    reply_to_message_id: int | None = None,
) -> AnonPost:
    """Records the post and marks its check-in anonymous, in one transaction."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO anon_posts (checkin_id, guild_id, pseudonym, channel_id, "
            "reply_to_message_id, body, mood, tag, status, nonce, due_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                checkin.id,
                checkin.guild_id,
                checkin.pseudonym,
                channel_id,
                reply_to_message_id,
                body,
                checkin.mood,
                tag,
                status,
                secrets.token_hex(12),  # Discord nonces are at most 25 characters
                to_db_time(due_at) if due_at else None,
                to_db_time(now),
            ),
        )
        await conn.execute(
            "UPDATE checkins SET visibility = 'anonymous' WHERE id = ?", (checkin.id,)
        )
        post_id = cursor.lastrowid
    post = await get_post(db, int(post_id or 0))
    assert post is not None
    return post


async def get_post(db: Database, post_id: int) -> AnonPost | None:
    row = await db.fetchone("SELECT * FROM anon_posts WHERE id = ?", (post_id,))
    return None if row is None else _post(row)


async def post_for_checkin(db: Database, checkin_id: int) -> AnonPost | None:
    row = await db.fetchone("SELECT * FROM anon_posts WHERE checkin_id = ?", (checkin_id,))
    return None if row is None else _post(row)


async def post_by_message(db: Database, guild_id: int, message_id: int) -> AnonPost | None:
    row = await db.fetchone(
        "SELECT * FROM anon_posts WHERE guild_id = ? AND message_id = ?", (guild_id, message_id)
    )
    return None if row is None else _post(row)


async def posts_of(db: Database, guild_id: int, pseudonym: str) -> list[AnonPost]:
    rows = await db.fetchall(
        "SELECT * FROM anon_posts WHERE guild_id = ? AND pseudonym = ? ORDER BY id",
        (guild_id, pseudonym),
    )
    return [_post(r) for r in rows]


async def recent_post_times(
    db: Database, guild_id: int, pseudonym: str, since: datetime
) -> list[datetime]:
    """When this author asked for anonymous posts since `since` (every outcome counts)."""
    rows = await db.fetchall(
        "SELECT created_at FROM anon_posts WHERE guild_id = ? AND pseudonym = ? "
        "AND created_at >= ? ORDER BY created_at",
        (guild_id, pseudonym, to_db_time(since)),
    )
    return [from_db_time(r[0]) for r in rows]


async def due_posts(db: Database, now: datetime, limit: int = 20) -> list[AnonPost]:
    """Queued posts whose time has come, and posts a crash left half-sent."""
    rows = await db.fetchall(
        "SELECT * FROM anon_posts WHERE (status = 'queued' AND due_at <= ?) "
        "OR status = 'sending' ORDER BY due_at, id LIMIT ?",
        (to_db_time(now), limit),
    )
    return [_post(r) for r in rows]


async def next_due(db: Database) -> datetime | None:
    value = await db.fetchval("SELECT MIN(due_at) FROM anon_posts WHERE status = 'queued'")
    return from_db_time(value) if value else None


async def transition(
    db: Database,
    post_id: int,
    to: PostStatus,
    *,
    allowed_from: tuple[PostStatus, ...],
    **fields: object,
) -> bool:
    """Moves a post between statuses only from the expected ones; False if someone (a delete,
    a moderator, another task) changed it first. Extra columns are set in the same update."""
    sets = ", ".join(["status = ?", *(f"{name} = ?" for name in fields)])
    values = [to_db_time(v) if isinstance(v, datetime) else v for v in fields.values()]
    marks = ", ".join("?" for _ in allowed_from)
    changed = await db.execute(
        f"UPDATE anon_posts SET {sets} WHERE id = ? AND status IN ({marks})",
        (to, *values, post_id, *allowed_from),
    )
    return changed == 1


async def set_review_message(db: Database, post_id: int, channel_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE anon_posts SET review_channel_id = ?, review_message_id = ? WHERE id = ?",
        (channel_id, message_id, post_id),
    )


async def cancel_pending_of(db: Database, guild_id: int, pseudonym: str) -> int:
    """A blocked author's posts that were still waiting never go out."""
    marks = ", ".join("?" for _ in PENDING[:2])
    return await db.execute(
        f"UPDATE anon_posts SET status = 'rejected', failure = 'blocked' WHERE guild_id = ? "
        f"AND pseudonym = ? AND status IN ({marks})",
        (guild_id, pseudonym, *PENDING[:2]),
    )


# ---- blocks and reports ------------------------------------------------------------------------
async def is_blocked(db: Database, guild_id: int, pseudonym: str) -> bool:
    found = await db.fetchval(
        "SELECT 1 FROM anon_blocks WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)
    )
    return bool(found)


async def block(db: Database, guild_id: int, pseudonym: str, now: datetime) -> bool:
    """False when already blocked."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO anon_blocks (guild_id, pseudonym, created_at) VALUES (?, ?, ?)",
            (guild_id, pseudonym, to_db_time(now)),
        )
        return cursor.rowcount == 1


async def blocked_pseudonyms(db: Database, guild_id: int) -> list[str]:
    rows = await db.fetchall(
        "SELECT pseudonym FROM anon_blocks WHERE guild_id = ? ORDER BY created_at DESC",
        (guild_id,),
    )
    return [str(r[0]) for r in rows]


async def unblock(db: Database, guild_id: int, pseudonym: str) -> bool:
    changed = await db.execute(
        "DELETE FROM anon_blocks WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)
    )
    return changed == 1


async def add_report(db: Database, post: AnonPost, reporter_pseudonym: str, now: datetime) -> bool:
    """False when this member already reported this post."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO anon_reports (post_id, guild_id, pseudonym, created_at) "
            "VALUES (?, ?, ?, ?)",
            (post.id, post.guild_id, reporter_pseudonym, to_db_time(now)),
        )
        return cursor.rowcount == 1


async def has_report(db: Database, post_id: int, reporter_pseudonym: str) -> bool:
    found = await db.fetchval(
        "SELECT 1 FROM anon_reports WHERE post_id = ? AND pseudonym = ?",
        (post_id, reporter_pseudonym),
    )
    return bool(found)


async def set_report_alert(
    db: Database, post_id: int, reporter_pseudonym: str, channel_id: int, message_id: int
) -> None:
    await db.execute(
        "UPDATE anon_reports SET alert_channel_id = ?, alert_message_id = ? "
        "WHERE post_id = ? AND pseudonym = ?",
        (channel_id, message_id, post_id, reporter_pseudonym),
    )


async def report_alerts(db: Database, post_id: int) -> list[tuple[int, int]]:
    """(channel id, message id) of the moderators' alerts about this post."""
    rows = await db.fetchall(
        "SELECT alert_channel_id, alert_message_id FROM anon_reports "
        "WHERE post_id = ? AND alert_message_id IS NOT NULL",
        (post_id,),
    )
    return [(int(r[0]), int(r[1])) for r in rows]
