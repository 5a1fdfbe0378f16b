"""The PostgreSQL backend (asyncpg): for several bot processes sharing one database.

Transactions keep SQLite's guarantee that every transaction in the code base was written
for (several read, decide, then write): write transactions run one at a time, here across
every process, by taking one transaction-scoped advisory lock first. That is simple and
correct, and no slower than SQLite's single writer; finer locks (per server) are the next step
if it ever limits throughput. Single statements (the claims and leases of the stores) take no
lock: each is atomic on its own, and row locks order them. Reads run concurrently on a pool.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import asyncpg

from bot.storage.backend import (
    Connection,
    Database,
    Dialect,
    ForeignKey,
    Result,
    Row,
    describe_url,
)
from bot.storage.db import StorageError
from bot.storage.dialect import to_postgres

log = logging.getLogger(__name__)
#: The bookkeeping table of the migrations (SQLite keeps its version in PRAGMA user_version).
VERSION_TABLE = "bridgeline_schema"
POOL_SIZE = 8


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock from a job's name."""
    digest = hashlib.blake2b(f"bridgeline:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


#: Held for the length of every write transaction (see the module docstring).
WRITE_LOCK = lock_key("write-transaction")


def _rows_changed(status: str) -> int:
    """asyncpg's command tag ("UPDATE 3", "INSERT 0 1", "DELETE 0") as a number."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _returns_rows(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in {"SELECT", "WITH", "VALUES"} or "RETURNING" in sql.upper()


class PostgresConnection(Connection):
    dialect: Dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    @property
    def raw(self) -> asyncpg.Connection:
        return self._conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        query = to_postgres(sql)
        if _returns_rows(sql):
            rows = await self._conn.fetch(query, *params)
            return Result(len(rows), list(rows))
        return Result(_rows_changed(await self._conn.execute(query, *params)), [])

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(to_postgres(sql), list(rows))

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self._conn.fetch(to_postgres(sql), *params))

    async def script(self, sql: str) -> None:
        """Several statements at once, no parameters (migrations)."""
        await self._conn.execute(sql)

    async def defer_foreign_keys(self) -> None:
        await self._conn.execute("SET CONSTRAINTS ALL DEFERRED")

    async def table_names(self) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1 "
            "ORDER BY table_name",
            VERSION_TABLE,
        )
        return [str(r[0]) for r in rows]

    async def column_names(self, table: str) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = $1 ORDER BY ordinal_position",
            table,
        )
        return [str(r[0]) for r in rows]

    async def primary_key(self, table: str) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            table,
        )
        return [str(r[0]) for r in rows] or ["ctid"]

    async def foreign_keys(self, table: str) -> list[ForeignKey]:
        rows = await self._conn.fetch(
            "SELECT c.confrelid::regclass::text AS parent, "
            "ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
            "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n "
            "  ORDER BY k.i)::text[] AS columns, "
            "ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
            "  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n "
            "  ORDER BY k.i)::text[] AS parent_columns "
            "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = $1::regclass "
            "ORDER BY c.conname",
            table,
        )
        return [
            ForeignKey(tuple(r["columns"]), str(r["parent"]).strip('"'), tuple(r["parent_columns"]))
            for r in rows
        ]


@dataclass
class _Open:
    """The transaction a task is inside. Tasks started meanwhile inherit the context variable,
    so it names its task and ends with the transaction: only that task, and only while it
    lasts, runs its reads on the transaction's connection."""

    conn: PostgresConnection
    task: asyncio.Task[Any] | None
    active: bool = True

    def usable(self) -> bool:
        return self.active and self.task is asyncio.current_task()


class PostgresDatabase(Database):
    dialect: Dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self.url = url
        # The transaction this task is inside, so reads within it see its own writes.
        self._current: ContextVar[_Open | None] = ContextVar(
            f"bridgeline_tx_{id(self)}", default=None
        )

    def _open_here(self) -> PostgresConnection | None:
        current = self._current.get()
        return current.conn if current is not None and current.usable() else None

    @classmethod
    async def connect(cls, url: str) -> PostgresDatabase:
        """Raises StorageError with one line for the host (the URL shown without password)."""
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=POOL_SIZE)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            raise StorageError(
                f"Bridgeline can't connect to the database {describe_url(url)} ({exc}): check "
                "DATABASE_URL and that the PostgreSQL server is running, then start again.",
                "unavailable",
            ) from exc
        return cls(pool, url)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        outer = self._open_here()
        if outer is not None:  # nested: a savepoint on the same connection
            async with outer.raw.transaction():
                yield outer
            return
        async with self._pool.acquire() as raw, raw.transaction():
            await raw.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            opened = _Open(PostgresConnection(raw), asyncio.current_task())
            token = self._current.set(opened)
            try:
                yield opened.conn
            finally:
                opened.active = False
                self._current.reset(token)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[PostgresConnection]:
        current = self._open_here()
        if current is not None:
            yield current
            return
        async with self._pool.acquire() as raw:
            yield PostgresConnection(raw)

    @asynccontextmanager
    async def try_lock(self, name: str) -> AsyncIterator[bool]:
        async with self._pool.acquire() as raw:
            key = lock_key(name)
            got = bool(await raw.fetchval("SELECT pg_try_advisory_lock($1)", key))
            try:
                yield got
            finally:
                if got:
                    await raw.execute("SELECT pg_advisory_unlock($1)", key)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement is atomic on its own: no write lock (see the module docstring)."""
        async with self.session() as conn:
            return (await conn.execute(sql, params)).rowcount

    async def write_returning_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self.session() as conn:
            return (await conn.execute(sql, params)).rows

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self.session() as conn:
            return await conn.fetchall(sql, params)
