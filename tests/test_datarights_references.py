"""A member who revealed themselves on a safety alert finds that in their export, and forget
clears it without deleting the moderators' alert."""

from pathlib import Path

from bot.checkins.datarights import Member, export_member, forget_member
from bot.storage.db import Database
from bot.storage.migrate import migrate

GUILD, USER, OTHER = 111, 222, 333


async def test_revealed_id_is_exported_and_cleared_on_forget(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite3")
    try:
        await migrate(db)
        for revealed in (USER, OTHER):
            await db.execute(
                "INSERT INTO safety_alerts (guild_id, source, categories, severity, checkin_ref, "
                "revealed_user_id, created_at) VALUES (?, 'checkin', 'crisis', 'high', ?, ?, "
                "'2026-03-02T09:00:00Z')",
                (GUILD, f"ref-{revealed}", revealed),
            )
        member = Member(GUILD, USER, "p" * 32)
        exported = await export_member(db, member)
        mentioning = [k for k in exported["tables"] if k.startswith("safety_alerts")]
        assert len(mentioning) == 1
        assert [row["checkin_ref"] for row in exported["tables"][mentioning[0]]] == [f"ref-{USER}"]

        counts = await forget_member(db, member)
        assert counts.get("safety_alerts.revealed_user_id") == 1
        rows = await db.fetchall(
            "SELECT checkin_ref, revealed_user_id FROM safety_alerts ORDER BY id"
        )
        assert [tuple(r) for r in rows] == [(f"ref-{USER}", None), (f"ref-{OTHER}", OTHER)]
    finally:
        await db.close()
