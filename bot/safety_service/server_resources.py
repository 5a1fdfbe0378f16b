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
from bot.i18n import DEFAULT_LANG, t
from bot.safety_service.timefmt import to_text
from bot.storage.db import Database, Row

Topic = Literal["crisis", "abuse", "counselling", "other"]
TOPICS: tuple[Topic, ...] = ("crisis", "abuse", "counselling", "other")
MAX_PER_SERVER = 25
NAME_LIMIT = 80
NOTES_LIMIT = 300
URL_LIMIT = 300


EVERYWHERE = "everywhere"
#: Emergency numbers of the regions we know and their neighbours: only ever regional. France's
#: two-digit 15, 17 and 18 stay out: "call 15 minutes before" is not a number.
EMERGENCY_NUMBERS = frozenset(
    {"911", "999", "112", "000", "111", "110", "119", "100", "101"}
    | {"133", "144", "122", "117", "118", "190", "192"}  # AT, CH, BR (issue 19)
)
_EMERGENCY_IN_TEXT = re.compile(
    r"\b(?:call|dial|phone|ring|text)\s+(?:" + "|".join(sorted(EMERGENCY_NUMBERS)) + r")\b", re.I
)
_INVITE = re.compile(
    r"(?:discord(?:app)?\s*\.\s*com\s*/\s*invite|discord\s*\.\s*(?:gg|me|io|li)|dsc\s*\.\s*gg"
    r"|invite\s*\.\s*gg)\s*/",
    re.I,
)


class InvalidResource(ValueError):
    """The entry cannot be stored; the message says what to fix, for the moderator.

    Carries a catalog key (resources.invalid.*) and its fields, so the cog can say it in the
    moderator's language; str() is the English, for logs and tests."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key = f"resources.invalid.{key}"
        self.fields = fields
        super().__init__(self.text(DEFAULT_LANG))

    def text(self, lang: str) -> str:
        fields = {
            k: t(lang, f"resources.invalid.fields.{v}") if k == "label" else v
            for k, v in self.fields.items()
        }
        return t(lang, self.key, **fields)


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
                "hidden_characters", label=label, found=", ".join(dict.fromkeys(hidden))
            )
        if _INVITE.search(value):
            raise InvalidResource("invite", label=label)


def is_emergency_number(phone: str | None, notes: str | None) -> bool:
    digits = re.sub(r"\D", "", phone or "")
    return digits in EMERGENCY_NUMBERS or bool(notes and _EMERGENCY_IN_TEXT.search(notes))


def validate_region(region: str | None, phone: str | None, notes: str | None) -> None:
    """`region` None means everywhere: not for emergency numbers, which are national."""
    if region is None and is_emergency_number(phone, notes):
        raise InvalidResource("emergency_everywhere")


def validate(
    name: str, topic: str, phone: str | None, url: str | None, notes: str | None
) -> tuple[str, Topic, str | None, str | None, str | None]:
    """Cleaned values, or InvalidResource naming the first problem."""
    _check_text({"name": name, "phone": phone, "website": url, "notes": notes})
    name = " ".join(name.split())
    phone = " ".join(phone.split()) if phone and phone.strip() else None
    url = url.strip() if url and url.strip() else None
    notes = " ".join(notes.split()) if notes and notes.strip() else None
    if not name:
        raise InvalidResource("no_name")
    if len(name) > NAME_LIMIT:
        raise InvalidResource("long_name", limit=NAME_LIMIT)
    if any(mark in name for mark in ("@", "<", "`", "*", "_", "~", "|", "[", "]")):
        raise InvalidResource("marks_in_name")
    if topic not in TOPICS:
        raise InvalidResource("topic", topics=", ".join(TOPICS))
    if phone is None and url is None:
        raise InvalidResource("no_contact")
    if phone is not None and not valid_phone(phone):
        raise InvalidResource("phone")
    if url is not None and (len(url) > URL_LIMIT or not valid_url(url)):
        raise InvalidResource("url")
    if notes is not None and len(notes) > NOTES_LIMIT:
        raise InvalidResource("long_notes", limit=NOTES_LIMIT)
    if notes is not None and "@" in notes:
        raise InvalidResource("mentions_in_notes")
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
        raise InvalidResource("full", limit=MAX_PER_SERVER)
    inserted = await db.write_returning(
        "INSERT INTO server_resources "
        "(guild_id, name, topic, phone, url, notes, added_by, created_at, region) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (guild_id, name, clean_topic, phone, url, notes, added_by, to_text(now), region),
    )
    if inserted is None:  # the same name, ignoring case (a unique index)
        raise InvalidResource("duplicate", name=name)
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
