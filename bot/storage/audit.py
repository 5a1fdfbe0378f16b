"""The audit trail: who changed what and when, for managers to review with /setup audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.storage.db import Database


@dataclass(frozen=True)
class AuditEntry:
    id: int
    guild_id: int
    actor_id: int
    action: str
    target: str | None
    detail: str | None
    created_at: str


async def record(
    db: Database,
    guild_id: int,
    actor_id: int,
    action: str,
    *,
    target: str | None = None,
    detail: str | None = None,
) -> int:
    """`action` is a short dotted verb such as "setup.region" or "alert.resolved". Never pass a
    member's user id as `target` for anything anonymous: use the pseudonym label."""
    row = await db.write_returning(
        "INSERT INTO audit_log (guild_id, actor_id, action, target, detail) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (guild_id, actor_id, action, target, detail),
    )
    assert row is not None
    return int(row["id"])


async def for_detail(
    db: Database, guild_id: int, detail: str, actions: Iterable[str]
) -> list[AuditEntry]:
    """Entries of these actions with exactly this detail (such as "post 12"), oldest first."""
    wanted = list(actions)
    marks = ", ".join("?" for _ in wanted)
    rows = await db.fetchall(
        f"SELECT * FROM audit_log WHERE guild_id = ? AND detail = ? AND action IN ({marks}) "
        "ORDER BY id",
        (guild_id, detail, *wanted),
    )
    return [AuditEntry(**dict(row)) for row in rows]


async def recent(db: Database, guild_id: int, limit: int = 20) -> list[AuditEntry]:
    rows = await db.fetchall(
        "SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ?", (guild_id, limit)
    )
    return [AuditEntry(**dict(row)) for row in rows]
