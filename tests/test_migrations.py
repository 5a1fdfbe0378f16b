import sqlite3
from pathlib import Path

import pytest

from bot.storage.backup import backup_database
from bot.storage.db import Database
from bot.storage.migrate import Migration, MigrationError, current_version, discover, migrate


async def table_names(db: Database) -> set[str]:
    async with db.session() as conn:
        return set(await conn.table_names())


@pytest.mark.both_backends
async def test_fresh_database_gets_every_migration(empty_db: Database) -> None:
    version = await migrate(empty_db)
    assert version == len(discover()) >= 1
    assert await current_version(empty_db) == version
    assert {"guild_settings", "checkins", "safety_alerts"} <= await table_names(empty_db)


async def test_a_fresh_sqlite_database_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    try:
        await migrate(db)
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
    finally:
        await db.close()


async def test_applying_twice_changes_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    try:
        first = await migrate(db)
        schema = await db.fetchall("SELECT sql FROM sqlite_master ORDER BY name")
        assert await migrate(db) == first
        assert await db.fetchall("SELECT sql FROM sqlite_master ORDER BY name") == schema
    finally:
        await db.close()


@pytest.mark.both_backends
async def test_applying_twice_keeps_the_version_and_the_rows(empty_db: Database) -> None:
    first = await migrate(empty_db)
    await empty_db.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
    assert await migrate(empty_db) == first == await current_version(empty_db)
    assert await empty_db.fetchval("SELECT COUNT(*) FROM guild_settings") == 1


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    db = await Database.open(path)
    try:
        with pytest.raises(MigrationError, match="newer than this Bridgeline knows"):
            await migrate(db)
    finally:
        await db.close()


@pytest.mark.both_backends
async def test_failed_migration_leaves_no_half_step(empty_db: Database) -> None:
    steps = [
        Migration(1, "0001_ok.sql", "CREATE TABLE a (x INTEGER);"),
        Migration(2, "0002_bad.sql", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"),
    ]
    with pytest.raises(MigrationError, match=r"0002_bad\.sql failed"):
        await migrate(empty_db, steps)
    assert await current_version(empty_db) == 1
    names = await table_names(empty_db)
    assert "a" in names and "b" not in names


@pytest.mark.both_backends
async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT COUNT(*) FROM guild_settings") == 0


async def test_backup_of_a_live_database(tmp_path: Path) -> None:
    source = tmp_path / "live.sqlite3"
    db = await Database.open(source)
    try:
        await migrate(db)
        await db.executemany(
            "INSERT INTO guild_settings (guild_id) VALUES (?)", [(i,) for i in range(1, 501)]
        )
        # the bot keeps its connection open (WAL, uncheckpointed writes) while we copy
        target = tmp_path / "copy" / "backup.sqlite3"
        pages = backup_database(source, target)
        assert pages > 0
        copy = sqlite3.connect(target)
        assert copy.execute("SELECT COUNT(*) FROM guild_settings").fetchone()[0] == 500
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copy.close()
    finally:
        await db.close()


async def test_the_server_takes_its_prompt_schedules_timezone_once(tmp_path: Path) -> None:
    """Before one-timezone-per-server, /prompts setup kept its own zone: the migration that
    adds member notes makes the server's zone match the schedule (no prompt moves)."""
    steps = discover()
    ours = next(m for m in steps if m.name.endswith("_modflow_member_notes_resource_regions.sql"))
    db = await Database.open(tmp_path / "a.sqlite3")
    try:
        await migrate(db, [m for m in steps if m.version < ours.version])
        await db.execute("INSERT INTO guild_settings (guild_id, timezone) VALUES (1, 'UTC')")
        await db.execute("INSERT INTO guild_settings (guild_id, timezone) VALUES (2, 'UTC')")
        await db.execute(
            "INSERT INTO prompt_schedules (guild_id, channel_id, post_time, timezone, paused, "
            "next_run_at, next_local_date) VALUES (1, 5, '09:00', 'America/Chicago', 0, "
            "'2026-03-02T15:00:00Z', '2026-03-02')"
        )
        await migrate(db)
        rows = await db.fetchall("SELECT guild_id, timezone FROM guild_settings ORDER BY 1")
        assert [tuple(r) for r in rows] == [(1, "America/Chicago"), (2, "UTC")]
    finally:
        await db.close()
