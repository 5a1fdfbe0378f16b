"""Numbered SQL migrations, one transaction each, version kept in PRAGMA user_version."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import Database, describe_open_failure, storage_problem

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
    return int(await db.fetchval("PRAGMA user_version"))


async def migrate(db: Database, migrations: list[Migration] | None = None) -> int:
    """Applies what is missing; refuses a database newer than this code. Returns the version."""
    migrations = discover() if migrations is None else migrations
    latest = migrations[-1].version if migrations else 0
    version = await current_version(db)
    if version > latest:
        raise MigrationError(
            f"The database is at version {version}, newer than this Bridgeline knows "
            f"({latest}): upgrade Bridgeline, or restore a backup made by this version."
        )
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
