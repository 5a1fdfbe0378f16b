"""The check-ins repository: every SQL statement of the feature, returning dataclasses."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.checkins.models import (
    AnonPost,
    CheckIn,
    Kind,
    PostStatus,
    from_db_time,
    to_db_time,
)
from bot.privacy import new_post_label
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
    for claim_column in ("lease_until", "resumed"):  # the sender's bookkeeping (ClaimedPost)
        values.pop(claim_column, None)
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
    same_since: datetime | None = None,
) -> CheckIn:
    """Stores a check-in. With `same_since`, an identical entry of this author saved since
    then is returned instead of a second copy: the member's retry after a reply that never
    reached them (a timeout, a restart) must not save their words twice. The look-up and the
    insert share one transaction, so two identical submissions at once store one row."""
    same = (
        "SELECT * FROM checkins WHERE guild_id = ? AND pseudonym = ? AND kind = ? AND body = ? "
        "AND mood IS ? AND help_text IS ? AND prompt IS ? AND created_at >= ? "
        "ORDER BY id DESC LIMIT 1"
    )
    async with db.transaction() as conn:
        if same_since is not None:
            params = (guild_id, pseudonym, kind, body, mood, help_text, prompt,
                      to_db_time(same_since))  # fmt: skip
            found = await conn.fetchall(same, params)
            if found:
                return _checkin(found[0])
        for _ in range(5):
            public_id = new_public_id()
            taken = await conn.fetchall("SELECT 1 FROM checkins WHERE public_id = ?", (public_id,))
            if not taken:
                break
        inserted = await conn.execute(
            "INSERT INTO checkins (public_id, guild_id, pseudonym, kind, mood, body, help_text, "
            "prompt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (public_id, guild_id, pseudonym, kind, mood, body, help_text, prompt,
             to_db_time(now)),
        )  # fmt: skip
    row = inserted.first()
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
) -> AnonPost | None:
    """Records the post and marks its check-in anonymous, in one transaction; None when the
    check-in already has a post (a second press of "Post anonymously" at the same moment)."""
    async with db.transaction() as conn:
        inserted = await conn.execute(
            "INSERT INTO anon_posts (checkin_id, guild_id, pseudonym, channel_id, "
            "reply_to_message_id, body, mood, tag, status, nonce, due_at, created_at, label) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (checkin_id) DO NOTHING "
            "RETURNING id",
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
                new_post_label(),
            ),
        )
        if inserted.rowcount != 1:
            return None
        await conn.execute(
            "UPDATE checkins SET visibility = 'anonymous' WHERE id = ?", (checkin.id,)
        )
        post_id = inserted.rows[0]["id"]
    post = await get_post(db, int(post_id))
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


@dataclass(frozen=True)
class ClaimedPost:
    post: AnonPost
    #: The post was taken over from a claim whose lease ran out: it may be in its channel.
    resumed: bool


# Queued and due, or claimed by a sender whose lease ran out (it died, or an older version
# left it `sending` without a lease).
_CLAIMABLE = (
    "((status = 'queued' AND due_at <= ?) "
    "OR (status = 'sending' AND (lease_until IS NULL OR lease_until <= ?)))"
)


async def claim_due_post(
    db: Database, now: datetime, lease: timedelta, servers: str = "1 = 1"
) -> ClaimedPost | None:
    """The next post to send, claimed (`sending`) until now + lease, in one statement: of
    several processes sending at once, exactly one gets each post. The condition is repeated
    outside the sub-select so that PostgreSQL re-checks it on a row another process claimed
    while this one waited; then nothing is returned, and the caller simply asks again later.
    `servers` is a SQL condition on guild_id (`ShardPlan.sql_filter`) keeping this process's
    servers, so other shards' posts neither crowd out nor wake this one."""
    at = to_db_time(now)
    row = await db.write_returning(
        "UPDATE anon_posts SET status = 'sending', "
        "attempts = attempts + CASE WHEN status = 'queued' THEN 1 ELSE 0 END, "
        "resumed = CASE WHEN status = 'sending' THEN 1 ELSE 0 END, lease_until = ? "
        f"WHERE id = (SELECT id FROM anon_posts WHERE {_CLAIMABLE} AND {servers} "
        "ORDER BY due_at, id LIMIT 1) "
        f"AND {_CLAIMABLE} RETURNING *",
        (to_db_time(now + lease), at, at, at, at),
    )
    return None if row is None else ClaimedPost(_post(row), bool(row["resumed"]))


async def next_due(db: Database, servers: str = "1 = 1") -> datetime | None:
    """When the sender next has work for these servers: a queued post's time, or a claim's
    lease running out."""
    value = await db.fetchval(
        "SELECT MIN(moment) FROM (SELECT due_at AS moment FROM anon_posts WHERE status = 'queued' "
        f"AND {servers} UNION ALL SELECT lease_until FROM anon_posts WHERE status = 'sending' "
        f"AND {servers}) AS upcoming"
    )
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
    """A blocked author's posts on their way (the random delay) never go out. Posts waiting in
    the approval queue are left to the moderators: cancelling them would show which of the
    posts in front of them share an author."""
    return await db.execute(
        "UPDATE anon_posts SET status = 'rejected', failure = 'blocked' WHERE guild_id = ? "
        "AND pseudonym = ? AND status = 'queued'",
        (guild_id, pseudonym),
    )


# ---- blocks and reports ------------------------------------------------------------------------
# A block is stored under the label of the post it was made from, with the author's pseudonym
# (which moderators never see). Blocking from a second post of the same author adds a second
# row, so the answer never tells a moderator that two posts share an author.
async def is_blocked(db: Database, guild_id: int, pseudonym: str) -> bool:
    found = await db.fetchval(
        "SELECT 1 FROM anon_blocks WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)
    )
    return bool(found)


async def label_blocked(db: Database, guild_id: int, label: str) -> bool:
    """Whether a block was made from the post with this label (not whether its author is
    blocked: that would tell a moderator the post shares an author with another one)."""
    found = await db.fetchval(
        "SELECT 1 FROM anon_blocks WHERE guild_id = ? AND label = ?", (guild_id, label)
    )
    return bool(found)


async def block(db: Database, guild_id: int, label: str, pseudonym: str, now: datetime) -> bool:
    """False when this label is already blocked."""
    async with db.transaction() as conn:
        inserted = await conn.execute(
            "INSERT INTO anon_blocks (guild_id, label, pseudonym, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, label, pseudonym, to_db_time(now)),
        )
        return inserted.rowcount == 1


async def blocked_labels(db: Database, guild_id: int) -> list[str]:
    rows = await db.fetchall(
        "SELECT label FROM anon_blocks WHERE guild_id = ? ORDER BY created_at DESC, label",
        (guild_id,),
    )
    return [str(r[0]) for r in rows]


async def unblock(db: Database, guild_id: int, label: str) -> bool:
    changed = await db.execute(
        "DELETE FROM anon_blocks WHERE guild_id = ? AND label = ?", (guild_id, label)
    )
    return changed == 1


async def add_report(db: Database, post: AnonPost, reporter_pseudonym: str, now: datetime) -> bool:
    """False when this member already reported this post."""
    async with db.transaction() as conn:
        inserted = await conn.execute(
            "INSERT INTO anon_reports (post_id, guild_id, pseudonym, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (post.id, post.guild_id, reporter_pseudonym, to_db_time(now)),
        )
        return inserted.rowcount == 1


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
