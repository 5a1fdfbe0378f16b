"""Claims under crashes, two processes, Discord failures, slow servers and pacing."""

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from random import Random

import pytest

from bot.clock import FakeClock
from bot.content import Prompt
from bot.daily_prompts import PromptScheduler
from bot.daily_prompts.claims import claim_due, recent_posts
from bot.daily_prompts.memory import MemorySender
from bot.daily_prompts.pacing import RequestPacer
from bot.daily_prompts.schedules import configure, get_schedule
from bot.daily_prompts.sender import (
    ChannelGone,
    Delivered,
    MissingAccess,
    OutgoingPost,
    Pace,
    TransientFailure,
)
from bot.fakediscord import HANG_GUARD
from bot.storage import audit
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends

GUILD = 1001
CHANNEL = 2001
PROMPTS = tuple(Prompt(f"p{i}", "gratitude", f"Gratitude prompt number {i}.") for i in range(6))
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
SLOT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def scheduler(db: Database, sender: object, **kwargs: object) -> PromptScheduler:
    return PromptScheduler(db, sender, FakeClock(START), lambda lang: PROMPTS, **kwargs)  # type: ignore[arg-type]


async def schedule(db: Database, guild_id: int = GUILD) -> None:
    await configure(db, guild_id, channel_id=CHANNEL, post_time=time(9), timezone="UTC", now=START)


async def test_crash_between_claim_and_send_posts_once_after_restart(db: Database) -> None:
    await schedule(db)
    # The first process claims, commits, and dies before sending anything.
    outcome = await claim_due(
        db, GUILD, SLOT, "dead-process:1", PROMPTS, Random(1), timedelta(minutes=10)
    )
    assert outcome.claim is not None
    restarted = MemorySender()
    fresh = scheduler(db, restarted)
    # Right after the restart the claim may still belong to a live process: left alone.
    report = await fresh.run_due(SLOT + timedelta(minutes=2))
    assert report.rechecked == 0 and not restarted.posts
    # Once stale, the channel is checked (nothing there) and the post goes out, once.
    report = await fresh.run_due(SLOT + timedelta(minutes=11))
    assert len(report.posted) == 1 and len(restarted.posts) == 1
    assert restarted.posts[0][0].text == outcome.claim.prompt_text
    await fresh.run_due(SLOT + timedelta(minutes=30))
    await fresh.run_due(SLOT + timedelta(hours=3))
    assert len(restarted.posts) == 1
    (row,) = await recent_posts(db, GUILD)
    assert row.status == "sent" and row.attempts == 2


async def test_crash_after_send_before_confirmation_never_doubles(db: Database) -> None:
    await schedule(db)
    outcome = await claim_due(
        db, GUILD, SLOT, "dead-process:1", PROMPTS, Random(1), timedelta(minutes=10)
    )
    assert outcome.claim is not None
    sender = MemorySender()
    sender.channels[CHANNEL].append((date(2026, 6, 1), 777))  # it did reach Discord
    report = await scheduler(db, sender).run_due(SLOT + timedelta(minutes=11))
    assert report.recovered == [(GUILD, date(2026, 6, 1))] and not sender.posts
    (row,) = await recent_posts(db, GUILD)
    assert (row.status, row.message_id) == ("sent", 777)


async def test_an_unconfirmed_claim_from_yesterday_is_recorded_as_missed(db: Database) -> None:
    await schedule(db)
    await claim_due(db, GUILD, SLOT, "dead:1", PROMPTS, Random(1), timedelta(minutes=10))
    sender = MemorySender()
    await scheduler(db, sender).run_due(SLOT + timedelta(days=1, hours=2))
    rows = {r.local_date: r for r in await recent_posts(db, GUILD)}
    assert rows[date(2026, 6, 1)].status == "missed"
    assert rows[date(2026, 6, 1)].reason == "too_late"
    assert [p.day for p, _ in sender.posts] == [date(2026, 6, 2)]


async def test_two_processes_on_one_database_post_each_server_once(
    db: Database, other_db: Database
) -> None:
    for guild_id in range(1, 41):
        await schedule(db, guild_id)
    a, b = MemorySender(), MemorySender()
    await asyncio.gather(scheduler(db, a).run_due(SLOT), scheduler(other_db, b).run_due(SLOT))
    posted = [p.guild_id for p, _ in a.posts + b.posts]
    assert sorted(posted) == list(range(1, 41))


async def test_deleted_channel_pauses_and_tells_moderators_once(db: Database) -> None:
    await schedule(db)
    await schedule(db, 2002)
    sender = MemorySender()
    sender.failures[GUILD].append(ChannelGone())
    runner = scheduler(db, sender)
    report = await runner.run_due(SLOT)
    assert report.paused == [(GUILD, "channel_missing")]
    assert [p.guild_id for p, _ in sender.posts] == [2002]  # the other server is unaffected
    assert sender.notices == [(GUILD, "channel_missing")]
    paused = await get_schedule(db, GUILD)
    assert paused is not None and paused.paused and paused.pause_reason == "channel_missing"
    (row,) = await recent_posts(db, GUILD)
    assert (row.status, row.reason) == ("missed", "channel_missing")
    entries = await audit.recent(db, GUILD)
    assert [(e.actor_id, e.action, e.detail) for e in entries] == [
        (0, "prompts.auto_paused", "channel_missing")
    ]
    await runner.run_due(SLOT + timedelta(days=1))
    assert sender.notices == [(GUILD, "channel_missing")]
    assert [p.guild_id for p, _ in sender.posts] == [2002, 2002]


