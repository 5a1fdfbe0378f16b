"""The check-ins repository and the export/erasure of a member's data, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.checkins import repo
from bot.checkins.datarights import Member, export_member, forget_member, member_tables
from bot.privacy import pseudonym
from bot.storage import audit
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SECRET = b"k" * 32
GUILD = 111
# Snowflake-sized ids: the export test looks for Bob's id as text, and a three-digit id also
# turned up by chance inside other values (it failed once on PostgreSQL for "502").
ALICE = Member(GUILD, 481_516_234_200_000_501, pseudonym(SECRET, GUILD, 481_516_234_200_000_501))
BOB = Member(GUILD, 481_516_234_200_000_502, pseudonym(SECRET, GUILD, 481_516_234_200_000_502))


async def test_checkins_are_stored_by_pseudonym_newest_first(db: Database) -> None:
    first = await repo.add_checkin(db, guild_id=GUILD, pseudonym=ALICE.pseudonym, body="a",
                                   mood=2, now=NOW)  # fmt: skip
    second = await repo.add_checkin(db, guild_id=GUILD, pseudonym=ALICE.pseudonym, body="b",
                                    mood=4, now=NOW + timedelta(hours=1))  # fmt: skip
    await repo.add_checkin(db, guild_id=GUILD, pseudonym=BOB.pseudonym, body="c", now=NOW)
    mine = await repo.own_checkins(db, GUILD, ALICE.pseudonym)
    assert [c.body for c in mine] == ["b", "a"]
    assert mine[0].created_at == NOW + timedelta(hours=1) and mine[0].visibility == "private"
    assert first.public_id != second.public_id and first.public_id.startswith("c")
    assert await repo.get_checkin(db, GUILD, first.public_id) == first
    assert await repo.get_checkin(db, GUILD + 1, first.public_id) is None


async def test_post_lifecycle_and_transitions(db: Database) -> None:
    checkin = await repo.add_checkin(db, guild_id=GUILD, pseudonym=ALICE.pseudonym, body="x",
                                     mood=3, now=NOW)  # fmt: skip
    post = await repo.add_post(db, checkin=checkin, channel_id=9, body="x", status="queued",
                               now=NOW, due_at=NOW + timedelta(seconds=30))  # fmt: skip
    assert (await repo.get_checkin(db, GUILD, checkin.public_id)).visibility == "anonymous"  # type: ignore[union-attr]
    lease = timedelta(seconds=60)
    assert await repo.claim_due_post(db, NOW, lease) is None
    assert await repo.next_due(db) == NOW + timedelta(seconds=30)
    due = NOW + timedelta(seconds=30)
    claimed = await repo.claim_due_post(db, due, lease)
    assert claimed is not None and claimed.post.id == post.id and not claimed.resumed
    assert (claimed.post.status, claimed.post.attempts) == ("sending", 1)
    # held by its claim: no other sender gets it, and the sender wakes when the lease ends
    assert await repo.claim_due_post(db, due + timedelta(seconds=59), lease) is None
    assert await repo.next_due(db) == due + lease
    # a crash leaves it 'sending': once the lease has run out it is taken over, once
    again = await repo.claim_due_post(db, due + lease, lease)
    assert again is not None and again.post.id == post.id and again.resumed
    assert again.post.attempts == 1  # the same attempt, resumed (its nonce de-duplicates)
    assert await repo.claim_due_post(db, due + lease, lease) is None
    assert await repo.transition(
        db, post.id, "posted", allowed_from=("sending",), message_id=77, posted_at=NOW
    )
    posted = await repo.post_by_message(db, GUILD, 77)
    assert posted is not None and posted.status == "posted" and posted.posted_at == NOW
    assert await repo.claim_due_post(db, NOW + timedelta(days=1), lease) is None
    await repo.delete_checkin(db, checkin.id)
    assert await repo.get_post(db, post.id) is None  # cascade


async def test_rate_window_counts_every_request(db: Database) -> None:
    for minutes in (70, 40, 5):
        checkin = await repo.add_checkin(db, guild_id=GUILD, pseudonym=ALICE.pseudonym,
                                         body="x", now=NOW - timedelta(minutes=minutes))  # fmt: skip
        await repo.add_post(db, checkin=checkin, channel_id=9, body="x", status="rejected",
                            now=NOW - timedelta(minutes=minutes), due_at=None)  # fmt: skip
    times = await repo.recent_post_times(db, GUILD, ALICE.pseudonym, NOW - timedelta(hours=1))
    assert times == [NOW - timedelta(minutes=40), NOW - timedelta(minutes=5)]
    assert await repo.recent_post_times(db, GUILD, BOB.pseudonym, NOW - timedelta(hours=1)) == []


async def test_blocks_and_reports(db: Database) -> None:
    assert await repo.block(db, GUILD, "anon-00000001", ALICE.pseudonym, NOW)
    assert not await repo.block(db, GUILD, "anon-00000001", ALICE.pseudonym, NOW)
    # blocked again from another of her posts: a second block, under that post's label
    assert await repo.block(db, GUILD, "anon-00000002", ALICE.pseudonym, NOW)
    assert await repo.is_blocked(db, GUILD, ALICE.pseudonym)
    assert not await repo.is_blocked(db, GUILD + 1, ALICE.pseudonym)
    assert await repo.blocked_labels(db, GUILD) == ["anon-00000001", "anon-00000002"]
    assert await repo.unblock(db, GUILD, "anon-00000001")
    assert await repo.is_blocked(db, GUILD, ALICE.pseudonym)  # the other block stays
    assert await repo.unblock(db, GUILD, "anon-00000002")
    assert not await repo.is_blocked(db, GUILD, ALICE.pseudonym)
    checkin = await repo.add_checkin(db, guild_id=GUILD, pseudonym=ALICE.pseudonym, body="x",
                                     now=NOW)  # fmt: skip
    post = await repo.add_post(db, checkin=checkin, channel_id=9, body="x", status="queued",
                               now=NOW, due_at=NOW)  # fmt: skip
    assert await repo.add_report(db, post, BOB.pseudonym, NOW)
    assert not await repo.add_report(db, post, BOB.pseudonym, NOW)
    assert await repo.cancel_pending_of(db, GUILD, ALICE.pseudonym) == 1
    cancelled = await repo.get_post(db, post.id)
    assert cancelled is not None and cancelled.status == "rejected"


async def _session(db: Database) -> None:
    for who in (ALICE, BOB):
        checkin = await repo.add_checkin(db, guild_id=GUILD, pseudonym=who.pseudonym,
                                         body=f"by {who.user_id}", mood=3, now=NOW)  # fmt: skip
        post = await repo.add_post(db, checkin=checkin, channel_id=9, body="x", status="queued",
                                   now=NOW, due_at=NOW)  # fmt: skip
    await repo.add_report(db, post, ALICE.pseudonym, NOW)  # Alice reports Bob's post
    await repo.block(db, GUILD, "anon-a11ce000", ALICE.pseudonym, NOW)
    await audit.record(db, GUILD, 900, "checkins.block", target="anon-a11ce000")
    # a later feature's tables, keyed by pseudonym and by user id
    await db.execute("CREATE TABLE region_choice (pseudonym TEXT, region TEXT)")
    await db.execute("INSERT INTO region_choice VALUES (?, 'UK')", (ALICE.pseudonym,))
    await db.execute("CREATE TABLE reminders (guild_id BIGINT, user_id BIGINT, note TEXT)")
    await db.executemany(
        "INSERT INTO reminders VALUES (?, ?, ?)",
        [(GUILD, ALICE.user_id, "mine"), (GUILD + 1, ALICE.user_id, "other server"),
         (GUILD, BOB.user_id, "bob's")],
    )  # fmt: skip


async def test_discovery_finds_every_table_with_member_data(db: Database) -> None:
    await _session(db)
    names = {t.name for t in await member_tables(db, ALICE)}
    assert names >= {
        "checkins", "anon_posts", "anon_blocks", "anon_reports", "region_choice", "reminders",
    }  # fmt: skip
    assert "guild_settings" not in names and "audit_log" not in names


async def test_export_has_all_of_theirs_and_nothing_of_others(db: Database) -> None:
    await _session(db)
    data = await export_member(db, ALICE)
    tables = data["tables"]
    assert [r["body"] for r in tables["checkins"]] == [f"by {ALICE.user_id}"]
    assert len(tables["anon_posts"]) == 1 and len(tables["anon_reports"]) == 1
    assert tables["region_choice"] == [{"pseudonym": ALICE.pseudonym, "region": "UK"}]
    assert [r["note"] for r in tables["reminders"]] == ["mine"]
    assert "anon_blocks" in tables
    actions = data["moderation_actions_about_your_anonymous_posts"]
    assert [a["action"] for a in actions] == ["checkins.block"]
    assert "actor_id" not in actions[0]
    assert str(BOB.user_id) not in repr(data) and BOB.pseudonym not in repr(data)


async def test_forget_deletes_theirs_keeps_blocks_and_others(db: Database) -> None:
    await _session(db)
    counts = await forget_member(db, ALICE)
    assert counts == {
        "checkins": 1, "anon_posts": 1, "anon_reports": 1, "region_choice": 1, "reminders": 1,
    }  # fmt: skip
    after = await export_member(db, ALICE)
    assert set(after["tables"]) == {"anon_blocks"}  # only the moderation block stays
    assert await repo.is_blocked(db, GUILD, ALICE.pseudonym)
    bob = await export_member(db, BOB)
    assert {"checkins", "anon_posts"} <= set(bob["tables"])
    assert await db.fetchval("SELECT COUNT(*) FROM reminders") == 2


async def test_due_posts_of_other_shards_neither_crowd_out_nor_wake_this_process(
    db: Database,
) -> None:
    from bot.sharding import ShardPlan

    mine, theirs = (8 << 22) | 1, (9 << 22) | 1  # shards 0 and 1 of 2
    plan = ShardPlan(2, (0,))

    async def queue(guild_id: int, due: datetime) -> int:
        checkin = await repo.add_checkin(db, guild_id=guild_id, pseudonym=ALICE.pseudonym,
                                         body="x", now=NOW)  # fmt: skip
        post = await repo.add_post(db, checkin=checkin, channel_id=9, body="x", status="queued",
                                   now=NOW, due_at=due)  # fmt: skip
        return post.id

    for _ in range(25):  # other shard's posts, due first
        await queue(theirs, NOW - timedelta(minutes=5))
    own = await queue(mine, NOW)
    later = await queue(mine, NOW + timedelta(hours=1))
    lease = timedelta(seconds=60)
    claimed = await repo.claim_due_post(db, NOW, lease, plan.sql_filter())
    assert claimed is not None and claimed.post.id == own
    assert await repo.claim_due_post(db, NOW, lease, plan.sql_filter()) is None
    unfiltered = await repo.claim_due_post(db, NOW, lease)
    assert unfiltered is not None and unfiltered.post.guild_id == theirs  # theirs come first
    await repo.transition(db, own, "posted", allowed_from=("sending",), message_id=5, posted_at=NOW)
    assert await repo.next_due(db, plan.sql_filter()) == NOW + timedelta(hours=1)
    assert await repo.next_due(db) == NOW - timedelta(minutes=5)
    assert later
