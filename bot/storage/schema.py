"""What tables and columns the database has, read from the schema itself.

Features that must cover every other feature's data (export and erasure of a member's data,
the purge of a removed server) discover it here, so a later migration is covered without
registering anything.
"""

from __future__ import annotations

import aiosqlite


async def table_names(conn: aiosqlite.Connection) -> list[str]:
    async with conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ) as cursor:
        return [str(row[0]) for row in await cursor.fetchall()]


async def column_names(conn: aiosqlite.Connection, table: str) -> list[str]:
    async with conn.execute(f'PRAGMA table_info("{table}")') as cursor:
        return [str(row[1]) for row in await cursor.fetchall()]


async def primary_key(conn: aiosqlite.Connection, table: str) -> list[str]:
    async with conn.execute(f'PRAGMA table_info("{table}")') as cursor:
        rows = sorted((r for r in await cursor.fetchall() if r[5]), key=lambda r: r[5])
    return [str(r[1]) for r in rows] or ["rowid"]
