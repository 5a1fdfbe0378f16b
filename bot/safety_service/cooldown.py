"""The per-member reply cooldown, persisted so it survives restarts, without a per-member row.

A reply is spent at the moment of a flagged message, which anyone in the channel can see, so a
row kept under a stable member value would name that member's pseudonym (and a row with the
exact time would point at the message). Instead each reply is one row: `owner_tag`, a keyed
hash of the member's cooldown key and `tag_salt` (scope, category, reply or bypass, 10-minute
slot).

Public messages, check-ins and notes to supporters (a member worried about someone else) keep
separate cooldowns (`Scope`): whether a public message gets
its nudge is seen by everyone in the channel, and an alert says how the member was answered,
so a shared cooldown would tell them that the author of an anonymous check-in is the member
whose message went unanswered (or that two flagged check-ins share an author).
Rows share no value with each other or with anything else; the bot finds a member's recent
replies by recomputing the tags of the slots in the window. Rows older than the window are
deleted whenever anyone is answered.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.privacy import member_key, owner_tag
from bot.safety_service.policy import COOLDOWN, IMMINENT_BYPASS_EVERY, Flag, cooldown_verdict
from bot.storage.db import Database

PURPOSE = "safety_cooldowns"  # the table: bot.checkins.datarights finds rows by it
SLOT = timedelta(minutes=10)
SLOT_FORMAT = "%Y-%m-%dT%H:%M"
#: Slots looked at (and kept): the whole cooldown, plus the slot it started in.
WINDOW = max(COOLDOWN, IMMINENT_BYPASS_EVERY) + SLOT
Scope = Literal["message", "checkin", "supporter"]


def cooldown_key(secret: bytes, guild_id: int, user_id: int) -> str:
    """The member's cooldown key (never stored)."""
    return member_key(secret, PURPOSE, guild_id, user_id)


def slot_of(moment: datetime) -> datetime:
    """The start of the 10-minute slot. A reply counts from there, so a cooldown may end up to
    10 minutes early, never late."""
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return moment - timedelta(minutes=moment.minute % (SLOT.seconds // 60))


def tag_salt(scope: Scope, category: str, kind: str, slot: datetime) -> str:
    return f"{scope}:{category}:{kind}:{slot.strftime(SLOT_FORMAT)}"


def _slots(now: datetime) -> list[datetime]:
    newest = slot_of(now)
    return [newest - SLOT * i for i in range(int(WINDOW / SLOT) + 1)]


async def claim_reply(
    db: Database, guild_id: int, key: str, flag: Flag, now: datetime, scope: Scope = "message"
) -> Flag:
    """The categories of `flag` the member (by `cooldown_key`) may get a reply about now in
    this scope, recorded as answered in the same transaction (so two messages at once cannot
    both pass). Empty: stay quiet."""
    allowed: dict[str, str] = {}
    slots = _slots(now)
    current = slots[0]
    async with db.transaction() as conn:
        oldest = slots[-1].strftime(SLOT_FORMAT)
        await conn.execute("DELETE FROM safety_cooldowns WHERE slot < ?", (oldest,))
        for category in flag.categories:
            last: dict[str, datetime | None] = {}
            for kind in ("reply", "bypass"):
                tags = {owner_tag(key, tag_salt(scope, category, kind, s)): s for s in slots}
                marks = ", ".join("?" for _ in tags)
                rows = await conn.fetchall(
                    f"SELECT owner_tag FROM safety_cooldowns WHERE guild_id = ? "
                    f"AND owner_tag IN ({marks})",
                    (guild_id, *tags),
                )
                found = [tags[row[0]] for row in rows]
                last[kind] = max(found) if found else None
            verdict = cooldown_verdict(
                category, flag.is_imminent(category), last["reply"], last["bypass"], now
            )
            if verdict == "quiet":
                continue
            kind = "bypass" if verdict == "bypass" else "reply"
            salt = tag_salt(scope, category, kind, current)
            recorded = await conn.execute(
                "INSERT INTO safety_cooldowns (owner_tag, guild_id, tag_salt, slot) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (owner_tag(key, salt), guild_id, salt, current.strftime(SLOT_FORMAT)),
            )
            # The row is the claim: the transaction already keeps two claims apart, and the
            # primary key would too (another process's reply recorded meanwhile: stay quiet).
            if recorded.rowcount == 1:
                allowed[category] = flag.severities[category]
    return Flag(allowed, flag.guessed)


async def forget_before(db: Database, now: datetime) -> int:
    """Deletes replies older than the window (also done on every claim; this catches quiet
    servers): a cooldown row is kept no longer than it can change an answer."""
    oldest = _slots(now)[-1].strftime(SLOT_FORMAT)
    return await db.execute("DELETE FROM safety_cooldowns WHERE slot < ?", (oldest,))
