"""Daily prompts end to end: moderators configure through the fake Discord, the bot posts on
its (fake) clock, and what members and moderators see is checked in the channels."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.content import Content
from bot.daily_prompts import PromptScheduler, TickReport, prompt_of_the_day
from bot.daily_prompts.claims import claim_due, recent_posts
from bot.daily_prompts.schedules import get_schedule
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild, run_bot
from bot.storage import audit
from bot.storage.guilds import get_settings, update_settings

pytestmark = pytest.mark.both_backends

MESSAGES = "POST /channels/{channel_id}/messages"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def scheduler(bot: Bridgeline) -> PromptScheduler:
    found = getattr(bot, "prompt_scheduler", None)
    assert isinstance(found, PromptScheduler), "the prompts cog attaches bot.prompt_scheduler"
    return found


async def tick(bot: Bridgeline, clock: FakeClock, to: datetime) -> TickReport:
    """The sandbox's `:tick`: move the clock, run what is due."""
    clock.set(to)
    return await scheduler(bot).run_due(clock.now())


async def ask(
    fake: FakeDiscord, path: str, options: dict[str, Any] | None = None, user: Any = "mod"
) -> FakeMessage:
    inter = await fake.slash(path, options, user, "general")
    reply = await inter.reply()
    assert reply.ephemeral, f"/{path} must answer privately"
    return reply


async def set_up(
    fake: FakeDiscord, world: StandardGuild, at: str, zone: str, **extra: Any
) -> FakeMessage:
    options = {"channel": world.daily_prompt, "time": at, "timezone": zone, **extra}
    return await ask(fake, "prompts setup", options)


