"""Private notes for a member, stored by pseudonym, shown the next time they use a command,
and whether they have had the one-time welcome.

Used when the interaction that could have told them directly has expired: a moderator rejected
or removed their anonymous post. Nobody but the member sees a note, and nothing links it to a
user id: it is found by recomputing the member's pseudonym.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from bot.i18n import DEFAULT_LANG, t
from bot.safety_service.timefmt import to_text
from bot.storage.db import Database

MAX_SHOWN = 5
#: A stored note that names a catalog key (shown in the reader's language when read) starts
#: with this; other stored notes are text as is.
_KEYED = "i18n:"


@dataclass(frozen=True)
class Note:
    """A note as a catalog key and its fields, so it is worded in the language of whoever
    reads it, when they read it."""

    key: str
    fields: dict[str, str | int] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return t(lang, self.key, **self.fields)


def _stored(note: Note | str) -> str:
    if isinstance(note, str):
        return note
    return _KEYED + json.dumps({"key": note.key, "fields": note.fields}, ensure_ascii=False)


def shown(stored: str, lang: str) -> str:
    """A note as stored, in `lang` (notes stored as text are shown as they are)."""
    if not stored.startswith(_KEYED):
        return stored
    raw = json.loads(stored[len(_KEYED) :])
    return Note(str(raw["key"]), dict(raw["fields"])).text(lang)


async def leave(db: Database, guild_id: int, pseudo: str, note: Note | str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO member_notes (guild_id, pseudonym, text, created_at) VALUES (?, ?, ?, ?)",
        (guild_id, pseudo, _stored(note), to_text(now)),
    )


async def take(db: Database, guild_id: int, pseudo: str, lang: str = DEFAULT_LANG) -> list[str]:
    """The member's notes in `lang`, oldest first, deleted as they are read (at most
    MAX_SHOWN)."""
    async with db.transaction() as conn:
        rows = await conn.fetchall(
            "SELECT id, text FROM member_notes WHERE guild_id = ? AND pseudonym = ? "
            "ORDER BY id LIMIT ?",
            (guild_id, pseudo, MAX_SHOWN),
        )
        if rows:
            marks = ", ".join("?" for _ in rows)
            await conn.execute(
                f"DELETE FROM member_notes WHERE id IN ({marks})", [r[0] for r in rows]
            )
    return [shown(str(r[1]), lang) for r in rows]


@dataclass(frozen=True)
class Standing:
    """What the followup after a member's command depends on."""

    welcomed: bool  # they have had the one-time welcome in this server
    has_notes: bool  # notes are waiting for them


async def standing_of(db: Database, guild_id: int, pseudo: str) -> Standing:
    """Both in one read: it follows every member command, and each read is a trip to the
    database's thread (a loop turn each in a busy bot)."""
    row = await db.fetchone(
        "SELECT EXISTS (SELECT 1 FROM member_welcomed WHERE guild_id = ? AND pseudonym = ?), "
        "EXISTS (SELECT 1 FROM member_notes WHERE guild_id = ? AND pseudonym = ?)",
        (guild_id, pseudo, guild_id, pseudo),
    )
    assert row is not None  # a SELECT without FROM always has its one row
    return Standing(welcomed=bool(row[0]), has_notes=bool(row[1]))


async def mark_welcomed(db: Database, guild_id: int, pseudo: str, now: datetime) -> bool:
    """Records the welcome: True exactly once per member and server, False when another task
    or process recorded it first (callers read ``standing_of`` first: most commands come from
    members already welcomed)."""
    async with db.transaction() as conn:
        inserted = await conn.execute(
            "INSERT INTO member_welcomed (guild_id, pseudonym, created_at) "
            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, pseudo, to_text(now)),
        )
        return inserted.rowcount == 1
