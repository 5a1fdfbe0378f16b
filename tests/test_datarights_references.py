"""Rows that carry no pseudonym but a tag of their own (safety cooldowns and offers) are still
the member's: export finds them and forget deletes them, by recomputing each row's tag with the
secret; nobody else's rows are touched. Columns `*_user_id` are still covered."""

from datetime import UTC, datetime

import pytest

from bot.checkins.datarights import Member, export_member, forget_member
from bot.privacy import pseudonym
from bot.safety_service import offers
from bot.safety_service.cooldown import claim_reply, cooldown_key
from bot.safety_service.policy import Flag
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends

GUILD, USER, OTHER = 111, 222, 333
SECRET = b"k" * 32
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def member(user_id: int, secret: bytes = SECRET) -> Member:
    return Member(GUILD, user_id, pseudonym(SECRET, GUILD, user_id), secret)


async def test_tagged_rows_are_exported_and_forgotten(db: Database) -> None:
    flag = Flag({"crisis": "high", "danger": "high"})
    for user_id in (USER, OTHER):
        await claim_reply(db, GUILD, cooldown_key(SECRET, GUILD, user_id), flag, NOW)
        await offers.create_offer(db, guild_id=GUILD, alert_id=None, kind="nudge",
                                  key=offers.offer_key(SECRET, GUILD, user_id), flag=flag,
                                  now=NOW)  # fmt: skip
    exported = await export_member(db, member(USER))
    assert len(exported["tables"]["safety_cooldowns"]) == 2  # one row per category
    assert len(exported["tables"]["safety_offers"]) == 1
    assert (await export_member(db, member(USER, b"")))["tables"] == {}  # no secret, no rows

    counts = await forget_member(db, member(USER))
    assert counts == {"safety_cooldowns": 2, "safety_offers": 1}
    assert await db.fetchval("SELECT COUNT(*) FROM safety_cooldowns") == 2
    assert await db.fetchval("SELECT COUNT(*) FROM safety_offers") == 1
    left = await export_member(db, member(OTHER))
    assert len(left["tables"]["safety_cooldowns"]) == 2


async def test_a_later_features_user_id_reference_is_exported_and_cleared(db: Database) -> None:
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, guild_id INTEGER, "
                     "about_user_id INTEGER, note TEXT)")  # fmt: skip
    await db.executemany(
        "INSERT INTO notes (id, guild_id, about_user_id, note) VALUES (?, ?, ?, ?)",
        [(1, GUILD, USER, "mine"), (2, GUILD, OTHER, "theirs")],
    )
    exported = await export_member(db, member(USER))
    (key,) = [k for k in exported["tables"] if k.startswith("notes")]
    assert [row["note"] for row in exported["tables"][key]] == ["mine"]
    counts = await forget_member(db, member(USER))
    assert counts.get("notes.about_user_id") == 1
    rows = await db.fetchall("SELECT note, about_user_id FROM notes ORDER BY id")
    assert [tuple(r) for r in rows] == [("mine", None), ("theirs", OTHER)]