def posts(fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    return [m for m in fake.messages(world.daily_prompt) if m.author.id == fake.bot_user.id]


def footer(message: FakeMessage) -> str:
    return str(message.embeds[0].get("footer", {}).get("text", ""))


async def test_moderator_sets_up_and_the_prompt_posts_at_local_time(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    reply = await set_up(fake, world, "09:30", "Europe/London")
    assert "Daily prompts are set up" in reply.text
    fields = " ".join(f["value"] for f in reply.embeds[0]["fields"])
    assert "Mon 02 Mar 2026, 09:30 (Europe/London, UTC)" in fields
    assert "Mon 02 Mar 2026, 09:30 UTC" in fields
    assert (await tick(bot, clock, utc(2026, 3, 2, 9, 29))).due == 0
    assert posts(fake, world) == []
    report = await tick(bot, clock, utc(2026, 3, 2, 9, 30))
    assert len(report.posted) == 1
    (post,) = posts(fake, world)
    text = await prompt_of_the_day(bot.db, world.guild.id, date(2026, 3, 2))
    assert text and post.embeds[0]["description"] == text
    assert footer(post).startswith("Daily reflection · 2026-03-02")
    assert [b["label"] for b in post.buttons] == ["Reflect privately"]
    assert post.content == "" and not post.mentions
    # The next ticks post nothing more that day; the next morning brings the next prompt.
    await tick(bot, clock, utc(2026, 3, 2, 23))
    await tick(bot, clock, utc(2026, 3, 3, 9, 30))
    second = posts(fake, world)[-1]
    assert len(posts(fake, world)) == 2 and second.embeds[0]["description"] != text
    actions = [e.action for e in await audit.recent(bot.db, world.guild.id)]
    assert actions == ["prompts.setup", "setup.timezone"]  # the server's zone was UTC


@pytest.mark.parametrize(
    ("zone", "change", "before_hours", "after_hours"),
    [
        ("Europe/London", date(2026, 3, 29), 9, 8),  # GMT -> BST
        ("Europe/London", date(2026, 10, 25), 8, 9),  # BST -> GMT
        ("America/New_York", date(2026, 3, 8), 14, 13),  # EST -> EDT
        ("America/New_York", date(2026, 11, 1), 13, 14),  # EDT -> EST
    ],
)
async def test_daylight_saving_changes_keep_the_local_time(
    fake: FakeDiscord,
    world: StandardGuild,
    bot: Bridgeline,
    clock: FakeClock,
    zone: str,
    change: date,
    before_hours: int,
    after_hours: int,
) -> None:
    eve = change - timedelta(days=1)
    clock.set(datetime.combine(eve, time(0), UTC))
    await set_up(fake, world, "09:00", zone)
    await tick(bot, clock, datetime.combine(eve, time(before_hours), UTC))
    assert len(posts(fake, world)) == 1
    just_before = datetime.combine(change, time(after_hours), UTC) - timedelta(minutes=1)
    assert not (await tick(bot, clock, just_before)).posted
    report = await tick(bot, clock, datetime.combine(change, time(after_hours), UTC))
    assert report.posted == [(world.guild.id, change)]
    assert footer(posts(fake, world)[-1]).startswith(f"Daily reflection · {change}")


async def test_half_hour_zone_and_status_in_both_zones(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await set_up(fake, world, "08:00", "asia/kolkata")  # any case: stored canonically
    status = await ask(fake, "prompts status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["Time"] == "08:00 in Asia/Kolkata"
    assert "Tue 03 Mar 2026, 08:00 (Asia/Kolkata, UTC+05:30)" in fields["Next post"]
    assert "Tue 03 Mar 2026, 02:30 UTC" in fields["Next post"]
    assert not (await tick(bot, clock, utc(2026, 3, 3, 2, 29))).posted
    assert (await tick(bot, clock, utc(2026, 3, 3, 2, 30))).posted
    fields = {
        f["name"]: f["value"] for f in (await ask(fake, "prompts status")).embeds[0]["fields"]
    }
    assert "✅ Tue 03 Mar: posted" in fields["Recent days"]
    assert "Wed 04 Mar 2026, 02:30 UTC" in fields["Next post"]


@pytest.mark.parametrize("thread", [False, True])
async def test_the_post_mentions_a_thread_only_when_there_is_one(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock, thread: bool
) -> None:
    await set_up(fake, world, "09:00", "UTC", thread=thread)
    await tick(bot, clock, utc(2026, 3, 3, 9))
    (post,) = posts(fake, world)
    assert footer(post).startswith("Daily reflection · 2026-03-03")
    assert ("thread" in footer(post)) is thread
    assert (post.thread_id is not None) is thread


async def test_status_says_how_many_of_the_rotation_are_the_servers_own(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await set_up(fake, world, "09:00", "UTC")
    await ask(fake, "prompts add", {"text": "What small kindness did you notice?"})
    await tick(bot, clock, utc(2026, 3, 3, 9))
    status = await ask(fake, "prompts status")
    rotation = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}["Rotation"]
    total = len(bot.content.prompts) + 1
    assert rotation.startswith(f"1 of {total} prompts seen in this round")
    assert f"(1 of the {total} are this server's own)" in rotation


async def test_timezone_autocomplete_and_bad_input_are_refused(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    offered = await fake.autocomplete(
        "prompts setup", {"channel": world.daily_prompt, "time": "09:00", "timezone": "london"},
        "timezone", "mod",
    )  # fmt: skip
    assert "Europe/London" in [c["value"] for c in offered]
    assert len(offered) <= 25
    refused = await set_up(fake, world, "09:00", "Mars/Olympus")
    assert "isn't a timezone I know" in refused.text
    refused = await set_up(fake, world, "25:00", "Europe/London")
    assert "not a time of day" in refused.text
    refused = await set_up(fake, world, "09:00", "EST")
    assert "abbreviation" in refused.text and "`America/New_York`" in refused.text
    assert await get_schedule(bot.db, world.guild.id) is None
    offered = await fake.autocomplete(
        "prompts setup", {"channel": world.daily_prompt, "time": "09:00", "timezone": "est"},
        "timezone", "mod",
    )  # fmt: skip
    assert offered[0]["value"] == "America/New_York"
    assert "EST" not in [c["value"] for c in offered]


async def test_the_server_has_one_timezone_for_setup_and_prompts(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    done = await set_up(fake, world, "09:00", "America/Chicago")
    assert "server's time zone is now America/Chicago (it was UTC)" in done.text
    assert (await get_settings(bot.db, world.guild.id)).timezone == "America/Chicago"
    shown = await ask(fake, "setup show", None, "owner")
    assert "America/Chicago" in shown.text

    await ask(fake, "setup timezone", {"timezone": "Europe/London"}, "owner")
    schedule = await get_schedule(bot.db, world.guild.id)
    assert schedule is not None and schedule.timezone == "Europe/London"
    local = schedule.next_run_at.astimezone(ZoneInfo("Europe/London"))
    assert (local.hour, local.minute) == (9, 0)  # the same local time, in the new zone
    status = await ask(fake, "prompts status", None)
    assert "Europe/London" in status.text and "America/Chicago" not in status.text

    again = await ask(fake, "prompts setup", {"channel": world.daily_prompt, "time": "10:00"})
    assert "time zone is now" not in again.text  # no timezone given: the server's is kept
    refused = await ask(fake, "setup timezone", {"timezone": "est"}, "owner")
    assert "abbreviation" in refused.text and "`America/New_York`" in refused.text
    assert (await get_settings(bot.db, world.guild.id)).timezone == "Europe/London"


async def test_no_duplicate_across_a_crash_between_claim_and_send(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
    shipped_content: Content,
) -> None:
    slot = utc(2026, 3, 3, 9)
    async with run_bot(make_bridgeline(), fake) as first:
        await set_up(fake, world, "09:00", "UTC")
        # The process claims today's post (committed) and dies before the request goes out.
        clock.set(slot)
        outcome = await claim_due(
            first.db, world.guild.id, slot, "dead:1", shipped_content.prompts, Random(3),
            timedelta(minutes=10),
        )  # fmt: skip
        assert outcome.claim is not None
    assert posts(fake, world) == []
    async with run_bot(make_bridgeline(), fake) as second:
        assert not (await tick(second, clock, slot + timedelta(minutes=5))).posted
        report = await tick(second, clock, slot + timedelta(minutes=11))
        assert report.posted == [(world.guild.id, date(2026, 3, 3))]
        await tick(second, clock, slot + timedelta(hours=2))
        (post,) = posts(fake, world)
        assert post.embeds[0]["description"] == outcome.claim.prompt_text


async def test_no_duplicate_when_the_crash_came_after_discord_posted(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
) -> None:
    slot = utc(2026, 3, 3, 9)
    async with run_bot(make_bridgeline(), fake) as first:
        await set_up(fake, world, "09:00", "UTC")
        await tick(first, clock, slot)
        (sent,) = posts(fake, world)
        # Roll the record back to "claimed, never confirmed", as if the process died between
        # Discord's answer and our write.
        await first.db.execute(
            "UPDATE prompt_posts SET status = 'claimed', message_id = NULL, "
            "recheck_at = '2026-03-03T09:10:00Z'"
        )
    async with run_bot(make_bridgeline(), fake) as second:
        report = await tick(second, clock, slot + timedelta(minutes=11))
        assert report.recovered == [(world.guild.id, date(2026, 3, 3))] and not report.posted
        assert posts(fake, world) == [sent]
        (row,) = await recent_posts(second.db, world.guild.id)
        assert (row.status, row.message_id) == ("sent", sent.id)


async def test_late_catch_up_after_downtime_posts_once_with_a_note(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
) -> None:
    async with run_bot(make_bridgeline(), fake) as first:
        await set_up(fake, world, "09:00", "Europe/London")
        await tick(first, clock, utc(2026, 3, 3, 9))
    # Offline from 3 March until 6 March 11:15 (09:00 GMT was 2 h 15 min ago).
    clock.set(utc(2026, 3, 6, 11, 15))
    async with run_bot(make_bridgeline(), fake) as second:
        report = await scheduler(second).run_due(clock.now())
        assert report.skipped_days == 2 and report.late == [(world.guild.id, date(2026, 3, 6))]
        await tick(second, clock, utc(2026, 3, 6, 12))
        shown = posts(fake, world)
        assert len(shown) == 2
        late = shown[-1]
        assert "Posted late" in str(late.embeds[0]["fields"])
        assert "due at 09:00 (Europe/London)" in late.embeds[0]["fields"][0]["value"]
        assert "2 h 15 min late" in late.embeds[0]["fields"][0]["value"]
        status = await ask(fake, "prompts status")
        history = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}["Recent days"]
        assert "➖ Thu 05 Mar: missed (the bot was offline)" in history
        assert "✅ Fri 06 Mar: posted (late)" in history


async def test_rotation_does_not_repeat_and_includes_the_servers_own(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
    shipped_content: Content,
) -> None:
    few = replace(shipped_content, prompts=shipped_content.prompts[:3])
    async with run_bot(make_bridgeline(content=few), fake) as bot:
        await set_up(fake, world, "09:00", "UTC")
        added = await ask(fake, "prompts add", {"text": "What small kindness did you notice?"})
        assert "Added prompt #" in added.text
        texts = []
        for day in range(3, 11):
            await tick(bot, clock, utc(2026, 3, day, 9))
            texts.append(posts(fake, world)[-1].embeds[0]["description"])
        assert len(set(texts[:4])) == 4 and len(set(texts[4:8])) == 4
        assert "What small kindness did you notice?" in texts[:4]
        assert all(a != b for a, b in itertools.pairwise(texts))


async def test_custom_prompts_add_list_remove(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    too_short = await ask(fake, "prompts add", {"text": "hm"})
    assert "at least 10 characters" in too_short.text
    await ask(fake, "prompts add", {"text": "Where did you feel most yourself today?"})
    listed = await ask(fake, "prompts list")
    assert "Where did you feel most yourself today?" in str(listed.embeds[0]["fields"])
    choices = await fake.autocomplete("prompts remove", {}, "prompt", "mod")
    assert len(choices) == 1 and "most yourself" in choices[0]["name"]
    removed = await ask(fake, "prompts remove", {"prompt": choices[0]["value"]})
    assert "Removed prompt" in removed.text
    assert "None yet" in (await ask(fake, "prompts list")).text
    actions = [e.action for e in await audit.recent(bot.db, world.guild.id)]
    assert actions == ["prompts.custom_removed", "prompts.custom_added"]


async def test_threads_role_ping_and_the_private_reflection_button(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await set_up(fake, world, "09:00", "UTC", thread=True, **{"ping-role": world.moderator_role})
    await tick(bot, clock, utc(2026, 3, 3, 9))
    (post,) = posts(fake, world)
    assert post.content == f"<@&{world.moderator_role.id}>"
    sent = next(r for r in fake.requests if r.method == "POST" and r.route == MESSAGES)
    assert sent.body["allowed_mentions"]["parse"] == ["roles"]  # only role mentions may ping
    assert "users" not in sent.body["allowed_mentions"]["parse"]
    thread = fake.channel(post.thread_id) if post.thread_id else None
    assert thread is not None and thread.name == "Reflections · Tue 03 Mar"
    threads = [r for r in fake.requests if r.route.endswith("/threads") and r.method == "POST"]
    assert threads[0].body["auto_archive_duration"] == 1440
    (row,) = await recent_posts(bot.db, world.guild.id)
    assert row.thread_id == thread.id

    # A member presses "Reflect privately": the check-in modal opens with the prompt in it.
    press = await fake.click(post, "Reflect privately", world.you)
    modal = await press.modal_shown()
    prompt_text = post.embeds[0]["description"]
    assert prompt_text[:80] in str(modal)
    submitted = await fake.submit_modal(
        {"checkin:mood": "4", "checkin:body": "Calmer than yesterday."}, world.you
    )
    assert (await submitted.response()).ephemeral
    stored = await bot.db.fetchval("SELECT prompt FROM checkins WHERE guild_id = ?",
                                   (world.guild.id,))  # fmt: skip
    assert stored == prompt_text


async def test_reflect_button_still_works_after_a_restart(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
) -> None:
    async with run_bot(make_bridgeline(), fake) as first:
        await set_up(fake, world, "09:00", "UTC")
        await tick(first, clock, utc(2026, 3, 3, 9))
    (post,) = posts(fake, world)
    async with run_bot(make_bridgeline(), fake):
        press = await fake.click(post, "Reflect privately", world.you)
        assert post.embeds[0]["description"][:80] in str(await press.modal_shown())


async def test_deleted_channel_pauses_and_tells_the_moderators(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
    await set_up(fake, world, "09:00", "UTC")
    await fake.delete_channel(world.daily_prompt)
    report = await tick(bot, clock, utc(2026, 3, 3, 9))
    assert report.paused == [(world.guild.id, "channel_missing")]
    notice = await fake.wait_for_message(world.mod_alerts, after=0)
    assert "Daily prompts are paused" in notice.text and "/prompts resume" in notice.text
    schedule = await get_schedule(bot.db, world.guild.id)
    assert schedule is not None and schedule.pause_reason == "channel_missing"
    await tick(bot, clock, utc(2026, 3, 4, 9))
    assert len([m for m in fake.messages(world.mod_alerts) if "paused" in m.text]) == 1
    status = await ask(fake, "prompts status")
    assert "deleted" in str(status.embeds[0]["fields"])
    refused = await ask(fake, "prompts resume")
    assert "no longer exists" in refused.text


async def test_lost_permission_pauses_and_the_owner_is_told_without_an_alerts_channel(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await set_up(fake, world, "09:00", "UTC")
    # Discord itself refuses (403/50013) although the cache thought all was well.
    fake.faults.missing_permissions(MESSAGES, times=1)
    report = await tick(bot, clock, utc(2026, 3, 3, 9))
    assert report.paused == [(world.guild.id, "no_permission")]
    dm = await fake.wait_for_dm(world.owner, after=0)
    assert "Daily prompts are paused" in dm.text and "lost permission" in dm.text
    resumed = await ask(fake, "prompts resume")
    assert "Daily prompts are set up" in resumed.text
    await tick(bot, clock, utc(2026, 3, 4, 9))
    assert len(posts(fake, world)) == 1
    actions = [e.action for e in await audit.recent(bot.db, world.guild.id)]
    assert actions[:2] == ["prompts.resumed", "prompts.auto_paused"]


async def test_server_errors_are_retried_then_posted_once(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await set_up(fake, world, "09:00", "UTC")
    fake.faults.server_error(MESSAGES, 502, times=6)  # beyond discord.py's own 5 tries
    report = await tick(bot, clock, utc(2026, 3, 3, 9))
    assert report.retrying and posts(fake, world) == []
    report = await tick(bot, clock, utc(2026, 3, 3, 9, 1))
    assert len(report.posted) == 1 and len(posts(fake, world)) == 1


async def test_post_now_preview_pause_and_resume(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await set_up(fake, world, "18:00", "UTC")
    preview = await ask(fake, "prompts preview")
    upcoming = preview.embeds[0]["description"]
    assert posts(fake, world) == []
    inter = await fake.slash("prompts post-now", None, "mod", "general")
    first = await inter.reply()
    assert first.ephemeral and "Posted today's prompt" in first.text
    (post,) = posts(fake, world)
    assert post.embeds[0]["description"] == upcoming
    again = await (await fake.slash("prompts post-now", None, "mod", "general")).reply()
    assert "already out" in again.text and str(post.id) in again.text
    await tick(bot, clock, utc(2026, 3, 2, 18))
    assert len(posts(fake, world)) == 1
    paused = await ask(fake, "prompts pause")
    assert "paused" in paused.text
    await tick(bot, clock, utc(2026, 3, 3, 18))
    assert len(posts(fake, world)) == 1
    await ask(fake, "prompts resume")
    await tick(bot, clock, utc(2026, 3, 4, 18))
    assert len(posts(fake, world)) == 2
    actions = [e.action for e in await audit.recent(bot.db, world.guild.id)]
    assert actions[:4] == ["prompts.resumed", "prompts.paused", "prompts.post_now", "prompts.setup"]


@pytest.mark.parametrize(
    ("path", "options"),
    [
        ("prompts setup", {"channel": "daily-prompt", "time": "09:00", "timezone": "UTC"}),
        ("prompts add", {"text": "A member should not add this."}),
        ("prompts post-now", None),
        ("prompts status", None),
        ("prompts pause", None),
    ],
)
async def test_members_are_refused_and_the_group_is_hidden(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, path: str, options: Any
) -> None:
    inter = await fake.slash(path, options, world.you, "general")
    reply = await inter.reply()
    assert reply.ephemeral and "This is for moderators" in reply.text
    assert await get_schedule(bot.db, world.guild.id) is None
    assert posts(fake, world) == []
    synced = [c for scope in fake.commands.values() for c in scope if c["name"] == "prompts"]
    assert synced and int(synced[0]["default_member_permissions"]) == (
        discord.Permissions(manage_messages=True).value
    )


async def test_a_moderator_by_role_only_may_use_the_commands(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    helpers = await fake.add_role(world.guild, "Helpers", discord.Permissions.none())
    helper = await fake.add_member(world.guild, "helper", roles=[helpers])
    await update_settings(bot.db, world.guild.id, moderator_role_id=helpers.id)
    reply = await ask(fake, "prompts setup",
                      {"channel": world.daily_prompt, "time": "9am", "timezone": "UTC"},
                      helper)  # fmt: skip
    assert "Daily prompts are set up" in reply.text
    schedule = await get_schedule(bot.db, world.guild.id)
    assert schedule is not None and schedule.post_time == time(9)
    assert ZoneInfo(schedule.timezone) == ZoneInfo("UTC")
