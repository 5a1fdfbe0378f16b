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
deleted by the first claim of each 10-minute slot (and by `forget_before`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Literal
from weakref import WeakKeyDictionary

from bot.privacy import member_key, owner_tag
from bot.safety_service.policy import COOLDOWN, IMMINENT_BYPASS_EVERY, Flag, cooldown_verdict
from bot.storage.db import Database, Row

PURPOSE = "safety_cooldowns"  # the table: bot.checkins.datarights finds rows by it
SLOT = timedelta(minutes=10)
SLOT_FORMAT = "%Y-%m-%dT%H:%M"
#: Slots looked at (and kept): the whole cooldown, plus the slot it started in.
WINDOW = max(COOLDOWN, IMMINENT_BYPASS_EVERY) + SLOT
Scope = Literal["message", "checkin", "supporter"]
#: Per database, the oldest slot kept as of the last claim's DELETE (taken when that claim
#: starts, so claims queued behind it do not repeat it; handed back if it fails). A claim only
#: ever adds rows of the current slot, so once rows older than a slot are gone none reappear:
#: the DELETE runs once per slot and process, not inside every claim's transaction (each
#: statement there holds the write lock for about two loop turns under a flood).
_forgotten: WeakKeyDictionary[Database, str] = WeakKeyDictionary()


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
    both pass). Empty: stay quiet.

    At most three statements whatever the categories (forget old rows once per slot, read
    every tag, record the claims): the transaction holds the write lock, and under a message
    flood each await in it costs about two loop turns that every other writer waits through;
    a member still in their cooldown is told so by one read, before any transaction."""
    slots = _slots(now)
    current = slots[0]
    wanted: dict[str, tuple[str, str, datetime]] = {}
    for category in flag.categories:
        for kind in ("reply", "bypass"):
            for s in slots:
                wanted[owner_tag(key, tag_salt(scope, category, kind, s))] = (category, kind, s)
    if not wanted:
        return Flag({}, flag.guessed)
    marks = ", ".join("?" for _ in wanted)
    read = f"SELECT owner_tag FROM safety_cooldowns WHERE guild_id = ? AND owner_tag IN ({marks})"
    # Read first, outside the transaction: a member already answered in the window (every
    # flagged message after the first, in a flood) needs no write lock at all. Rows of the
    # window are never removed while it lasts, so "quiet" read here is quiet in the
    # transaction too; anything else is decided again inside it.
    if not _verdicts(flag, wanted, await db.fetchall(read, (guild_id, *wanted)), now):
        return Flag({}, flag.guessed)
    oldest = slots[-1].strftime(SLOT_FORMAT)
    forget = _forgotten.get(db) != oldest
    if forget:  # taken now: the claims queued behind this one (a flood) skip the DELETE
        _forgotten[db] = oldest
    async with _undo_forget_on_error(db, oldest if forget else None), db.transaction() as conn:
        if forget:
            await conn.execute("DELETE FROM safety_cooldowns WHERE slot < ?", (oldest,))
        rows = await conn.fetchall(read, (guild_id, *wanted))
        claims: dict[str, str] = {}  # owner_tag -> category
        params: list[str | int] = []
        for category, verdict in _verdicts(flag, wanted, rows, now).items():
            salt = tag_salt(scope, category, "bypass" if verdict == "bypass" else "reply", current)
            tag = owner_tag(key, salt)
            claims[tag] = category
            params += [tag, guild_id, salt, current.strftime(SLOT_FORMAT)]
        recorded = []
        if claims:
            values = ", ".join("(?, ?, ?, ?)" for _ in claims)
            result = await conn.execute(
                "INSERT INTO safety_cooldowns (owner_tag, guild_id, tag_salt, slot) "
                f"VALUES {values} ON CONFLICT DO NOTHING RETURNING owner_tag",
                params,
            )
            recorded = result.rows
    # The row is the claim: the transaction already keeps two claims apart, and the primary
    # key would too (another process's reply recorded meanwhile: stay quiet about it).
    won = {claims[row[0]] for row in recorded}
    allowed = {c: flag.severities[c] for c in flag.categories if c in won}
    return Flag(allowed, flag.guessed)


def _verdicts(
    flag: Flag,
    wanted: dict[str, tuple[str, str, datetime]],
    rows: Sequence[Row],
    now: datetime,
) -> dict[str, str]:
    """Per category of `flag` that may be answered now, "reply" or "bypass" (`cooldown_verdict`),
    given the member's stored tags among `wanted`."""
    last: dict[tuple[str, str], datetime] = {}
    for row in rows:
        category, kind, slot = wanted[str(row[0])]
        last[category, kind] = max(slot, last.get((category, kind), slot))
    verdicts: dict[str, str] = {}
    for category in flag.categories:
        verdict = cooldown_verdict(
            category,
            flag.is_imminent(category),
            last.get((category, "reply")),
            last.get((category, "bypass")),
            now,
        )
        if verdict != "quiet":
            verdicts[category] = verdict
    return verdicts


@asynccontextmanager
async def _undo_forget_on_error(db: Database, oldest: str | None) -> AsyncIterator[None]:
    """A claim that took the slot's DELETE and then failed (rolled back) hands it on to the
    next claim."""
    try:
        yield
    except BaseException:
        if oldest is not None and _forgotten.get(db) == oldest:
            del _forgotten[db]
        raise


async def forget_before(db: Database, now: datetime) -> int:
    """Deletes replies older than the window (also done by each slot's first claim; this catches quiet
    servers): a cooldown row is kept no longer than it can change an answer."""
    oldest = _slots(now)[-1].strftime(SLOT_FORMAT)
    return await db.execute("DELETE FROM safety_cooldowns WHERE slot < ?", (oldest,))
