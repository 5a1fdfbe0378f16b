"""Upgrading to held check-in alerts: existing check-in alerts keep only a quarter hour, and an
open one already posted keeps its exact time as its post's time, so its re-raise stays on
time; message alerts keep their time."""

from datetime import UTC, datetime
from pathlib import Path

from bot.safety_service import alerts
from bot.storage.db import Database
from bot.storage.migrate import discover, migrate

GUILD = 111


async def test_existing_checkin_alerts_become_coarse(tmp_path: Path) -> None:
    migrations = discover()
    (this,) = [m for m in migrations if m.name.endswith("_checkin_alert_delay.sql")]
    db = await Database.open(tmp_path / "old.sqlite3")
    try:
        await migrate(db, [m for m in migrations if m.version < this.version])
        rows = [
            (1, "checkin", "C-1", None, 55, "open", "2026-03-02T09:07:13+00:00"),
            (2, "checkin", "C-2", None, None, "open", "2026-03-02T09:59:59+00:00"),
            (3, "checkin", "C-3", None, 56, "resolved", "2026-03-02T10:31:00+00:00"),
            (4, "message", None, 77, 57, "open", "2026-03-02T09:07:13+00:00"),
        ]
        for alert_id, source, ref, message_id, posted, status, created in rows:
            await db.execute(
                "INSERT INTO safety_alerts (id, guild_id, source, categories, severity, "
                "checkin_ref, message_id, alert_channel_id, alert_message_id, status, "
                "created_at) VALUES (?, ?, ?, 'crisis', 'high', ?, ?, 5, ?, ?, ?)",
                (alert_id, GUILD, source, ref, message_id, posted, status, created),
            )

        await migrate(db)

        found = {i: await alerts.get_alert(db, i) for i in (1, 2, 3, 4)}
        a1, a2, a3, a4 = (found[i] for i in (1, 2, 3, 4))
        assert a1 and a2 and a3 and a4
        assert a1.created_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert a1.waiting_since == datetime(2026, 3, 2, 9, 7, 13, tzinfo=UTC)  # re-raise on time
        assert a2.created_at == datetime(2026, 3, 2, 9, 45, tzinfo=UTC) and a2.posted_at is None
        assert a3.created_at == datetime(2026, 3, 2, 10, 30, tzinfo=UTC) and a3.posted_at is None
        assert a4.created_at == datetime(2026, 3, 2, 9, 7, 13, tzinfo=UTC)  # messages: as was
        assert not any(a.held for a in (a1, a2, a3, a4))
    finally:
        await db.close()
