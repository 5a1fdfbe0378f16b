"""The SQLite backend (the default): one aiosqlite connection, with explicit transactions.

A single connection keeps SQLite's locking simple; an asyncio lock serialises transactions so
two tasks never interleave statements inside one BEGIN ... COMMIT. The errors and file modes
here are SQLite's (a PostgreSQL server owns its own files).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

import aiosqlite

from bot.storage.backend import Connection, Dialect, ForeignKey, Result
from bot.storage.backend import Database as Database
from bot.storage.backend import Row as Row

log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 5000
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


Problem = Literal["full", "damaged", "read_only", "unavailable"]

# Primary SQLite result codes (the low byte of an extended code).
_PROBLEMS: dict[int, Problem] = {
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_CORRUPT: "damaged",
    sqlite3.SQLITE_NOTADB: "damaged",
    sqlite3.SQLITE_READONLY: "read_only",
    sqlite3.SQLITE_PERM: "read_only",
    sqlite3.SQLITE_CANTOPEN: "unavailable",
    sqlite3.SQLITE_IOERR: "unavailable",
}


# PostgreSQL's SQLSTATE codes (asyncpg errors carry them as `sqlstate`), exact or by class.
_PG_PROBLEMS: dict[str, Problem] = {
    "53100": "full",  # disk_full
    "25006": "read_only",  # read_only_sql_transaction (a standby, or default_transaction_read_only)
    "42501": "read_only",  # insufficient_privilege: the role may not write
    "XX001": "damaged",  # data_corrupted
    "XX002": "damaged",  # index_corrupted
    "57P01": "unavailable",  # admin_shutdown
    "57P02": "unavailable",  # crash_shutdown
    "57P03": "unavailable",  # cannot_connect_now
}
_PG_PROBLEM_CLASSES: dict[str, Problem] = {
    "08": "unavailable",  # connection exception
    "53": "unavailable",  # insufficient resources (memory, connections)
    "58": "unavailable",  # system error (I/O)
}


def _postgres_problem(error: BaseException) -> Problem | None:
    sqlstate = getattr(error, "sqlstate", None)
    if not isinstance(sqlstate, str) or len(sqlstate) != 5:
        return None
    return _PG_PROBLEMS.get(sqlstate) or _PG_PROBLEM_CLASSES.get(sqlstate[:2])


def storage_problem(error: BaseException) -> Problem | None:
    """What is wrong with the storage itself (as opposed to a bug in a query), or None."""
    postgres = _postgres_problem(error)
    if postgres is not None:
        return postgres
    if isinstance(error, PermissionError):
        return "read_only"
    if isinstance(error, OSError):
        return "full" if error.errno == 28 else "unavailable"  # 28: ENOSPC
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return _PROBLEMS.get(code & 0xFF)
    return None


class StorageError(Exception):
    """The database can't be opened or used: one sentence for the person running the bot."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


def describe_open_failure(
    path: Path | str, error: BaseException, problem: Problem | None = None
) -> StorageError:
    """One line a host can act on, naming the file and SQLite's (or the OS's) own words."""
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    problem = problem or storage_problem(error)
    if problem == "full":
        text = (
            f"The disk holding the database {path} is full ({reason}): free some space, "
            "then start again."
        )
    elif problem == "damaged":
        text = (
            f"The database {path} is damaged ({reason}): restore a backup (made with "
            "`bridgeline backup`), or move the file away to start with an empty one."
        )
    elif problem == "read_only":
        text = (
            f"Bridgeline can't write the database {path} ({reason}): make BRIDGELINE_DATA_DIR "
            "and the files in it writable by the user running the bot, then start again."
        )
    else:
        text = (
            f"Bridgeline can't open the database {path} ({reason}): check BRIDGELINE_DATA_DIR "
            "and the disk, then start again."
        )
    return StorageError(text, problem)


