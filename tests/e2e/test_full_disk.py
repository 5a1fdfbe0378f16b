"""A full disk while the bot runs: the member gets their words back with a clear reason (never
"Something went wrong"), the log gets one line (never a traceback every 30 s), and everything
works again once there is room. On SQLite the disk is filled for real, in SQLite's terms: the
database may not grow (max_page_count) and rows of the member's size are added until it is
full. On PostgreSQL every write gets the server's own disk-full error (SQLSTATE 53100, raised
by the server from a trigger: filling a real disk under a shared test server is not safe)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta

import asyncpg
import pytest
from test_checkins import BODY, MOOD, check_in, configure

from bot.checkins import repo
from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import FakeDiscord, StandardGuild

pytestmark = pytest.mark.both_backends

TEXT = "Another quiet evening. " * 14  # about 320 characters

# Every insert or update fails as PostgreSQL fails a write on a full disk.
_PG_DISK_FULL = """
CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
END $$;
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        EXECUTE format('CREATE TRIGGER test_disk_full BEFORE INSERT OR UPDATE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION test_disk_full()', t);
    END LOOP;
END $$;
"""
_PG_ROOM_AGAIN = "DROP FUNCTION test_disk_full() CASCADE"


async def _pg_script(bot: Bridgeline, sql: str) -> None:
    """DDL over every table can deadlock with a background loop's query that reads two of them
    (PostgreSQL then aborts one: seen once in a full run); the loop retries its pass, and so
    does this."""
    for attempt in range(5):
        try:
            async with bot.db.transaction() as conn:
                await conn.script(sql)
            return
        except asyncpg.exceptions.DeadlockDetectedError:
            if attempt == 4:
                raise


async def fill_the_disk(bot: Bridgeline) -> None:
    if bot.db.dialect == "postgresql":
        await _pg_script(bot, _PG_DISK_FULL)
        return
    conn = bot.db.connection
    pages = (await (await conn.execute("PRAGMA page_count")).fetchone())[0]  # type: ignore[index]
    for each in bot.db.raw_connections:  # a page limit is a connection's own setting
        await each.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for n in range(10_000):  # rows at least as long as the member's, until none fits
            await bot.db.execute(
                "INSERT INTO checkins (public_id, guild_id, pseudonym, body, created_at) "
                "VALUES (?, 1, ?, ?, '2026-01-01T00:00:00Z')",
                (f"fill{n}", "f" * 64, TEXT + "padding " * 10),
            )


async def free_some_space(bot: Bridgeline) -> None:
    if bot.db.dialect == "postgresql":
        await _pg_script(bot, _PG_ROOM_AGAIN)
        return
    for each in bot.db.raw_connections:
        await each.execute("PRAGMA max_page_count = 1073741823")


async def full_disk_error(bot: Bridgeline) -> Exception:
    """The error this backend gives a write on a full disk, raised by the database itself."""
    if bot.db.dialect == "postgresql":
        with pytest.raises(asyncpg.DiskFullError) as from_postgres:
            async with bot.db.transaction() as conn:
                await conn.script(
                    "DO $$ BEGIN RAISE EXCEPTION 'could not extend file' "
                    "USING ERRCODE = 'disk_full'; END $$"
                )
        return from_postgres.value
    full = sqlite3.connect(":memory:")
    full.execute("CREATE TABLE t (x)")
    full.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as from_sqlite:
        full.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 10)
    full.close()
    return from_sqlite.value


async def test_a_checkin_on_a_full_disk_gives_the_words_back_and_saves_on_retry(
    fake: FakeDiscord,
    world: StandardGuild,
    bot: Bridgeline,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await configure(bot, world)
    await fill_the_disk(bot)
    caplog.clear()
    refused = await check_in(fake, world.you, TEXT, "2")
    assert "out of disk space" in refused.text and "Something went wrong" not in refused.text
    assert TEXT.strip() in refused.text  # the member's words, given back to copy
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1 and problems[0].exc_info is None, problems
    assert TEXT.strip()[:20] not in problems[0].getMessage()  # the log never holds the text

    await free_some_space(bot)
    again = await (await fake.click(refused, "Try again", world.you)).modal_shown()
    assert any(TEXT.strip() in str(c) for c in again["components"])  # refilled
    saved = await (await fake.submit_modal({MOOD: "2", BODY: TEXT}, world.you)).response()
    assert "Check-in saved" in saved.text
    assert await bot.db.fetchval("SELECT COUNT(*) FROM checkins WHERE mood = 2") == 1


async def test_the_post_sender_logs_a_full_disk_once_not_every_retry(
    fake: FakeDiscord,
    world: StandardGuild,
    bot: Bridgeline,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fault hook: the sender's query fails with the backend's own full-disk error (SQLite's
    'database or disk is full' from a database that may not grow; PostgreSQL's disk_full),
    as every write does on a full disk."""
    raised = await full_disk_error(bot)
    calls: list[int] = []
    real_claim = repo.claim_due_post

    async def claim_on_a_full_disk(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) <= 4:
            raise raised
        return await real_claim(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "claim_due_post", claim_on_a_full_disk)
    caplog.set_level(logging.INFO, "bot.checkins.sender")
    caplog.clear()
    await configure(bot, world)  # anything that pokes the sender
    bot.dispatch("checkin_post_queued")
    for n in range(1, 6):  # four failures, then it works
        await fake.wait_until(lambda n=n: True if len(calls) >= n else None, what=f"try {n}")
        clock.advance(timedelta(seconds=31))  # the retry is due ...
        bot.dispatch("checkin_post_queued")  # ... and the sender is woken at once
    sender_lines = [r for r in caplog.records if r.name == "bot.checkins.sender"]
    warnings = [r for r in sender_lines if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].exc_info is None, warnings
    assert "full" in warnings[0].getMessage()
    await fake.wait_until(
        lambda: True if any("works again" in r.getMessage() for r in caplog.records) else None,
        what="the recovery line",
    )
