"""Numbered SQL migrations, one transaction each. SQLite keeps the version in PRAGMA
user_version; PostgreSQL in a one-row table, and runs each migration as dialect.py translates
it, under an advisory lock so two processes starting at once migrate once."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.storage.backend import Database
from bot.storage.db import SqliteDatabase, describe_open_failure, storage_problem
from bot.storage.dialect import migration_to_postgres

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    """The database cannot be brought to the version this code expects."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Migrations sorted by number; numbers must run 1, 2, 3 ... without gaps or repeats."""
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_description.sql")
        found.append(Migration(int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"{migration.name}: expected migration number {expected:04d}")
    return found


async def current_version(db: Database) -> int:
    if isinstance(db, SqliteDatabase):
        return int(await db.fetchval("PRAGMA user_version"))
    from bot.storage.postgres import VERSION_TABLE

    exists = await db.fetchval("SELECT to_regclass(?) IS NOT NULL", (VERSION_TABLE,))
    if not exists:
        return 0
    return int(await db.fetchval(f"SELECT version FROM {VERSION_TABLE}"))


def _refuse_newer(version: int, latest: int) -> None:
    if version > latest:
        raise MigrationError(
            f"The database is at version {version}, newer than this Bridgeline knows "
            f"({latest}): upgrade Bridgeline, or restore a backup made by this version."
        )


async def migrate(db: Database, migrations: list[Migration] | None = None) -> int:
    """Applies what is missing; refuses a database newer than this code. Returns the version."""
    migrations = discover() if migrations is None else migrations
    if isinstance(db, SqliteDatabase):
        return await _migrate_sqlite(db, migrations)
    return await _migrate_postgres(db, migrations)


async def _migrate_sqlite(db: SqliteDatabase, migrations: list[Migration]) -> int:
    latest = migrations[-1].version if migrations else 0
    version = await current_version(db)
    _refuse_newer(version, latest)
    conn = db.connection
    for migration in migrations:
        if migration.version <= version:
            continue
        log.info("Applying migration %s", migration.name)
        # executescript commits any open transaction first, so the BEGIN/COMMIT live in the
        # script itself; user_version is transactional, so a failure leaves no half-step.
        script = f"BEGIN IMMEDIATE;\n{migration.sql}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await conn.executescript(script)
        except Exception as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            if storage_problem(exc) is not None:  # the disk, not the migration: say so
                raise describe_open_failure(db.path or ":memory:", exc) from exc
            raise MigrationError(f"{migration.name} failed: {exc}") from exc
        version = migration.version
    return version


async def _migrate_postgres(db: Database, migrations: list[Migration]) -> int:
    from bot.storage.postgres import VERSION_TABLE, PostgresConnection, lock_key

    latest = migrations[-1].version if migrations else 0
    async with db.session() as conn:
        assert isinstance(conn, PostgresConnection)
        await conn.execute(f"SELECT pg_advisory_lock({lock_key('migrate')})")
        try:
            await conn.script(
                f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version BIGINT NOT NULL); "
                f"INSERT INTO {VERSION_TABLE} (version) SELECT 0 "
                f"WHERE NOT EXISTS (SELECT 1 FROM {VERSION_TABLE})"
            )
            version = int(await conn.fetchval(f"SELECT version FROM {VERSION_TABLE}"))
            _refuse_newer(version, latest)
            for migration in migrations:
                if migration.version <= version:
                    continue
                log.info("Applying migration %s", migration.name)
                script = (
                    f"BEGIN;\n{migration_to_postgres(migration.sql)}\n;"
                    f"UPDATE {VERSION_TABLE} SET version = {migration.version};\nCOMMIT;"
                )
                try:
                    await conn.script(script)
                except Exception as exc:
                    await conn.script("ROLLBACK")
                    raise MigrationError(f"{migration.name} failed: {exc}") from exc
                version = migration.version
        finally:
            await conn.execute(f"SELECT pg_advisory_unlock({lock_key('migrate')})")
    return version
