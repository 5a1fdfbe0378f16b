"""The storage interface both backends (SQLite, PostgreSQL) implement.

Stores write SQL once, in a portable subset: `?` placeholders, `INSERT ... ON CONFLICT`,
`RETURNING` instead of lastrowid, `IS NOT DISTINCT FROM` instead of `IS ?`. A backend runs it
as it is (SQLite) or translated (PostgreSQL: `?` becomes `$n`). No ORM: the queries are few and
plain, and the two dialects differ in so little that a translation layer is smaller than one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, overload

Dialect = Literal["sqlite", "postgresql"]
#: What primary_key() gives for a table without a key: each backend's row address.
ROW_ADDRESSES = frozenset({"rowid", "ctid"})


class Row(Protocol):
    """A result row: by position or by column name (sqlite3.Row and asyncpg.Record both are)."""

    @overload
    def __getitem__(self, key: int) -> Any: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    def keys(self) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...


@dataclass(frozen=True)
class Result:
    """What a statement did: rows changed, and the rows it returned (SELECT or RETURNING)."""

    rowcount: int
    rows: list[Row]

    def first(self) -> Row | None:
        return self.rows[0] if self.rows else None


@dataclass(frozen=True)
class ForeignKey:
    """`columns` of the child table point at `parent_columns` of `parent`."""

    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]


class Connection(ABC):
    """One connection, inside a transaction or (for reads) outside one."""

    dialect: Dialect

    @abstractmethod
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result: ...

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abstractmethod
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    @abstractmethod
    async def defer_foreign_keys(self) -> None:
        """Foreign keys are checked at COMMIT, not per statement, for the rest of this
        transaction (rows that point at each other can be deleted in any order)."""

    @abstractmethod
    async def table_names(self) -> list[str]: ...

    @abstractmethod
    async def column_names(self, table: str) -> list[str]: ...

    @abstractmethod
    async def primary_key(self, table: str) -> list[str]:
        """The key's columns in order; a table without one gets the backend's row address
        (`rowid`, `ctid`), good enough for a stable ORDER BY."""

    @abstractmethod
    async def foreign_keys(self, table: str) -> list[ForeignKey]: ...


class Database(ABC):
    """Owns the connection(s); stores receive it and never open their own."""

    dialect: Dialect
    #: The SQLite file (backups, file modes); None for PostgreSQL and in-memory databases.
    path: Path | None = None

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """A SQLite database at `path` (kept so the many callers that pass a path work)."""
        from bot.storage.db import SqliteDatabase

        return await SqliteDatabase.open(path)

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """BEGIN ... COMMIT, rolled back on any error (including cancellation). Write
        transactions run one at a time across every process sharing the database."""

    @abstractmethod
    def session(self) -> AbstractAsyncContextManager[Connection]:
        """A connection outside any transaction (schema reads, migrations)."""

    @abstractmethod
    def try_lock(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Yields True if this process got the job lock `name` (held until the block ends),
        False if another process holds it: one runner at a time for periodic jobs."""

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Runs one write atomically; returns the number of rows changed."""
        async with self.transaction() as conn:
            return (await conn.execute(sql, params)).rowcount

    async def write_returning(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Runs one write with RETURNING atomically; returns the first returned row."""
        rows = await self.write_returning_all(sql, params)
        return rows[0] if rows else None

    async def write_returning_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Runs one write with RETURNING atomically; returns every returned row."""
        async with self.transaction() as conn:
            return (await conn.execute(sql, params)).rows

    async def locked_write_returning(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Like `write_returning`, for a statement that reads what decides its write (a number
        from max + 1): it also holds the write lock every write transaction takes, so no other
        writer in any process reads the same state meanwhile."""
        async with self.transaction() as conn:
            return (await conn.execute(sql, params)).first()

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    @abstractmethod
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


class DatabaseUrlError(ValueError):
    """DATABASE_URL is not one this Bridgeline can open: one sentence saying what is."""


def describe_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    if url.startswith(POSTGRES_PREFIXES) and "@" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
    return url


def sqlite_path(url: str) -> str:
    """`sqlite:///relative.db`, `sqlite:////absolute/path.db` or `sqlite:///:memory:`."""
    return url[len(SQLITE_PREFIX) :]


def check_url(url: str) -> Dialect:
    if url.startswith(SQLITE_PREFIX) and sqlite_path(url):
        return "sqlite"
    if url.startswith(POSTGRES_PREFIXES):
        return "postgresql"
    raise DatabaseUrlError(
        f"DATABASE_URL={describe_url(url)!r} is not understood: use sqlite:///path/to/file.sqlite3 "
        "or postgresql://user:password@host:5432/database"
    )


async def open_database(url: str) -> Database:
    """Opens the database a DATABASE_URL names (see check_url)."""
    if check_url(url) == "sqlite":
        from bot.storage.db import SqliteDatabase

        return await SqliteDatabase.open(sqlite_path(url))
    from bot.storage.postgres import PostgresDatabase

    return await PostgresDatabase.connect(url)
