"""Storage for /ask-mods conversations (no discord here). Askers appear only by their
purpose-specific pseudonym; see identity.py for the sealed delivery id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.safety.rules import SEVERITY_RANK
from bot.safety_service.timefmt import from_text, to_text
from bot.storage.db import Database, Row

Direction = Literal["member", "moderators"]
Status = Literal["open", "closed", "blocked"]


@dataclass(frozen=True)
class Conversation:
    id: int
    guild_id: int
    label: str
    askmods_pseudonym: str
    delivery_box: str
    named: bool
    status: str
    channel_id: int | None
    starter_message_id: int | None
    thread_id: int | None
    flagged_severity: str | None
    flagged_at: datetime | None
    reraised_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    member_lang: str | None = None  # the member's language when they last wrote

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    direction: str
    body: str
    thread_message_id: int | None
    delivered: bool
    created_at: datetime


def _conversation(row: Row) -> Conversation:
    values = dict(row)
    values["named"] = bool(values["named"])
    created = from_text(values["created_at"])
    assert created is not None
    values["created_at"] = created
    for key in ("closed_at", "flagged_at", "reraised_at"):
        values[key] = from_text(values[key])
    return Conversation(**values)


def _message(row: Row) -> StoredMessage:
    created = from_text(row["created_at"])
    assert created is not None
    return StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        direction=row["direction"],
        body=row["body"],
        thread_message_id=row["thread_message_id"],
        delivered=bool(row["delivered"]),
        created_at=created,
    )


# ---- conversations ----------------------------------------------------------------------------


async def create(
    db: Database, *, guild_id: int, label: str, pseudo: str, box: str, named: bool, now: datetime
) -> Conversation:
    async with db.transaction() as conn:
        new_id = await conn.fetchval(
            "INSERT INTO askmods_conversations (guild_id, label, askmods_pseudonym, "
            "delivery_box, named, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, label, pseudo, box, int(named), to_text(now)),
        )
        await conn.execute(
            "INSERT INTO askmods_opens (guild_id, askmods_pseudonym, opened_at) VALUES (?, ?, ?)",
            (guild_id, pseudo, to_text(now)),
        )
    found = await get(db, int(new_id or 0))
    assert found is not None
    return found


async def set_member_lang(db: Database, conversation_id: int, lang: str) -> None:
    """What language DMs to the member use (they wrote in it last)."""
    await db.execute(
        "UPDATE askmods_conversations SET member_lang = ? WHERE id = ?", (lang, conversation_id)
    )


async def get(db: Database, conversation_id: int) -> Conversation | None:
    row = await db.fetchone("SELECT * FROM askmods_conversations WHERE id = ?", (conversation_id,))
    return None if row is None else _conversation(row)


async def current_for(db: Database, guild_id: int, pseudo: str) -> Conversation | None:
    """The member's open conversation in this server, if any (one at a time)."""
    row = await db.fetchone(
        "SELECT * FROM askmods_conversations WHERE guild_id = ? AND askmods_pseudonym = ? "
        "AND status = 'open' ORDER BY id DESC LIMIT 1",
        (guild_id, pseudo),
    )
    return None if row is None else _conversation(row)


async def opened_since(db: Database, guild_id: int, pseudo: str, since: datetime) -> int:
    """Conversations opened since then, deleted ones included (see askmods_opens)."""
    await db.execute("DELETE FROM askmods_opens WHERE opened_at < ?", (to_text(since),))
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM askmods_opens WHERE guild_id = ? AND askmods_pseudonym = ? "
            "AND opened_at >= ?",
            (guild_id, pseudo, to_text(since)),
        )
    )


async def set_thread(
    db: Database, conversation_id: int, channel_id: int, starter_id: int, thread_id: int
) -> None:
    await db.execute(
        "UPDATE askmods_conversations SET channel_id = ?, starter_message_id = ?, thread_id = ? "
        "WHERE id = ?",
        (channel_id, starter_id, thread_id, conversation_id),
    )


async def set_named(db: Database, conversation_id: int) -> bool:
    """Anonymous -> named only (never back). True when it changed."""
    changed = await db.execute(
        "UPDATE askmods_conversations SET named = 1 WHERE id = ? AND named = 0",
        (conversation_id,),
    )
    return changed == 1


async def close(db: Database, conversation_id: int, status: Status, now: datetime) -> bool:
    """Ends an open conversation ('closed' or 'blocked'); False if it was not open."""
    changed = await db.execute(
        "UPDATE askmods_conversations SET status = ?, closed_at = ? WHERE id = ? "
        "AND status = 'open'",
        (status, to_text(now), conversation_id),
    )
    return changed == 1


async def set_status(db: Database, conversation_id: int, status: Status) -> None:
    """For a conversation already ended: blocked after the fact, or unblocked."""
    await db.execute(
        "UPDATE askmods_conversations SET status = ? WHERE id = ? AND status != 'open'",
        (status, conversation_id),
    )


