"""The scheduler with a fake clock and an in-memory sender: local time, DST, odd offsets,
catch-up after downtime, rotation and post-now."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.content import Prompt
from bot.daily_prompts import PromptScheduler, prompt_of_the_day
from bot.daily_prompts.claims import recent_posts
from bot.daily_prompts.custom import add_custom, remove_custom
from bot.daily_prompts.memory import MemorySender
from bot.daily_prompts.schedules import configure, get_schedule, resume
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends

GUILD = 1001
CHANNEL = 2001
PROMPTS = tuple(Prompt(f"p{i}", "self", f"Reflection prompt number {i}.") for i in range(8))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Rig:
    def __init__(self, db: Database, start: datetime, prompts: tuple[Prompt, ...]) -> None:
        self.db = db
        self.clock = FakeClock(start)
        self.sender = MemorySender()
        self.prompts = prompts
        self.scheduler = PromptScheduler(db, self.sender, self.clock, lambda lang: self.prompts)
        self.sent: list[tuple[int, datetime]] = []  # (guild, the clock when it went out)

    async def setup(self, at: str, zone: str, guild_id: int = GUILD) -> None:
        hour, minute = map(int, at.split(":"))
        await configure(
            self.db,
            guild_id,
            channel_id=CHANNEL + guild_id,
            post_time=time(hour, minute),
            timezone=zone,
            now=self.clock.now(),
        )

    async def run_until(self, end: datetime, step: timedelta = timedelta(minutes=15)) -> None:
        while self.clock.now() < end:
            self.clock.advance(step)
            before = len(self.sender.posts)
            await self.scheduler.run_due(self.clock.now())
            self.sent += [(p.guild_id, self.clock.now()) for p, _ in self.sender.posts[before:]]

    def post_instants(self, guild_id: int = GUILD) -> list[datetime]:
        return [p.scheduled_at for p in self.sender.posts_for(guild_id)]

    def sent_at(self, guild_id: int = GUILD) -> list[datetime]:
        return [moment for g, moment in self.sent if g == guild_id]


async def test_posts_once_a_day_at_local_time(db: Database) -> None:
    rig = Rig(db, utc(2026, 6, 1, 6), PROMPTS)
    await rig.setup("09:00", "Europe/London")
    report = await rig.scheduler.run_due(utc(2026, 6, 1, 7, 59))
    assert report.due == 0 and not rig.sender.posts
    await rig.run_until(utc(2026, 6, 4, 12))
    assert rig.post_instants() == [utc(2026, 6, d, 8) for d in (1, 2, 3, 4)]
    assert [p.day for p in rig.sender.posts_for(GUILD)] == [date(2026, 6, d) for d in (1, 2, 3, 4)]
    rows = await recent_posts(db, GUILD)
    assert all(r.status == "sent" and r.message_id for r in rows)


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("Europe/London", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
        ("Australia/Adelaide", date(2026, 10, 4), date(2026, 4, 5)),
    ],
)
async def test_local_time_holds_across_both_dst_changes(
    db: Database, zone: str, spring: date, autumn: date
) -> None:
    tz = ZoneInfo(zone)
    for change in sorted((spring, autumn)):
        start = datetime.combine(change - timedelta(days=2), time(0), tz).astimezone(UTC)
        rig = Rig(db, start, PROMPTS)
        await rig.setup("09:00", zone, guild_id=change.toordinal())
        await rig.run_until(start + timedelta(days=5))
        posts = rig.sender.posts_for(change.toordinal())
        assert [p.day for p in posts] == [
            change - timedelta(days=2) + timedelta(d) for d in range(5)
        ]
        # Posted at the tick that reached 09:00 local, every day, before and after the change.
        assert all(p.scheduled_at.astimezone(tz).time() == time(9) for p in posts)
        assert rig.sent_at(change.toordinal()) == [p.scheduled_at for p in posts]
        offsets = {p.scheduled_at.astimezone(tz).utcoffset() for p in posts}
        assert len(offsets) == 2, "the run must cross the change"


async def test_spring_gap_and_autumn_fold_post_exactly_once(db: Database) -> None:
    rig = Rig(db, utc(2026, 3, 28, 0), PROMPTS)
    await rig.setup("01:30", "Europe/London")
    await rig.run_until(utc(2026, 3, 31))
    # 28th 01:30 GMT; 29th has no 01:30 -> 02:00 BST (01:00 UTC); 30th 01:30 BST.
    assert rig.post_instants() == [
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1),
        utc(2026, 3, 30, 0, 30),
    ]
    assert rig.sent_at() == rig.post_instants()
    rig2 = Rig(db, utc(2026, 10, 24, 0), PROMPTS)
    await rig2.setup("01:30", "Europe/London", guild_id=7)
    await rig2.run_until(utc(2026, 10, 27), step=timedelta(minutes=5))
    # 25th: 01:30 happens twice; only the first (BST, 00:30 UTC) posts.
    assert rig2.post_instants(7) == [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30),
                                     utc(2026, 10, 26, 1, 30)]  # fmt: skip
    assert rig2.sent_at(7) == rig2.post_instants(7)


async def test_half_hour_zone_posts_at_its_local_time(db: Database) -> None:
    rig = Rig(db, utc(2026, 1, 10, 0), PROMPTS)
    await rig.setup("07:45", "Asia/Kolkata")
    await rig.run_until(utc(2026, 1, 12, 23), step=timedelta(minutes=15))
    assert rig.post_instants() == [utc(2026, 1, d, 2, 15) for d in (10, 11, 12)]
    assert rig.sent_at() == rig.post_instants()


async def test_downtime_posts_todays_late_with_a_note_and_skips_older_days(db: Database) -> None:
    rig = Rig(db, utc(2026, 6, 1, 7), PROMPTS)
    await rig.setup("09:00", "Europe/London")
    await rig.run_until(utc(2026, 6, 1, 9))
    assert len(rig.sender.posts) == 1
    # The bot is down from 1 June 10:00 to 4 June 10:30 (09:00 BST = 08:00 UTC: 2.5 h late).
    report = await rig.scheduler.run_due(utc(2026, 6, 4, 10, 30))
    assert report.skipped_days == 2 and len(report.posted) == 1 and report.late
    late = rig.sender.posts[-1][0]
    assert late.day == date(2026, 6, 4) and late.late_by == timedelta(hours=2, minutes=30)
    statuses = {r.local_date: (r.status, r.reason) for r in await recent_posts(db, GUILD)}
    assert statuses[date(2026, 6, 2)] == ("missed", "offline")
    assert statuses[date(2026, 6, 3)] == ("missed", "offline")
    assert statuses[date(2026, 6, 4)][0] == "sent"
    # Nothing floods in on the following ticks; the next post is tomorrow's.
    await rig.run_until(utc(2026, 6, 5, 7, 45))
    assert len(rig.sender.posts) == 2
    await rig.run_until(utc(2026, 6, 5, 8, 15))
    assert len(rig.sender.posts) == 3 and rig.sender.posts[-1][0].late_by is None


async def test_a_short_delay_gets_no_note_and_midnight_restarts_keep_the_post(
    db: Database,
) -> None:
    rig = Rig(db, utc(2026, 6, 1, 7), PROMPTS)
    await rig.setup("23:50", "UTC")
    # Down across midnight: the 23:50 post goes out at 00:20 (30 min late, no note).
    await rig.scheduler.run_due(utc(2026, 6, 2, 0, 20))
    assert [(p.day, p.late_by) for p, _ in rig.sender.posts] == [(date(2026, 6, 1), None)]
    # Down for longer: 3 hours past a slot from yesterday is skipped, recorded as missed.
    rig2 = Rig(db, utc(2026, 6, 1, 7), PROMPTS)
    await rig2.setup("22:00", "UTC", guild_id=9)
    report = await rig2.scheduler.run_due(utc(2026, 6, 2, 1))
    assert not rig2.sender.posts and report.skipped_days == 1
    schedule = await get_schedule(db, 9)
    assert schedule is not None and schedule.next_run_at == utc(2026, 6, 2, 22)


async def test_rotation_never_repeats_until_all_are_seen(db: Database) -> None:
    rig = Rig(db, utc(2026, 1, 1, 0), PROMPTS[:5])
    await rig.setup("09:00", "UTC")
    await rig.run_until(utc(2026, 1, 15, 12), step=timedelta(hours=1))
    texts = [p.text for p in rig.sender.posts_for(GUILD)]
    assert len(texts) == 15
    for cycle in range(3):
        assert len(set(texts[cycle * 5 : cycle * 5 + 5])) == 5
    assert all(a != b for a, b in itertools.pairwise(texts))


async def test_added_and_removed_prompts_keep_the_promise(db: Database) -> None:
    rig = Rig(db, utc(2026, 1, 1, 0), PROMPTS[:4])
    await rig.setup("09:00", "UTC")
    await rig.run_until(utc(2026, 1, 2, 12), step=timedelta(hours=1))  # 2 of 4 seen
    added = await add_custom(db, GUILD, "What did you notice about yourself today?", 42)
    doomed = await add_custom(db, GUILD, "A prompt that will be removed right away.", 42)
    await remove_custom(db, GUILD, doomed.id)
    await rig.run_until(utc(2026, 1, 5, 12), step=timedelta(hours=1))  # 3 more: cycle of 5 done
    texts = [p.text for p in rig.sender.posts_for(GUILD)]
    assert len(texts) == 5 and len(set(texts)) == 5
    assert added.text in texts and doomed.text not in texts
    assert await prompt_of_the_day(db, GUILD, date(2026, 1, 5)) == texts[-1]
    assert await prompt_of_the_day(db, GUILD, "2026-01-06") is None


async def test_post_now_counts_as_todays_post(db: Database) -> None:
    rig = Rig(db, utc(2026, 6, 1, 6), PROMPTS)
    await rig.setup("09:00", "UTC")
    result = await rig.scheduler.post_now(GUILD, utc(2026, 6, 1, 6, 5))
    assert result.outcome == "posted" and result.message_id
    again = await rig.scheduler.post_now(GUILD, utc(2026, 6, 1, 6, 6))
    assert again.outcome == "already" and again.message_id == result.message_id
    await rig.run_until(utc(2026, 6, 2, 8))
    assert len(rig.sender.posts) == 1
    await rig.run_until(utc(2026, 6, 2, 10))
    assert [p.day for p in rig.sender.posts_for(GUILD)] == [date(2026, 6, 1), date(2026, 6, 2)]
    assert (await rig.scheduler.post_now(404)).outcome == "not_configured"


async def test_preview_shows_the_prompt_that_will_post_next(db: Database) -> None:
    rig = Rig(db, utc(2026, 6, 1, 6), PROMPTS)
    await rig.setup("09:00", "UTC")
    preview = await rig.scheduler.preview(GUILD)
    assert preview is not None
    assert await rig.scheduler.preview(GUILD) == preview
    await rig.run_until(utc(2026, 6, 1, 9))
    assert rig.sender.posts[0][0].text == preview[1]


async def test_changing_the_time_after_todays_post_waits_for_tomorrow(db: Database) -> None:
    rig = Rig(db, utc(2026, 6, 1, 8), PROMPTS)
    await rig.setup("09:00", "UTC")
    await rig.run_until(utc(2026, 6, 1, 10))
    await rig.setup("18:00", "UTC")
    schedule = await get_schedule(db, GUILD)
    assert schedule is not None and schedule.next_run_at == utc(2026, 6, 2, 18)
    await rig.setup("09:00", "Asia/Kolkata", guild_id=5)
    fresh = await get_schedule(db, 5)
    assert fresh is not None and fresh.next_run_at == utc(2026, 6, 2, 3, 30)


async def test_resume_continues_from_the_next_regular_time(db: Database) -> None:
    rig = Rig(db, utc(2026, 6, 1, 8), PROMPTS)
    await rig.setup("09:00", "UTC")
    await db.execute("UPDATE prompt_schedules SET paused = 1, pause_reason = 'moderator'")
    await rig.run_until(utc(2026, 6, 3, 12))
    assert not rig.sender.posts
    resumed = await resume(db, GUILD, rig.clock.now())
    assert resumed is not None and not resumed.paused
    assert resumed.next_run_at == utc(2026, 6, 4, 9)
    await rig.run_until(utc(2026, 6, 4, 10))
    assert [p.day for p in rig.sender.posts_for(GUILD)] == [date(2026, 6, 4)]
