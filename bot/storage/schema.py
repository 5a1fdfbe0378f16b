"""What tables and columns the database has, read from the schema itself.

Features that must cover every other feature's data (export and erasure of a member's data,
the purge of a removed server) discover it here, so a later migration is covered without
registering anything. Each backend reads its own catalogue (see Connection).
"""

from __future__ import annotations

from bot.storage.backend import Connection


async def table_names(conn: Connection) -> list[str]:
    return await conn.table_names()


async def column_names(conn: Connection, table: str) -> list[str]:
    return await conn.column_names(table)


async def primary_key(conn: Connection, table: str) -> list[str]:
    return await conn.primary_key(table)
