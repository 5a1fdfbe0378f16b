"""How many statements the alert path's writes take: each await inside a write transaction
holds the write lock for about two event-loop turns under a message flood, so alerts, cooldown
claims and the re-raise pass must not grow with the categories or the open alerts."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.escalation import store as escalation_store
from bot.safety_service import alerts
from bot.safety_service.cooldown import claim_reply
from bot.safety_service.policy import Flag
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GUILD = 111


async def test_an_alert_is_numbered_and_stored_in_one_statement(
    db: Database, statements: list[str]
) -> None:
    flag = Flag({"crisis": "high"})
    first = await alerts.create_alert(
        db, guild_id=GUILD, source="message", flag=flag, now=NOW, channel_id=5, message_id=1
    )
    assert len(statements) == 1
    second = await alerts.create_alert(
        db, guild_id=222, source="message", flag=flag, now=NOW, channel_id=6, message_id=2
    )
    again = await alerts.create_alert(
        db, guild_id=GUILD, source="message", flag=flag, now=NOW, channel_id=5, message_id=1
    )
    assert (first, second, again) == (1, 2, None)  # in order, and one per message
    assert len(statements) == 3


async def test_a_claim_reads_every_category_at_once(
    db: Database, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flag = Flag({"crisis": "high", "danger": "high", "abuse_sign": "concern"})
    transactions: list[None] = []
    begin = db.transaction

    def counted() -> Any:
        transactions.append(None)
        return begin()

    monkeypatch.setattr(db, "transaction", counted)
    assert await claim_reply(db, GUILD, "p1", flag, NOW) == flag
    # read all tags; then in the transaction forget old rows, read again, record the claims
    assert len(statements) <= 4
    statements.clear()
    later = NOW + timedelta(minutes=1)  # in the cooldown: one read, no transaction
    assert (await claim_reply(db, GUILD, "p1", flag, later)).categories == ()
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT")
    assert len(transactions) == 1  # the first claim's: a member in the cooldown takes no lock


async def test_a_claim_in_a_new_slot_still_forgets_old_rows(db: Database) -> None:
    await claim_reply(db, GUILD, "p1", Flag({"crisis": "high"}), NOW)
    await claim_reply(db, GUILD, "p2", Flag({"crisis": "high"}), NOW + timedelta(minutes=2))
    await claim_reply(db, GUILD, "p3", Flag({"crisis": "high"}), NOW + timedelta(hours=8))
    assert await db.fetchval("SELECT count(*) FROM safety_cooldowns") == 1


async def test_claims_queued_at_a_slot_start_forget_old_rows_once(
    db: Database, statements: list[str]
) -> None:
    flag = Flag({"crisis": "high"})
    claimed = await asyncio.gather(*(claim_reply(db, GUILD, f"p{n}", flag, NOW) for n in range(4)))
    assert all(c == flag for c in claimed)  # each member's first reply, as before
    assert sum(sql.lstrip().upper().startswith("DELETE") for sql in statements) == 1


async def store_alerts(db: Database, count: int) -> None:
    """Alerts 1..count, one per message (ids 1..count)."""
    flag = Flag({"crisis": "high"})
    for n in range(1, count + 1):
        await alerts.create_alert(
            db, guild_id=GUILD, source="message", flag=flag, now=NOW, channel_id=5, message_id=n
        )


async def test_the_reraise_pass_reads_its_alerts_in_one_query(
    db: Database, statements: list[str]
) -> None:
    await store_alerts(db, 5)
    for n in range(1, 6):
        await alerts.mark_delivered(db, [n], 9, 100 + n, NOW)
    statements.clear()
    found = await escalation_store.candidates(db)
    assert [a.id for a in found] == [1, 2, 3, 4, 5]
    assert found[0] == await alerts.get_alert(db, 1)
    assert len(statements) == 2  # the pass's query, and the get_alert just above


async def test_a_digests_alerts_are_marked_posted_in_one_statement(
    db: Database, statements: list[str]
) -> None:
    await store_alerts(db, 4)
    statements.clear()
    stored = await alerts.mark_delivered(db, [1, 2, 4, 99], 9, 500, NOW)  # 99: gone meanwhile
    assert len(statements) == 1
    assert sorted(stored) == [1, 2, 4]
    assert all(a.alert_message_id == 500 and a.delivered for a in stored.values())
    assert stored[2] == await alerts.get_alert(db, 2)
    assert [a.id for a in await alerts.undelivered(db)] == [3]
    assert await alerts.mark_delivered(db, [], 9, 500, NOW) == {}
