"""What must hold with several bot processes on one database, raced by two connections (two
"processes") on each backend: every claim is one atomic statement or one transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.checkins import repo
from bot.escalation.store import claim_reraise
from bot.safety_service import alerts
from bot.safety_service.cooldown import claim_reply, cooldown_key
from bot.safety_service.policy import Flag
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GUILD = 4242
ROUNDS = 25


async def _alert(db: Database, message_id: int) -> int:
    alert_id = await alerts.create_alert(
        db, guild_id=GUILD, source="message", flag=Flag({"crisis": "high"}), now=NOW,
        channel_id=1, message_id=message_id,
    )  # fmt: skip
    assert alert_id is not None
    return alert_id


async def test_one_alert_per_message_when_two_processes_see_it(
    db: Database, other_db: Database
) -> None:
    for message_id in range(1, ROUNDS + 1):
        ids = await asyncio.gather(
            *(
                alerts.create_alert(
                    conn,
                    guild_id=GUILD,
                    source="message",
                    flag=Flag({"crisis": "high"}),
                    now=NOW,
                    channel_id=1,
                    message_id=message_id,
                )
                for conn in (db, other_db)
            )
        )
        assert sorted(i is None for i in ids) == [False, True], ids
    assert await db.fetchval("SELECT COUNT(*) FROM safety_alerts") == ROUNDS


async def test_two_moderators_in_two_processes_never_both_claim_an_alert(
    db: Database, other_db: Database
) -> None:
    for n in range(ROUNDS):
        alert_id = await _alert(db, 100 + n)
        first, second = await asyncio.gather(
            alerts.claim(db, alert_id, 1, NOW), alerts.claim(other_db, alert_id, 2, NOW)
        )
        winners = [a for a in (first, second) if a is not None]
        assert len(winners) == 1, (first, second)
        stored = await alerts.get_alert(db, alert_id)
        assert stored is not None and stored.claimed_by == winners[0].claimed_by
        resolved = await asyncio.gather(
            alerts.resolve(db, alert_id, 1, NOW), alerts.resolve(other_db, alert_id, 2, NOW)
        )
        assert sum(r is not None for r in resolved) == 1


async def test_an_alert_is_raised_again_once_across_processes(
    db: Database, other_db: Database
) -> None:
    for n in range(ROUNDS):
        alert = await alerts.get_alert(db, await _alert(db, 500 + n))
        assert alert is not None
        won = await asyncio.gather(
            claim_reraise(db, alert, NOW), claim_reraise(other_db, alert, NOW)
        )
        assert sorted(won) == [False, True]


async def test_one_safety_reply_per_cooldown_across_processes(
    db: Database, other_db: Database
) -> None:
    flag = Flag({"danger": "high"})
    for n in range(ROUNDS):
        key = cooldown_key(b"s" * 32, GUILD, 1000 + n)
        replies = await asyncio.gather(
            claim_reply(db, GUILD, key, flag, NOW), claim_reply(other_db, GUILD, key, flag, NOW)
        )
        assert sorted(r.categories for r in replies) == [(), ("danger",)], replies


async def _queue_posts(db: Database, count: int) -> set[int]:
    ids = set()
    for n in range(count):
        checkin = await repo.add_checkin(
            db, guild_id=GUILD, pseudonym=f"p{n}", body="words", mood=3, now=NOW
        )
        post = await repo.add_post(
            db, checkin=checkin, channel_id=9, body="words", status="queued", now=NOW,
            due_at=NOW,
        )  # fmt: skip
        assert post is not None
        ids.add(post.id)
    return ids


async def _drain(db: Database, now: datetime, lease: timedelta) -> list[int]:
    claimed = []
    while (post := await repo.claim_due_post(db, now, lease)) is not None:
        claimed.append(post.post.id)
    return claimed


async def test_each_anonymous_post_goes_to_one_sender(db: Database, other_db: Database) -> None:
    queued = await _queue_posts(db, 40)
    lease = timedelta(seconds=60)
    first, second = await asyncio.gather(_drain(db, NOW, lease), _drain(other_db, NOW, lease))
    # Nothing claimed twice; a sender that lost a race stops early, so drain what is left
    rest = await _drain(db, NOW, lease)
    claimed = first + second + rest
    assert len(claimed) == len(set(claimed)) and set(claimed) == queued
    # A killed sender's posts stay its own until the lease runs out, then one other takes them
    assert await _drain(other_db, NOW + timedelta(seconds=59), lease) == []
    later = NOW + lease
    third, fourth = await asyncio.gather(_drain(db, later, lease), _drain(other_db, later, lease))
    rest = await _drain(db, later, lease)
    taken_over = third + fourth + rest
    assert len(taken_over) == len(set(taken_over)) and set(taken_over) == queued


async def test_one_process_at_a_time_runs_the_purge(db: Database, other_db: Database) -> None:
    async with db.try_lock("purge") as mine:
        assert mine
        async with other_db.try_lock("purge") as theirs:
            # SQLite: one process owns the file, so the lock is always granted
            assert theirs is (db.dialect == "sqlite")
        async with other_db.try_lock("retention") as other_job:
            assert other_job  # another job's lock is free
    async with other_db.try_lock("purge") as after:
        assert after  # released with the block
