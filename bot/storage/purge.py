"""A removed server's data: kept 30 days (an accidental kick loses nothing), then deleted from
every table that has a guild_id column, children first, in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.storage.backend import Connection, Database
from bot.storage.guilds import get_settings, update_settings
from bot.storage.schema import column_names, table_names

log = logging.getLogger(__name__)

#: How long a removed server's data is kept, so an accidental kick loses nothing.
PURGE_AFTER = timedelta(days=30)
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def stamp(moment: datetime) -> str:
    return moment.strftime(TIMESTAMP_FORMAT)


def parse_stamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


async def mark_left(db: Database, guild_id: int, now: datetime) -> None:
    """The bot was removed: keep the data, start the 30-day countdown (only the first time)."""
    settings = await get_settings(db, guild_id)
    if settings.left_at is None:
        await update_settings(db, guild_id, left_at=stamp(now))


async def mark_rejoined(db: Database, guild_id: int) -> bool:
    """Back within 30 days: nothing is purged. True when a countdown was cancelled."""
    row = await db.fetchone("SELECT left_at FROM guild_settings WHERE guild_id = ?", (guild_id,))
    if row is None or row["left_at"] is None:
        return False
    await update_settings(db, guild_id, left_at=None)
    return True


async def guilds_due_for_purge(db: Database, now: datetime) -> list[int]:
    rows = await db.fetchall(
        "SELECT guild_id, left_at FROM guild_settings WHERE left_at IS NOT NULL ORDER BY guild_id"
    )
    due = []
    for row in rows:
        left = parse_stamp(row["left_at"])
        if left is None:
            log.warning("Unreadable left_at for guild %s; purging it to be safe", row["guild_id"])
            due.append(int(row["guild_id"]))
        elif now - left >= PURGE_AFTER:
            due.append(int(row["guild_id"]))
    return due


async def guild_tables(db: Database) -> list[str]:
    """Every table with a guild_id column, found from the schema so later features are
    covered without registering anything."""
    async with db.session() as conn:
        return [t for t in await table_names(conn) if "guild_id" in await column_names(conn, t)]


@dataclass(frozen=True)
class _ForeignKey:
    child: str
    child_columns: tuple[str, ...]
    parent_columns: tuple[str, ...]


async def _children(conn: Connection, parent: str, tables: list[str]) -> list[_ForeignKey]:
    """Tables whose rows point at `parent`, so they are deleted first (whatever ON DELETE)."""
    found = []
    for table in tables:
        for key in await conn.foreign_keys(table):
            if key.parent == parent:
                found.append(_ForeignKey(table, key.columns, key.parent_columns))
    return found


def _cols(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


async def _delete_where(
    conn: Connection,
    table: str,
    where: str,
    params: tuple[Any, ...],
    tables: list[str],
    counts: dict[str, int],
    depth: int = 0,
) -> None:
    if depth < 8:
        for fk in await _children(conn, table, tables):
            if fk.child == table:
                continue
            child_where = (
                f"({_cols(fk.child_columns)}) IN "
                f'(SELECT {_cols(fk.parent_columns)} FROM "{table}" WHERE {where})'
            )
            await _delete_where(conn, fk.child, child_where, params, tables, counts, depth + 1)
    result = await conn.execute(f'DELETE FROM "{table}" WHERE {where}', params)
    counts[table] = counts.get(table, 0) + max(result.rowcount, 0)


async def purge_guild(db: Database, guild_id: int) -> dict[str, int]:
    """Deletes every row of this server in one transaction; returns rows deleted per table.

    guild_settings goes last, so an interrupted purge (rolled back) is simply retried."""
    async with db.transaction() as conn:
        tables = await table_names(conn)
        with_guild = [t for t in tables if "guild_id" in await column_names(conn, t)]
        ordered = sorted(with_guild, key=lambda t: t == "guild_settings")
        counts: dict[str, int] = {}
        for table in ordered:
            await _delete_where(conn, table, "guild_id = ?", (guild_id,), tables, counts)
    log.info("Purged guild %s: %d rows", guild_id, sum(counts.values()))
    return {table: n for table, n in counts.items() if n}


async def purge_due(db: Database, now: datetime) -> list[int]:
    """Purges every server removed at least 30 days ago; one failure does not stop the rest.
    One process at a time (several may share a PostgreSQL database): the others skip."""
    async with db.try_lock("purge") as mine:
        if not mine:
            log.info("Another process is purging removed servers; skipped here")
            return []
        return await _purge_each(db, now)


async def _purge_each(db: Database, now: datetime) -> list[int]:
    purged = []
    for guild_id in await guilds_due_for_purge(db, now):
        try:
            await purge_guild(db, guild_id)
        except Exception:
            log.exception("Purge of guild %s failed; will retry tomorrow", guild_id)
        else:
            purged.append(guild_id)
    return purged
