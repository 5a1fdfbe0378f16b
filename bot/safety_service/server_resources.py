"""A server's own resources (e.g. a local counselling centre), validated before storing.

They appear in /resources and /resources post, marked as added by the server; automated
safety replies use only the checked entries from content/resources.toml, because a wrong
number in a crisis is worse than none.

Each entry belongs to one region (by default the server's) or, when a moderator says so, to
everywhere: a UK "call 999" must never be shown to someone in Australia, so an entry that looks
like an emergency number can't be "everywhere". Text that could disguise itself is refused:
right-to-left overrides and other invisible format characters (a number that reads differently
from what is dialled), and server invite links.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.content.schema import valid_phone, valid_url
from bot.safety_service.timefmt import to_text
from bot.storage.db import Database, Row

Topic = Literal["crisis", "abuse", "counselling", "other"]
TOPICS: tuple[Topic, ...] = ("crisis", "abuse", "counselling", "other")
MAX_PER_SERVER = 25
NAME_LIMIT = 80
NOTES_LIMIT = 300
URL_LIMIT = 300


EVERYWHERE = "everywhere"
#: Emergency numbers of the regions we know and their neighbours: only ever regional.
EMERGENCY_NUMBERS = frozenset({"911", "999", "112", "000", "111", "110", "119", "100", "101"})
_EMERGENCY_IN_TEXT = re.compile(
    r"\b(?:call|dial|phone|ring|text)\s+(?:" + "|".join(sorted(EMERGENCY_NUMBERS)) + r")\b", re.I
)
_INVITE = re.compile(
    r"(?:discord(?:app)?\s*\.\s*com\s*/\s*invite|discord\s*\.\s*(?:gg|me|io|li)|dsc\s*\.\s*gg"
    r"|invite\s*\.\s*gg)\s*/",
    re.I,
)


class InvalidResource(ValueError):
    """The entry cannot be stored; the message says what to fix, for the moderator."""


@dataclass(frozen=True)
class ServerResource:
    id: int
    guild_id: int
    name: str
    topic: str
    phone: str | None
    url: str | None
    notes: str | None
    added_by: int
    region: str | None = None  # a region code, or None: everywhere

    def shown_in(self, region: str) -> bool:
        return self.region is None or self.region == region


def hidden_characters(text: str) -> list[str]:
    """Invisible format and control characters (U+202E, U+200B ...) as "U+XXXX" names."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cn") and ch not in "\n\t"
    ]


def _check_text(fields: dict[str, str | None]) -> None:
    for label, value in fields.items():
        if not value:
            continue
        hidden = hidden_characters(value)
        if hidden:
            raise InvalidResource(
                f"The {label} contains invisible characters ({', '.join(dict.fromkeys(hidden))}): "
                "right-to-left overrides and zero-width characters can make text or a number "
                "read differently from what it is. Type it again without them."
            )
        if _INVITE.search(value):
            raise InvalidResource(f"Leave server invite links out of the {label}.")


def is_emergency_number(phone: str | None, notes: str | None) -> bool:
    digits = re.sub(r"\D", "", phone or "")
    return digits in EMERGENCY_NUMBERS or bool(notes and _EMERGENCY_IN_TEXT.search(notes))


def validate_region(region: str | None, phone: str | None, notes: str | None) -> None:
    """`region` None means everywhere: not for emergency numbers, which are national."""
    if region is None and is_emergency_number(phone, notes):
        raise InvalidResource(
            "Emergency numbers work in one country only: choose the region this one belongs "
            "to, so members elsewhere are never shown it."
        )


