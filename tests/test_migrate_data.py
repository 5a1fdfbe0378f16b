"""`bridgeline migrate-data`: a SQLite database with data in many tables copied into an empty
PostgreSQL database, verified row for row; refusals with one clear line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.askmods import store as askmods
from bot.checkins import repo
from bot.cli import main
from bot.daily_prompts.custom import add_custom
from bot.daily_prompts.schedules import configure
from bot.member_notes import leave
from bot.safety_service import alerts
from bot.safety_service.cooldown import claim_reply, cooldown_key
from bot.safety_service.policy import Flag
from bot.safety_service.regions import set_member_region
from bot.safety_service.server_resources import add_resource
from bot.storage import audit
from bot.storage.backend import open_database
from bot.storage.copy import table_summary
from bot.storage.guilds import update_settings
from bot.storage.migrate import migrate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GUILD = 77


async def _fill(url: str) -> dict[str, int]:
    """Rows in most tables, written by the stores themselves; returns the count per table."""
    db = await open_database(url)
    try:
        await migrate(db)
        await update_settings(db, GUILD, region="GB", retention_days=30)
        await configure(db, GUILD, channel_id=5, post_time=time(9), timezone="UTC", now=NOW)
        await add_custom(db, GUILD, "What helped you most this week?", 1)
        for n in range(30):
            checkin = await repo.add_checkin(
                db, guild_id=GUILD, pseudonym=f"p{n}", body=f"words {n} ünïcode ✓", mood=3, now=NOW
            )
            if n % 3 == 0:
                await repo.add_post(db, checkin=checkin, channel_id=9, body="words",
                                    status="queued", now=NOW, due_at=NOW)  # fmt: skip
        alert_id = await alerts.create_alert(db, guild_id=GUILD, source="message",
                                             flag=Flag({"crisis": "high"}), now=NOW,
                                             channel_id=1, message_id=2)  # fmt: skip
        assert alert_id is not None
        await alerts.claim(db, alert_id, 3, NOW)
        await claim_reply(
            db, GUILD, cooldown_key(b"s" * 32, GUILD, 4), Flag({"danger": "high"}), NOW
        )
        await set_member_region(db, b"s" * 32, GUILD, 4, "US", NOW)
        await add_resource(db, GUILD, name="Helpline", topic="crisis", phone="+44 800 111 111",
                           url=None, notes=None, added_by=1, now=NOW)  # fmt: skip
        conversation = await askmods.create(db, guild_id=GUILD, label="ask-1", pseudo="q",
                                            box="sealed", named=False, now=NOW)  # fmt: skip
        await askmods.add_message(db, conversation, "member", "hello", NOW)
        await leave(db, GUILD, "p1", "a note", NOW)
        await audit.record(db, GUILD, 1, "setup.region", detail="GB")
        async with db.session() as conn:
            return {
                t: int(await conn.fetchval(f'SELECT COUNT(*) FROM "{t}"'))
                for t in await conn.table_names()
            }
    finally:
        await db.close()


def test_a_sqlite_database_is_copied_into_postgresql_and_verified(
    tmp_path: Path, postgres_server: object, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    target = postgres_server.empty_url()  # type: ignore[attr-defined]
    counts = asyncio.run(_fill(source))
    assert sum(1 for n in counts.values() if n) >= 14  # most tables hold something

    assert main(["migrate-data", "--from", source, "--to", target]) == 0
    out = capsys.readouterr().out
    assert f"Copied {sum(counts.values())} rows in {len(counts)} tables" in out

    async def compare() -> None:
        old, new = await open_database(source), await open_database(target)
        try:
            async with old.session() as a, new.session() as b:
                for table in counts:
                    columns = await a.column_names(table)
                    assert await table_summary(a, table, columns) == await table_summary(
                        b, table, columns
                    ), table
            # the copy is a working database: new rows get fresh ids after the copied ones
            checkin = await repo.add_checkin(new, guild_id=GUILD, pseudonym="new", body="x",
                                             now=NOW)  # fmt: skip
            assert checkin.id == 31
            moved = await alerts.get_alert(new, 1)
            assert moved is not None and moved.claimed_by == 3
        finally:
            await old.close()
            await new.close()

    asyncio.run(compare())

    # a second run refuses the now non-empty target, and changes nothing
    assert main(["migrate-data", "--from", source, "--to", target]) == 2
    err = capsys.readouterr().err
    assert "already holds data" in err and "Traceback" not in err


def test_refusals_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = f"sqlite:///{tmp_path / 'nothing.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    assert main(["migrate-data", "--from", missing, "--to", target]) == 2
    assert "There is no SQLite database at" in capsys.readouterr().err
    assert not (tmp_path / "nothing.sqlite3").exists()
    assert main(["migrate-data", "--from", "mysql://x", "--to", target]) == 2
    assert "is not understood" in capsys.readouterr().err
    assert main(["migrate-data", "--from", target, "--to", target]) == 2
    assert "same database" in capsys.readouterr().err
