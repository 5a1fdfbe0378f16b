"""One aiosqlite connection for the whole bot, with explicit transactions.

A single connection keeps SQLite's locking simple; an asyncio lock serialises transactions so
two tasks never interleave statements inside one BEGIN ... COMMIT.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5000
Row = sqlite3.Row


class Database:
    """Owns the connection; repositories receive it and never open their own."""

    def __init__(self, connection: aiosqlite.Connection, path: Path | None) -> None:
        self._conn = connection
        self.path = path
        self._tx_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Opens (creating if needed) with WAL, foreign keys and a busy timeout."""
        is_memory = str(path) == ":memory:"
        if not is_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        if not is_memory:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
        return cls(conn, None if is_memory else Path(path))

    async def close(self) -> None:
        await self._conn.close()

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (including cancellation)."""
        async with self._tx_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Runs one write in its own transaction; returns lastrowid (or rowcount for updates)."""
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, params)
            result = cursor.lastrowid if sql.lstrip().upper().startswith("INSERT") else None
            return int(result if result is not None else cursor.rowcount)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """One trip to aiosqlite's worker thread (execute, fetch and close together)."""
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]