async def test_missing_permission_pauses_and_the_prompt_goes_back(db: Database) -> None:
    await schedule(db)
    sender = MemorySender()
    sender.failures[GUILD].append(MissingAccess())
    runner = scheduler(db, sender)
    lost = (await runner.preview(GUILD) or ("", ""))[1]
    await runner.run_due(SLOT)
    assert sender.notices == [(GUILD, "no_permission")]
    # After a moderator fixes it and resumes, the prompt that never reached anyone comes first.
    await configure(db, GUILD, channel_id=CHANNEL, post_time=time(9), timezone="UTC", now=SLOT)
    await runner.run_due(SLOT + timedelta(days=1))
    assert [p.text for p, _ in sender.posts] == [lost]


async def test_server_errors_are_retried_with_back_off_then_recorded(db: Database) -> None:
    await schedule(db)
    sender = MemorySender()
    sender.failures[GUILD] += [TransientFailure(), TransientFailure()]
    runner = scheduler(db, sender)
    report = await runner.run_due(SLOT)
    assert report.retrying == [(GUILD, date(2026, 6, 1))] and not sender.posts
    assert (await runner.run_due(SLOT + timedelta(seconds=30))).rechecked == 0
    # At +1 min the retry first looks in the channel (that request fails too), then +5 min.
    report = await runner.run_due(SLOT + timedelta(minutes=1))
    assert report.retrying and not sender.posts
    report = await runner.run_due(SLOT + timedelta(minutes=6))
    assert len(report.posted) == 1 and len(sender.posts) == 1
    # A server that keeps failing is recorded as missed after the last retry.
    await schedule(db, 3003)
    sender.failures[3003] += [TransientFailure()] * 20
    moment = SLOT + timedelta(minutes=7)
    for _ in range(6):
        await runner.run_due(moment)
        moment += timedelta(minutes=16)
    row = next(r for r in await recent_posts(db, 3003))
    assert (row.status, row.reason) == ("missed", "discord_error")
    assert not [p for p, _ in sender.posts if p.guild_id == 3003]


class HangingSender(MemorySender):
    """Never answers for one server, like a request stuck on a dead connection."""

    async def send(self, post: OutgoingPost, pace: Pace) -> Delivered:
        if post.guild_id == GUILD:
            await asyncio.Event().wait()
        return await super().send(post, pace)


async def test_a_stuck_server_does_not_hold_up_the_others(db: Database) -> None:
    for guild_id in (GUILD, 2, 3, 4):
        await schedule(db, guild_id)
    sender = HangingSender()
    runner = scheduler(db, sender, send_timeout=0.2, concurrency=2)
    report = await asyncio.wait_for(runner.run_due(SLOT), HANG_GUARD)
    assert sorted(p.guild_id for p, _ in sender.posts) == [2, 3, 4]
    assert report.retrying == [(GUILD, date(2026, 6, 1))]


async def test_pacer_allows_at_most_the_limit_in_any_window() -> None:
    fake_now = [0.0]

    async def fake_sleep(seconds: float) -> None:
        fake_now[0] += seconds

    pacer = RequestPacer(5, 1.0, monotonic=lambda: fake_now[0], sleep=fake_sleep)
    stamps = []
    for _ in range(23):
        await pacer.acquire()
        stamps.append(fake_now[0])
    for i, moment in enumerate(stamps):
        assert sum(1 for s in stamps[i:] if s - moment < 1.0) <= 5
    assert stamps[-1] == pytest.approx(4.0)  # 23 requests at 5/s: the last in the 5th second


async def test_sends_go_through_the_pacer(db: Database) -> None:
    for guild_id in range(1, 13):
        await schedule(db, guild_id)
    sender = MemorySender()
    pacer = RequestPacer(50, 0.1)  # 500/s: the test stays fast but the pacer must be used
    runner = scheduler(db, sender, pacer=pacer)
    await runner.run_due(SLOT)
    assert len(sender.posts) == 12 and pacer.total == len(sender.request_times) == 12


class SignallingSender(MemorySender):
    def __init__(self) -> None:
        super().__init__()
        self.sent = asyncio.Event()

    async def send(self, post: OutgoingPost, pace: Pace) -> Delivered:
        delivered = await super().send(post, pace)
        self.sent.set()
        return delivered


async def test_the_loop_runs_due_work_on_its_own(db: Database) -> None:
    await schedule(db)
    sender = SignallingSender()
    runner = PromptScheduler(db, sender, FakeClock(SLOT), lambda lang: PROMPTS, interval=0.05)
    runner.start()
    try:
        await asyncio.wait_for(sender.sent.wait(), HANG_GUARD)
    finally:
        await runner.stop()
    assert len(sender.posts) == 1
