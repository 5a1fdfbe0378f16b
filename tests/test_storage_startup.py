"""`bridgeline run` when the database can't be used: one clear line, exit code 2, and the
process really ends (a storage failure once left aiosqlite's worker thread running, so the
process printed a traceback and then never exited). Real processes with a timeout; none of
these cases reaches Discord, because storage is opened before the bot logs in."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.storage.db import Database, StorageError
from bot.storage.migrate import discover, migrate

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"
#: A hang guard only: a healthy failure takes a second or two (most of it importing the bot).
HANG_GUARD_S = 120

# Runs `bridgeline run` with sqlite3.connect opening every database read-only, exactly what
# SQLite does on a read-only mount or folder (it falls back to read-only when it can't write).
# Used because chmod can't make a folder read-only for root, which these tests may run as.
READ_ONLY_SHIM = """
import sqlite3, sys
_connect = sqlite3.connect
def read_only(database, *args, **kwargs):
    kwargs["uri"] = True
    return _connect(f"file:{database}?mode=ro", *args, **kwargs)
sqlite3.connect = read_only
from bot.cli import main
sys.exit(main(["run"]))
"""


def run_bridgeline(
    tmp_path: Path, data: Path, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "CONTENT_DIR"}}
    env.update(
        DISCORD_TOKEN=TOKEN,
        BRIDGELINE_DATA_DIR=str(data),
        BRIDGELINE_SECRET="s" * 64,
        SAFETY_MEANING_LAYER="off",
    )
    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "bot", "run"]
    return subprocess.run(
        argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S
    )


def make_database(data: Path, rows: int = 0, *, all_migrations: bool = True) -> Path:
    """A real, migrated Bridgeline database (checkpointed, so the main file has everything);
    without `all_migrations`, 0008 and later are still to come (0008 creates tables, so it
    needs new pages: a full disk refuses it, where a later ALTER TABLE might still fit)."""

    async def build() -> Path:
        db = await Database.open(data / "bridgeline.sqlite3")
        steps = discover() if all_migrations else [m for m in discover() if m.version < 8]
        await migrate(db, steps)
        await db.executemany(
            "INSERT INTO checkins (public_id, guild_id, pseudonym, body, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(f"c{i}", 1, "p", "x" * 400, "2026-01-01T00:00:00Z") for i in range(rows)],
        )
        await db.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        await db.close()
        return data / "bridgeline.sqlite3"

    return asyncio.run(build())


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    output = result.stderr + result.stdout
    assert result.returncode == 2, output
    assert "Traceback" not in output, output
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, output
    for needle in needles:
        assert needle in errors[0], errors[0]


def test_a_damaged_database_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "bridgeline.sqlite3").write_bytes(b"this is not a database\n" * 400)
    result = run_bridgeline(tmp_path, data)
    assert_one_clear_line(result, "bridgeline.sqlite3", "damaged", "backup")


def test_a_truncated_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = make_database(data, rows=300)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)
    result = run_bridgeline(tmp_path, data)
    assert_one_clear_line(result, "bridgeline.sqlite3", "damaged")


def test_a_read_only_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    make_database(data)
    result = run_bridgeline(tmp_path, data, READ_ONLY_SHIM)
    assert_one_clear_line(result, "bridgeline.sqlite3", "writ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_a_read_only_data_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    make_database(data)
    for path in data.iterdir():
        path.chmod(0o444)
    data.chmod(0o555)
    try:
        result = run_bridgeline(tmp_path, data)
    finally:
        data.chmod(0o755)
    assert_one_clear_line(result, "bridgeline.sqlite3", "writ")


def test_a_full_disk_at_start_up_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """The database needs a migration and the disk has no room for it (SQLITE_FULL, simulated
    with max_page_count on every connection: SQLite's own 'database or disk is full')."""
    data = tmp_path / "data"
    data.mkdir()
    make_database(data, all_migrations=False)
    shim = READ_ONLY_SHIM.replace(
        'kwargs["uri"] = True\n    return _connect(f"file:{database}?mode=ro", *args, **kwargs)',
        "conn = _connect(database, *args, **kwargs)\n"
        "    pages = conn.execute('PRAGMA page_count').fetchone()[0]\n"
        "    conn.execute(f'PRAGMA max_page_count = {pages}')\n"
        "    return conn",
    )
    assert shim != READ_ONLY_SHIM
    result = run_bridgeline(tmp_path, data, shim)
    assert_one_clear_line(result, "full")


async def test_a_failed_open_leaves_no_worker_thread_behind(tmp_path: Path) -> None:
    """The cause of the hang: aiosqlite's worker is not a daemon thread, so a connection left
    open by a failed `Database.open` kept the interpreter alive after main() returned."""
    path = tmp_path / "bridgeline.sqlite3"
    path.write_bytes(b"this is not a database\n" * 400)
    before = set(threading.enumerate())
    with pytest.raises(StorageError, match="damaged"):
        await Database.open(path)
    workers = [t for t in set(threading.enumerate()) - before if "worker" in t.name]
    for worker in workers:
        worker.join(timeout=HANG_GUARD_S)  # ends at once when stopped; the bound is a guard
    assert not [t for t in workers if t.is_alive()]