async def delete(db: Database, conversation_id: int) -> None:
    """The conversation and its messages (cascade)."""
    await db.execute("DELETE FROM askmods_conversations WHERE id = ?", (conversation_id,))


async def closed_before(db: Database, guild_id: int | None, cutoff: datetime) -> list[int]:
    sql = "SELECT id FROM askmods_conversations WHERE status != 'open' AND closed_at < ?"
    params: tuple[object, ...] = (to_text(cutoff),)
    if guild_id is not None:
        sql += " AND guild_id = ?"
        params = (*params, guild_id)
    return [int(r["id"]) for r in await db.fetchall(sql, params)]


async def record_flag(db: Database, conversation_id: int, severity: str, now: datetime) -> None:
    """Keeps the highest severity seen (and when it was first reached)."""
    conversation = await get(db, conversation_id)
    if conversation is None:
        return
    rank = SEVERITY_RANK.get(severity, -1)
    if rank > SEVERITY_RANK.get(conversation.flagged_severity or "", -1):
        await db.execute(
            "UPDATE askmods_conversations SET flagged_severity = ?, flagged_at = ? WHERE id = ?",
            (severity, to_text(now), conversation_id),
        )


async def unanswered(db: Database) -> list[Conversation]:
    """Open conversations with a staff thread, no moderator reply yet, not raised again."""
    rows = await db.fetchall(
        "SELECT c.* FROM askmods_conversations c WHERE c.status = 'open' "
        "AND c.thread_id IS NOT NULL AND c.reraised_at IS NULL AND NOT EXISTS ("
        "SELECT 1 FROM askmods_messages m WHERE m.conversation_id = c.id "
        "AND m.direction = 'moderators') ORDER BY c.id"
    )
    return [_conversation(r) for r in rows]


async def claim_reraise(db: Database, conversation_id: int, now: datetime) -> bool:
    """True for exactly one caller per conversation."""
    changed = await db.execute(
        "UPDATE askmods_conversations SET reraised_at = ? WHERE id = ? AND reraised_at IS NULL",
        (to_text(now), conversation_id),
    )
    return changed == 1


# ---- messages ---------------------------------------------------------------------------------


async def add_message(
    db: Database, conversation: Conversation, direction: Direction, body: str, now: datetime
) -> int:
    async with db.transaction() as conn:
        new_id = await conn.fetchval(
            "INSERT INTO askmods_messages (conversation_id, guild_id, askmods_pseudonym, "
            "direction, body, delivered, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                conversation.id,
                conversation.guild_id,
                conversation.askmods_pseudonym,
                direction,
                body,
                int(direction == "member"),
                to_text(now),
            ),
        )
        return int(new_id)


async def set_thread_message(db: Database, message_id: int, thread_message_id: int) -> None:
    await db.execute(
        "UPDATE askmods_messages SET thread_message_id = ? WHERE id = ?",
        (thread_message_id, message_id),
    )


async def mark_delivered(db: Database, conversation_id: int) -> None:
    await db.execute(
        "UPDATE askmods_messages SET delivered = 1 WHERE conversation_id = ?", (conversation_id,)
    )


async def messages(db: Database, conversation_id: int) -> list[StoredMessage]:
    rows = await db.fetchall(
        "SELECT * FROM askmods_messages WHERE conversation_id = ? ORDER BY id",
        (conversation_id,),
    )
    return [_message(r) for r in rows]


async def member_messages_since(db: Database, guild_id: int, pseudo: str, since: datetime) -> int:
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM askmods_messages WHERE guild_id = ? AND askmods_pseudonym = ? "
            "AND direction = 'member' AND created_at >= ?",
            (guild_id, pseudo, to_text(since)),
        )
    )


# ---- blocks -----------------------------------------------------------------------------------


async def block(db: Database, guild_id: int, pseudo: str, label: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO askmods_blocks (guild_id, askmods_pseudonym, label, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (guild_id, pseudo, label, to_text(now)),
    )


async def unblock(db: Database, guild_id: int, pseudo: str) -> bool:
    changed = await db.execute(
        "DELETE FROM askmods_blocks WHERE guild_id = ? AND askmods_pseudonym = ?",
        (guild_id, pseudo),
    )
    return changed == 1


async def unblock_label(db: Database, guild_id: int, label: str) -> bool:
    """Lifts the block that came from this conversation label (kept after it was deleted)."""
    changed = await db.execute(
        "DELETE FROM askmods_blocks WHERE guild_id = ? AND label = ?", (guild_id, label)
    )
    return changed >= 1


async def by_label(db: Database, label: str) -> Conversation | None:
    row = await db.fetchone("SELECT * FROM askmods_conversations WHERE label = ?", (label,))
    return None if row is None else _conversation(row)


async def is_blocked(db: Database, guild_id: int, pseudo: str) -> bool:
    row = await db.fetchone(
        "SELECT 1 FROM askmods_blocks WHERE guild_id = ? AND askmods_pseudonym = ?",
        (guild_id, pseudo),
    )
    return row is not None
