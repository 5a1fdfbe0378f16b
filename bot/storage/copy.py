"""`bridgeline migrate-data`: a whole database copied into an empty one (SQLite to PostgreSQL
when a community outgrows one process), then verified table by table.

The target gets the schema from the migrations, then every row of every table in one
transaction (nothing half-copied is left behind), its id counters moved past the copied ids,
and finally each table's row count and checksum are compared on both sides. The checksum
does not depend on row order (the two databases may sort text differently): it hashes the
sorted hashes of the rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.backend import (
    Connection,
    Database,
    check_url,
    describe_url,
    open_database,
    sqlite_path,
)
from bot.storage.migrate import current_version, discover, migrate

BATCH = 500


class CopyError(Exception):
    """The copy can't be made (or didn't verify): one sentence saying what to do."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    checksum: str


def _plain(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return "b:" + bytes(value).hex()
    if isinstance(value, float) and value.is_integer():
        return repr(float(value))
    return repr(value)


def _row_hash(row: Sequence[Any]) -> bytes:
    return hashlib.sha256("\x1f".join(_plain(v) for v in row).encode()).digest()


async def table_summary(conn: Connection, table: str, columns: list[str]) -> TableCopy:
    """Row count and an order-independent checksum of `columns`."""
    names = ", ".join(f'"{c}"' for c in columns)
    rows = await conn.fetchall(f'SELECT {names} FROM "{table}"')
    digest = hashlib.sha256(b"".join(sorted(_row_hash(tuple(r)) for r in rows))).hexdigest()
    return TableCopy(table, len(rows), digest)


def _no_sqlite_file(url: str) -> bool:
    """Opening a missing SQLite file would create an empty one, and "copy" nothing."""
    return check_url(url) == "sqlite" and not Path(sqlite_path(url)).is_file()


async def _open_source(url: str) -> Database:
    if _no_sqlite_file(url):
        raise CopyError(f"There is no SQLite database at {sqlite_path(url)}: check --from.")
    return await open_database(url)


async def _refuse_non_empty(target: Database, url: str) -> None:
    async with target.session() as conn:
        for table in await conn.table_names():
            if await conn.fetchval(f'SELECT 1 FROM "{table}" LIMIT 1') is not None:
                raise CopyError(
                    f"The target {describe_url(url)} already holds data (table {table}): "
                    "migrate-data only copies into an empty database, so nothing is overwritten."
                )


async def _copy_tables(source: Database, target: Database) -> dict[str, list[str]]:
    """Every row of every table, in one transaction on the target; returns the columns."""
    copied: dict[str, list[str]] = {}
    async with source.session() as src, target.transaction() as dst:
        await dst.defer_foreign_keys()  # rows arrive table by table, whatever points at what
        target_tables = set(await dst.table_names())
        for table in await src.table_names():
            if table not in target_tables:
                raise CopyError(f"The target has no table {table}: is it the same version?")
            columns = await src.column_names(table)
            missing = set(columns) - set(await dst.column_names(table))
            if missing:
                raise CopyError(f"The target's table {table} lacks {sorted(missing)}.")
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            rows = [tuple(r) for r in await src.fetchall(f'SELECT {names} FROM "{table}"')]
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            try:
                for start in range(0, len(rows), BATCH):
                    await dst.executemany(insert, rows[start : start + BATCH])
            except Exception as exc:  # a value the target refuses: name the table, keep nothing
                raise CopyError(
                    f"Copying table {table} failed ({type(exc).__name__}: {exc}); nothing was "
                    "written to the target."
                ) from exc
            copied[table] = columns
        if target.dialect == "postgresql":
            await _advance_identities(dst, copied)
    return copied


async def _advance_identities(conn: Connection, copied: dict[str, list[str]]) -> None:
    """Copied ids were given explicitly: the next new row must get a higher one."""
    for table, columns in copied.items():
        if "id" not in columns:
            continue
        sequence = await conn.fetchval("SELECT pg_get_serial_sequence(?, 'id')", (table,))
        if sequence is not None:
            await conn.fetchval(
                f'SELECT setval(?, COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)',
                (sequence,),
            )


async def _verify(
    source: Database, target: Database, copied: dict[str, list[str]]
) -> list[TableCopy]:
    results = []
    async with source.session() as src, target.session() as dst:
        for table, columns in copied.items():
            ours, theirs = (
                await table_summary(src, table, columns),
                await table_summary(dst, table, columns),
            )
            if ours != theirs:
                raise CopyError(
                    f"Table {table} did not copy exactly ({ours.rows} rows in the source, "
                    f"{theirs.rows} in the target, checksums {ours.checksum[:12]} and "
                    f"{theirs.checksum[:12]}): the source is unchanged; empty the target and "
                    "run migrate-data again, or report this."
                )
            results.append(ours)
    return results


async def copy_database(source_url: str, target_url: str) -> list[TableCopy]:
    """Copies and verifies; raises CopyError (or StorageError) with one line for the host.
    The source is only read. Stop the bot first: rows written during the copy are not in it."""
    if source_url == target_url:
        raise CopyError("--from and --to name the same database.")
    source = await _open_source(source_url)
    try:
        latest = discover()[-1].version
        version = await current_version(source)
        if version != latest:
            raise CopyError(
                f"The source is at schema version {version}, this Bridgeline at {latest}: start "
                "the bot once on the source with this version (it upgrades it), then copy."
            )
        target = await open_database(target_url)
        try:
            await _refuse_non_empty(target, target_url)
            await migrate(target)
            copied = await _copy_tables(source, target)
            return await _verify(source, target, copied)
        finally:
            await target.close()
    finally:
        await source.close()
