"""One aiosqlite connection for the whole bot, with explicit transactions.

A single connection keeps SQLite's locking simple; an asyncio lock serialises transactions so
two tasks never interleave statements inside one BEGIN ... COMMIT.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5000
Row = sqlite3.Row
#: The data folder holds the secret and the database: only the bot's own account may enter it.
DIR_MODE = 0o700
#: The database and its -wal and -shm files (SQLite gives those the database file's mode).
FILE_MODE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> None:
    """Creates the folder (and parents) if needed and makes it 0700."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)


def private_file(path: Path) -> None:
    """Creates the file empty if missing, with mode 0600 from the start (no window in which
    another account could open it), and tightens an existing one."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)


def tighten_side_files(path: Path) -> None:
    """-wal/-shm files left by an older version (or created before this one) become 0600."""
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, FILE_MODE)


class Database:
    """Owns the connection; repositories receive it and never open their own."""

    def __init__(self, connection: aiosqlite.Connection, path: Path | None) -> None:
        self._conn = connection
        self.path = path
        self._tx_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Opens (creating if needed) with WAL, foreign keys and a busy timeout. The folder is
        made 0700 and the files 0600 (pseudonymous data is still data about people).
        secure_delete overwrites deleted rows, so erased or purged data does not linger in
        free pages of the file."""
        is_memory = str(path) == ":memory:"
        if not is_memory:
            private_dir(Path(path).parent)
            private_file(Path(path))
            tighten_side_files(Path(path))
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA secure_delete = ON")
        if not is_memory:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            tighten_side_files(Path(path))
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
