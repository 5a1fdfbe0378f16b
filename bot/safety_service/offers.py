"""Buttons offered to one member: the public nudge, and "ask a moderator to reach out".

A button's custom_id carries only a random token; who may use it is checked by pseudonym, so
neither the message nor the database names the member.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.safety_service.policy import Flag
from bot.safety_service.timefmt import from_text, to_text
from bot.storage.db import Database

OfferKind = Literal["nudge", "reveal"]
TOKEN_PATTERN = r"[A-Za-z0-9_-]{16,40}"


@dataclass(frozen=True)
class Offer:
    token: str
    guild_id: int
    alert_id: int | None
    kind: str
    pseudonym: str
    flag: Flag
    created_at: datetime
    used_at: datetime | None


async def create_offer(
    db: Database,
    *,
    guild_id: int,
    alert_id: int | None,
    kind: OfferKind,
    pseudo: str,
    flag: Flag,
    now: datetime,
) -> str:
    token = secrets.token_urlsafe(16)
    await db.execute(
        "INSERT INTO safety_offers "
        "(token, guild_id, alert_id, kind, pseudonym, categories, severity, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (token, guild_id, alert_id, kind, pseudo, flag.encode(), flag.severity, to_text(now)),
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
        pseudonym=row["pseudonym"],
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


async def delete_before(db: Database, cutoff: datetime) -> int:
    """Forgets old offers (their buttons then say "expired"): a pseudonym next to an alert is
    kept no longer than it is useful."""
    return await db.execute("DELETE FROM safety_offers WHERE created_at < ?", (to_text(cutoff),))