def validate(
    name: str, topic: str, phone: str | None, url: str | None, notes: str | None
) -> tuple[str, Topic, str | None, str | None, str | None]:
    """Cleaned values, or InvalidResource naming the first problem."""
    _check_text({"name": name, "phone number": phone, "website": url, "notes": notes})
    name = " ".join(name.split())
    phone = " ".join(phone.split()) if phone and phone.strip() else None
    url = url.strip() if url and url.strip() else None
    notes = " ".join(notes.split()) if notes and notes.strip() else None
    if not name:
        raise InvalidResource("Give the resource a name.")
    if len(name) > NAME_LIMIT:
        raise InvalidResource(f"Keep the name under {NAME_LIMIT} characters.")
    if any(mark in name for mark in ("@", "<", "`", "*", "_", "~", "|", "[", "]")):
        raise InvalidResource("Use plain text for the name (no @, <, [, ], *, _ or ~).")
    if topic not in TOPICS:
        raise InvalidResource(f"The topic must be one of: {', '.join(TOPICS)}.")
    if phone is None and url is None:
        raise InvalidResource("Add a phone number or a website (or both).")
    if phone is not None and not valid_phone(phone):
        raise InvalidResource(
            "That phone number doesn't look right: use digits, spaces, dashes, brackets and an "
            "optional leading +, e.g. `+44 20 7946 0000` or `13 11 14`."
        )
    if url is not None and (len(url) > URL_LIMIT or not valid_url(url)):
        raise InvalidResource(
            "The website must be a full https:// address, e.g. https://example.org"
        )
    if notes is not None and len(notes) > NOTES_LIMIT:
        raise InvalidResource(f"Keep the notes under {NOTES_LIMIT} characters.")
    if notes is not None and "@" in notes:
        raise InvalidResource("Leave mentions and email addresses out of the notes.")
    return name, topic, phone, url, notes


async def add_resource(
    db: Database,
    guild_id: int,
    *,
    name: str,
    topic: str,
    phone: str | None,
    url: str | None,
    notes: str | None,
    added_by: int,
    now: datetime,
    region: str | None = None,
) -> ServerResource:
    """`region`: the region code it is shown in, or None for everywhere."""
    name, clean_topic, phone, url, notes = validate(name, topic, phone, url, notes)
    validate_region(region, phone, notes)
    count = await db.fetchval(
        "SELECT COUNT(*) FROM server_resources WHERE guild_id = ?", (guild_id,)
    )
    if int(count) >= MAX_PER_SERVER:
        raise InvalidResource(
            f"This server already has {MAX_PER_SERVER} of its own resources: remove one first."
        )
    inserted = await db.write_returning(
        "INSERT INTO server_resources "
        "(guild_id, name, topic, phone, url, notes, added_by, created_at, region) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (guild_id, name, clean_topic, phone, url, notes, added_by, to_text(now), region),
    )
    if inserted is None:  # the same name, ignoring case (a unique index)
        raise InvalidResource(f"There is already a resource called “{name}” here.")
    return ServerResource(
        int(inserted["id"]), guild_id, name, clean_topic, phone, url, notes, added_by, region
    )


async def remove_resource(db: Database, guild_id: int, name: str) -> ServerResource | None:
    """The removed entry (matched by name, ignoring case), or None if there was none."""
    row = await db.fetchone(
        "SELECT * FROM server_resources WHERE guild_id = ? AND lower(name) = lower(?)",
        (guild_id, " ".join(name.split())),
    )
    if row is None:
        return None
    await db.execute("DELETE FROM server_resources WHERE id = ?", (row["id"],))
    return _from_row(row)


async def list_resources(
    db: Database,
    guild_id: int,
    topics: tuple[str, ...] | None = None,
    *,
    region: str | None = None,
) -> list[ServerResource]:
    """All of the server's entries, or with `region` only those shown there."""
    rows = await db.fetchall(
        "SELECT * FROM server_resources WHERE guild_id = ? ORDER BY lower(name), name",
        (guild_id,),
    )
    found = [_from_row(r) for r in rows]
    return [
        r
        for r in found
        if (topics is None or r.topic in topics) and (region is None or r.shown_in(region))
    ]


def _from_row(row: Row) -> ServerResource:
    return ServerResource(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        topic=row["topic"],
        phone=row["phone"],
        url=row["url"],
        notes=row["notes"],
        added_by=row["added_by"],
        region=row["region"],
    )
