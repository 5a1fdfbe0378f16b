"""Buttons offered to one member: the public nudge, and "ask a moderator to reach out".

A button's custom_id carries only a random token. Who may use it is checked by recomputing the
offer's `owner_tag` (a keyed hash of the member and this offer's own salt, bot.privacy), so
neither the message nor the database names the member, and no two offers (nor an offer and a
check-in) share a value that would link them.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.privacy import member_key, owner_tag
from bot.safety_service.policy import Flag
from bot.safety_service.timefmt import from_text, to_text
from bot.storage.db import Database

OfferKind = Literal["nudge", "reveal"]
TOKEN_PATTERN = r"[A-Za-z0-9_-]{16,40}"
PURPOSE = "safety_offers"  # the table: bot.checkins.datarights finds rows by it


@dataclass(frozen=True)
class Offer:
    token: str
    guild_id: int
    alert_id: int | None
    kind: str
    owner_tag: str
    tag_salt: str
    flag: Flag
    created_at: datetime
    used_at: datetime | None

    def is_for(self, secret: bytes, user_id: int) -> bool:
        """True when `user_id` is the member this button was offered to."""
        key = offer_key(secret, self.guild_id, user_id)
        return hmac.compare_digest(owner_tag(key, self.tag_salt), self.owner_tag)


def offer_key(secret: bytes, guild_id: int, user_id: int) -> str:
    """The member's key for offers (never stored)."""
    return member_key(secret, PURPOSE, guild_id, user_id)


async def create_offer(
    db: Database,
    *,
    guild_id: int,
    alert_id: int | None,
    kind: OfferKind,
    key: str,
    flag: Flag,
    now: datetime,
) -> str:
    """`key` is the member's `offer_key`."""
    token, salt = secrets.token_urlsafe(16), secrets.token_hex(8)
    await db.execute(
        "INSERT INTO safety_offers (token, guild_id, alert_id, kind, owner_tag, tag_salt, "
        "categories, severity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            token,
            guild_id,
            alert_id,
            kind,
            owner_tag(key, salt),
            salt,
            flag.encode(),
            flag.severity,
            to_text(now),
        ),
    )
    return token


async def get_offer(db: Database, token: str, kind: OfferKind) -> Offer | None:
    row = await db.fetchone(
        "SELECT * FROM safety_offers WHERE token = ? AND kind = ?", (token, kind)
    )
    if row is None:
        return None
    created = from_text(row["created_at"])
    assert created is not None
    return Offer(
        token=row["token"],
        guild_id=row["guild_id"],
        alert_id=row["alert_id"],
        kind=row["kind"],
        owner_tag=row["owner_tag"],
        tag_salt=row["tag_salt"],
        flag=Flag.decode(row["categories"]),
        created_at=created,
        used_at=from_text(row["used_at"]),
    )


async def mark_used(db: Database, token: str, now: datetime) -> bool:
    """True the first time only (so a reveal is posted to moderators once)."""
    changed = await db.execute(
        "UPDATE safety_offers SET used_at = ? WHERE token = ? AND used_at IS NULL",
        (to_text(now), token),
    )
    return changed == 1


async def release(db: Database, token: str) -> None:
    """Undoes `mark_used` when the reveal could not be delivered, so the member can try again."""
    await db.execute("UPDATE safety_offers SET used_at = NULL WHERE token = ?", (token,))


async def delete_before(db: Database, cutoff: datetime) -> int:
    """Forgets old offers (their buttons then say "expired"): nothing is kept longer than it
    is useful."""
    return await db.execute("DELETE FROM safety_offers WHERE created_at < ?", (to_text(cutoff),))