class SqliteDatabase(Database):
    """Reads and transactions on one aiosqlite connection, an asyncio lock serialising the
    transactions (BEGIN IMMEDIATE also makes them one at a time across processes sharing the
    file). A file database has a second connection for single writing statements: they wait
    for SQLite's write lock in that connection's thread (the busy timeout), not for the asyncio
    lock on the event loop. Under a message flood a lock handed from task to task costs a few
    loop turns each time, and a moderator alert's INSERT waited 5.5 s (median) behind the other
    alerts' writes (bench/flood.py, 60,000 messages)."""

    dialect: Dialect = "sqlite"

    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: Path | None,
        writer: aiosqlite.Connection | None = None,
    ) -> None:
        self._conn = connection
        self._session = SqliteConnection(connection)
        self._writer = writer
        self._write_session = SqliteConnection(writer) if writer is not None else None
        self.path = path
        self._tx_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> SqliteDatabase:
        """Opens (creating if needed) with WAL, foreign keys and a busy timeout, after checking
        that the file is a whole database that can be written. The folder is made 0700 and the
        files 0600 (pseudonymous data is still data about people); secure_delete overwrites
        deleted rows, so erased or purged data does not linger in free pages of the file.
        Raises StorageError with one line for the host; on failure nothing is left open
        (aiosqlite's worker thread would keep the process alive)."""
        is_memory = str(path) == ":memory:"
        try:
            if not is_memory:
                private_dir(Path(path).parent)
                private_file(Path(path))
                tighten_side_files(Path(path))
            conn = await aiosqlite.connect(str(path), isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise describe_open_failure(path, exc) from exc
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA secure_delete = ON")
            if not is_memory:
                await conn.execute("PRAGMA journal_mode = WAL")
                await conn.execute("PRAGMA synchronous = NORMAL")
                tighten_side_files(Path(path))
                verdict = await _quick_check(conn)
                if verdict != "ok":
                    damage = sqlite3.DatabaseError(f"integrity check: {verdict}")
                    raise describe_open_failure(path, damage, "damaged")
                await _write_probe(conn)
        except BaseException as exc:
            await _close_quietly(conn)
            if isinstance(exc, sqlite3.Error | OSError):
                raise describe_open_failure(path, exc) from exc
            raise
        if is_memory:  # a second connection to ":memory:" would be another database
            return cls(conn, None)
        try:
            writer = await _open_writer(Path(path))
        except BaseException as exc:
            await _close_quietly(conn)
            if isinstance(exc, sqlite3.Error | OSError):
                raise describe_open_failure(path, exc) from exc
            raise
        return cls(conn, Path(path), writer)

    async def close(self) -> None:
        if self._writer is not None:
            await _close_quietly(self._writer)
        await _close_quietly(self._conn)

    @property
    def connection(self) -> aiosqlite.Connection:
        """The raw aiosqlite connection (migrations, backups)."""
        return self._conn

    @property
    def raw_connections(self) -> tuple[aiosqlite.Connection, ...]:
        """Every raw connection, the writing one too: for per-connection settings."""
        return (self._conn,) if self._writer is None else (self._conn, self._writer)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Connection]:
        yield self._session

    @asynccontextmanager
    async def try_lock(self, name: str) -> AsyncIterator[bool]:
        """One process owns a SQLite file's jobs (several processes share PostgreSQL only)."""
        yield True

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (including cancellation)."""
        async with self._tx_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._session
            except BaseException:
                await self._rollback()
                raise
            try:
                await self._conn.execute("COMMIT")
            except BaseException:
                await self._rollback()  # else every later BEGIN would fail too
                raise

    async def _rollback(self) -> None:
        """ROLLBACK if a transaction is still open. SQLite has already rolled back after some
        errors (a full disk), and a COMMIT cancelled on our side may still finish in
        aiosqlite's thread: then ROLLBACK finds nothing to undo, and its error must not replace
        the real one (a CancelledError turned into an OperationalError keeps a task alive)."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.OperationalError):
                await self._conn.execute("ROLLBACK")

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement, committed on its own (autocommit): SQLite takes its write lock when
        a writing statement starts (waiting up to the busy timeout, as BEGIN IMMEDIATE does)
        and undoes a failed statement whole, so BEGIN and COMMIT would only add two trips to
        aiosqlite's thread, each a wait of about two loop turns under a message flood. The
        asyncio lock still keeps it out of another task's open transaction; a file database runs
        it on its writing connection instead (see the class), outside any transaction."""
        if self._write_session is not None:
            return (await self._write_session.execute(sql, params)).rowcount
        async with self._tx_lock:
            return (await self._session.execute(sql, params)).rowcount

    async def write_returning_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """The same for a write with RETURNING (see `execute`)."""
        if self._write_session is not None:
            return (await self._write_session.execute(sql, params)).rows
        async with self._tx_lock:
            return (await self._session.execute(sql, params)).rows

    async def locked_write_returning(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """A writing statement holds SQLite's write lock from its start, reads included: the
        plain autocommit statement already is what the base class's transaction gives."""
        return await self.write_returning(sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await self._session.fetchall(sql, params)


class SqliteConnection(Connection):
    """Statements on the one aiosqlite connection."""

    dialect: Dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        if _returns_rows(sql):  # one trip to the thread instead of three (execute, fetch, close)
            returned: list[Row] = list(await self._conn.execute_fetchall(sql, params))
            return Result(len(returned), returned)
        cursor = await self._conn.execute(sql, params)
        if cursor.description is None:
            # A write without rows has run to its end and been reset already: its cursor holds
            # nothing, and closing it would be one more trip to the thread (under the lock).
            return Result(max(cursor.rowcount, 0), [])
        async with cursor:
            rows: list[Row] = list(await cursor.fetchall())
            return Result(cursor.rowcount if cursor.rowcount >= 0 else len(rows), rows)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """One trip to aiosqlite's worker thread (execute, fetch and close together)."""
        return list(await self._conn.execute_fetchall(sql, params))

    async def defer_foreign_keys(self) -> None:
        await self._conn.execute("PRAGMA defer_foreign_keys = ON")

    async def table_names(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return [str(row[0]) for row in rows]

    async def column_names(self, table: str) -> list[str]:
        return [str(row[1]) for row in await self.fetchall(f'PRAGMA table_info("{table}")')]

    async def primary_key(self, table: str) -> list[str]:
        rows = await self.fetchall(f'PRAGMA table_info("{table}")')
        keyed = sorted((r for r in rows if r[5]), key=lambda r: r[5])
        return [str(r[1]) for r in keyed] or ["rowid"]

    async def foreign_keys(self, table: str) -> list[ForeignKey]:
        by_id: dict[int, list[Row]] = {}
        for row in await self.fetchall(f'PRAGMA foreign_key_list("{table}")'):
            by_id.setdefault(int(row[0]), []).append(row)
        found = []
        for rows in by_id.values():
            parent = str(rows[0][2])
            targets = [r[4] for r in rows]
            parent_columns = (
                [str(t) for t in targets]
                if all(t is not None for t in targets)
                else await self.primary_key(parent)
            )
            found.append(ForeignKey(tuple(str(r[3]) for r in rows), parent, tuple(parent_columns)))
        return found


def _returns_rows(sql: str) -> bool:
    """A SELECT, or a write with RETURNING (SQLite returns one row per row changed)."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head == "SELECT" or "RETURNING" in sql.upper()


async def _quick_check(conn: aiosqlite.Connection) -> str:
    """The verdict: "ok", or SQLite's first complaint. A truncated or scribbled-on file often opens fine
    and fails on some later query; the quick check (structure only, not index contents: a
    few milliseconds for a bot's database) finds that at start-up instead."""
    rows = list(await conn.execute_fetchall("PRAGMA quick_check(1)"))
    return str(rows[0][0]) if rows else "no answer"


async def _write_probe(conn: aiosqlite.Connection) -> None:
    """Rewrites the schema version with its own value: one page, so a read-only file or folder
    (SQLite then silently opens read-only) or a full disk is found now, not at the first
    member's check-in."""
    rows = list(await conn.execute_fetchall("PRAGMA user_version"))
    await conn.execute(f"PRAGMA user_version = {int(rows[0][0])}")


async def _open_writer(path: Path) -> aiosqlite.Connection:
    """The second connection of a file database, for single writing statements (autocommit),
    with the same per-connection settings as the first (WAL is the file's own)."""
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA secure_delete = ON")
        await conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        await _close_quietly(conn)
        raise
    return conn


async def _close_quietly(conn: aiosqlite.Connection) -> None:
    """Closes the connection and always stops its worker thread, even if SQLite's close fails
    (aiosqlite's own close re-raises, but its `finally` still stops the thread)."""
    try:
        await conn.close()
    except Exception as exc:  # the thread is stopped; nothing more can be done with it
        log.warning("Closing the database failed: %s", exc)
