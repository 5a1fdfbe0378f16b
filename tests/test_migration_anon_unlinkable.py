"""Upgrading a database written by the previous design: the rows that linked a pseudonym to a
visible moment or a member's id are gone, labels become one per post, blocks still hold (and
can be lifted by the label moderators saw), and the audit trail loses the revealer's id."""

from pathlib import Path

from bot.storage.db import Database
from bot.storage.migrate import discover, migrate

GUILD, MEMBER, MODERATOR = 111, 222, 900
P = "ab" * 16
T = "2026-03-02T09:00:00Z"


async def test_upgrade_removes_every_link_and_keeps_blocks(tmp_path: Path) -> None:
    migrations = discover()
    (this,) = [m for m in migrations if m.name.endswith("_anon_unlinkable.sql")]
    db = await Database.open(tmp_path / "old.sqlite3")
    try:
        await migrate(db, [m for m in migrations if m.version < this.version])
        await db.execute(
            "INSERT INTO checkins (id, public_id, guild_id, pseudonym, body, created_at) "
            "VALUES (1, 'cabcdefg', ?, ?, 'x', ?), (2, 'cbcdefgh', ?, ?, 'y', ?)",
            (GUILD, P, T, GUILD, P, T),
        )
        for post_id in (1, 2):
            await db.execute(
                "INSERT INTO anon_posts (id, checkin_id, guild_id, pseudonym, channel_id, body, "
                "status, nonce, created_at) VALUES (?, ?, ?, ?, 5, 'x', 'posted', ?, ?)",
                (post_id, post_id, GUILD, P, f"n{post_id}", T),
            )
        await db.execute(
            "INSERT INTO anon_blocks (guild_id, pseudonym, created_at) VALUES (?, ?, ?)",
            (GUILD, P, T),
        )
        await db.execute(
            "INSERT INTO safety_alerts (id, guild_id, source, categories, severity, checkin_ref, "
            "revealed_user_id, created_at) VALUES (1, ?, 'checkin', 'crisis', 'high', "
            "'cabcdefg', ?, ?)",
            (GUILD, MEMBER, T),
        )
        await db.execute(
            "INSERT INTO safety_offers (token, guild_id, alert_id, kind, pseudonym, categories, "
            "severity, created_at) VALUES ('t' , ?, 1, 'reveal', ?, 'crisis', 'high', ?)",
            (GUILD, P, T),
        )
        await db.execute(
            "INSERT INTO safety_cooldowns (guild_id, pseudonym, category, last_reply_at) "
            "VALUES (?, ?, 'crisis', ?)",
            (GUILD, P, T),
        )
        await db.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, target) VALUES "
            "(?, ?, 'alert.reveal', 'alert-1'), (?, ?, 'checkins.anon_blocked', ?)",
            (GUILD, MEMBER, GUILD, MODERATOR, f"anon-{P[:8]}"),
        )

        await migrate(db)

        assert await db.fetchval("SELECT COUNT(*) FROM safety_cooldowns") == 0
        assert await db.fetchval("SELECT COUNT(*) FROM safety_offers") == 0
        alert = await db.fetchone("SELECT * FROM safety_alerts")
        assert alert is not None and alert["revealed"] == 1
        assert "revealed_user_id" not in alert.keys()  # noqa: SIM118 (sqlite3.Row)
        actors = [r[0] for r in await db.fetchall("SELECT actor_id FROM audit_log ORDER BY id")]
        assert actors == [0, MODERATOR]
        labels = [r[0] for r in await db.fetchall("SELECT label FROM anon_posts ORDER BY id")]
        assert len(set(labels)) == 2 and all(label.startswith("anon-") for label in labels)
        assert f"anon-{P[:8]}" not in labels  # no longer the author's prefix
        block = await db.fetchone("SELECT label, pseudonym FROM anon_blocks")
        assert block is not None and tuple(block) == (f"anon-{P[:8]}", P)
        for table in ("checkins", "anon_posts", "anon_blocks", "safety_alerts", "audit_log"):
            for row in await db.fetchall(f"SELECT * FROM {table}"):
                assert MEMBER not in tuple(row), (table, tuple(row))
    finally:
        await db.close()
