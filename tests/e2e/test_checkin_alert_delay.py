"""A flagged check-in's alert must not tell moderators when it was written (issue 14, item 8):
unless imminent it appears after a random delay, survives a restart while it waits, keeps only
a quarter hour in the database, and an unclaimed one is still raised again on time, counted
from when it appeared. An imminent one appears at once. All on the fake clock, no sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import (
    HANG_GUARD,
    FakeDiscord,
    FakeMessage,
    Interaction,
    StandardGuild,
    run_bot,
)
from bot.safety_service import alerts
from bot.safety_service.alert_timing import DEFAULT_DELAY, coarse
from bot.safety_service.alerts import Alert
from bot.safety_service.timefmt import from_text
from bot.storage.guilds import update_settings
from cogs.alerts import HELD_EVENT, RELEASE_PASS_EVENT

ABUSE = "he tracks my phone and won't let me see my friends"
IMMINENT = "I want to kill myself tonight"
REACH_OUT = "Ask a moderator to reach out"
ABUSE_AGAIN = "he reads all my messages and takes my money"
OFF_THE_QUARTER = timedelta(minutes=7, seconds=13)  # the check-in is not on a quarter hour


def is_alert(message: FakeMessage) -> bool:
    return any("Safety alert" in (e.get("title") or "") for e in message.embeds)


def alert_posts(fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    return [m for m in fake.messages(world.mod_alerts) if is_alert(m)]


def reraises(fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    return [m for m in fake.messages(world.mod_alerts) if "Still waiting" in m.text]


async def configure(bot: Bridgeline, world: StandardGuild) -> None:
    await update_settings(
        bot.db,
        world.guild.id,
        alerts_channel_id=world.mod_alerts.id,
        moderator_role_id=world.moderator_role.id,
        checkin_channel_id=world.check_ins.id,
        region="GB",
    )


@dataclass(frozen=True)
class Flagged:
    alert: Alert
    private_reply: FakeMessage  # the member's resources, with "Ask a moderator to reach out"


async def check_in(fake: FakeDiscord, bot: Bridgeline, world: StandardGuild, text: str) -> Flagged:
    """/checkin new with `text`; returns its alert once the alerts cog has held it back (or,
    imminent, handed it on) and the member's private reply."""
    handled = asyncio.ensure_future(
        bot.wait_for(HELD_EVENT if text != IMMINENT else "safety_alert", timeout=HANG_GUARD)
    )
    await (await fake.slash("checkin new", None, world.you, "general")).modal_shown()
    fields = {"checkin:mood": "2", "checkin:body": text}
    submitted = await fake.submit_modal(fields, world.you)
    ref = (await submitted.response()).text.split("Reference ")[1].split()[0]
    alert = await alerts.get_alert(bot.db, await handled)
    assert alert is not None and alert.checkin_ref == ref
    private = await fake.wait_until(
        lambda: next((m for m in submitted.followup_messages if has_reach_out(m)), None),
        what="the private reply",
    )
    return Flagged(alert, private)


async def by_ref(bot: Bridgeline, alert: Alert) -> Alert:
    """The alert row now (a held alert takes its number when it is released)."""
    alert_id = await bot.db.fetchval(
        "SELECT id FROM safety_alerts WHERE checkin_ref = ?", (alert.checkin_ref,)
    )
    found = await alerts.get_alert(bot.db, alert_id)
    assert found is not None
    return found


async def checkin_alert_post(
    fake: FakeDiscord, bot: Bridgeline, clock: FakeClock, submitted: Interaction, ref: str
) -> FakeMessage:
    """The moderators' alert about a flagged check-in (`submitted`: its modal): once the member
    has their private reply the alert is stored; a held one is let out by moving the clock to
    its time (for other test modules, which are about something else)."""
    await fake.wait_until(
        lambda: next((m for m in submitted.followup_messages if has_reach_out(m)), None),
        what="the private reply",
    )
    due = from_text(
        await bot.db.fetchval("SELECT held_until FROM safety_alerts WHERE checkin_ref = ?", (ref,))
    )
    if due is not None and due > clock.now():
        clock.set(due)
    return await fake.wait_for_message(
        None, lambda m: f"`{ref}`" in m.text and "Safety alert" in m.text
    )


def has_reach_out(message: FakeMessage) -> bool:
    return any(b.get("label") == REACH_OUT for b in message.buttons)


async def advance_to(
    fake: FakeDiscord, bot: Bridgeline, clock: FakeClock, moment: datetime
) -> None:
    """Moves the clock to `moment` and waits until the release loop and the re-raise loop
    have both looked at the new time."""
    released = asyncio.ensure_future(
        bot.wait_for(RELEASE_PASS_EVENT, check=lambda seen: seen >= moment, timeout=HANG_GUARD)
    )
    clock.set(moment)
    await released
    escalation = bot.get_cog("Escalation")
    assert escalation is not None

    def reraise_pass_seen_it() -> bool | None:
        last: datetime | None = getattr(escalation, "last_pass_at", None)
        return True if last is not None and last >= moment else None

    await fake.wait_until(reraise_pass_seen_it, what="a re-raise pass")


def on_quarter_hour(moment: datetime) -> bool:
    return moment.minute % 15 == 0 and moment.second == 0 and moment.microsecond == 0


async def test_a_checkin_alert_appears_after_a_random_delay_with_a_coarse_time(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await configure(bot, world)
    written = clock.advance(OFF_THE_QUARTER)
    alert = (await check_in(fake, bot, world, ABUSE)).alert
    low, high = DEFAULT_DELAY
    assert alert.held_until is not None and written + low <= alert.held_until <= written + high
    assert not alert.delivered and alert_posts(fake, world) == []
    # Only a quarter hour, and that of when it is shown, not of when the member wrote.
    assert on_quarter_hour(alert.created_at) and alert.created_at == coarse(alert.held_until)
    listing = await (await fake.slash("alerts open", None, world.mod, "general")).response()
    assert "No open alerts" in listing.text  # not listed before its time either

    await advance_to(fake, bot, clock, alert.held_until - timedelta(seconds=1))
    assert alert_posts(fake, world) == []  # a second early: still nothing

    posted = asyncio.ensure_future(bot.wait_for(alerts.POSTED_EVENT, timeout=HANG_GUARD))
    await advance_to(fake, bot, clock, alert.held_until)
    assert await posted == 1  # numbered when it appears
    stored = await by_ref(bot, alert)
    (post,) = alert_posts(fake, world)
    assert f"`{alert.checkin_ref}`" in post.text and "tracks" not in post.text
    assert "a few minutes after the check-in, on purpose" in post.text  # moderators are told
    assert stored is not None and stored.posted_at == alert.held_until
    assert stored.held_until is None  # the exact due time is not kept either
    assert stored.created_at == alert.created_at and on_quarter_hour(stored.created_at)
    raw = await bot.db.fetchone("SELECT * FROM safety_alerts WHERE id = ?", (stored.id,))
    assert raw is not None
    written_text = written.isoformat(timespec="seconds")
    assert not any(written_text[:16] in str(value) for value in tuple(raw))  # nor its minute


async def test_an_imminent_checkin_alert_is_never_delayed(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await configure(bot, world)
    written = clock.advance(OFF_THE_QUARTER)
    posted = asyncio.ensure_future(bot.wait_for(alerts.POSTED_EVENT, timeout=HANG_GUARD))
    alert = (await check_in(fake, bot, world, IMMINENT)).alert
    assert alert.held_until is None
    assert await posted == alert.id  # the clock has not moved
    (post,) = alert_posts(fake, world)
    assert "IMMINENT" in post.text and f"`{alert.checkin_ref}`" in post.text
    assert "on purpose" not in post.text
    stored = await alerts.get_alert(bot.db, alert.id)
    assert stored is not None and stored.posted_at == written
    assert on_quarter_hour(stored.created_at)


async def test_a_pending_alert_survives_restarts_and_is_posted_when_due(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
) -> None:
    clock.advance(OFF_THE_QUARTER)
    async with run_bot(make_bridgeline(), fake) as first:
        await configure(first, world)
        waiting = (await check_in(fake, first, world, ABUSE)).alert
    assert waiting.held_until is not None and alert_posts(fake, world) == []

    second = make_bridgeline()
    start_pass = asyncio.Event()

    async def on_pass(_seen: Any) -> None:
        start_pass.set()

    second.add_listener(on_pass, f"on_{RELEASE_PASS_EVENT}")
    async with run_bot(second, fake):
        await asyncio.wait_for(start_pass.wait(), HANG_GUARD)
        assert alert_posts(fake, world) == []  # restarted before its time: still waiting
        await advance_to(fake, second, clock, waiting.held_until)
        post = await fake.wait_for_message(world.mod_alerts, is_alert)
        assert f"`{waiting.checkin_ref}`" in post.text
        later = (await check_in(fake, second, world, ABUSE_AGAIN)).alert
    assert later.held_until is not None

    clock.set(later.held_until + timedelta(minutes=1))  # fell due while the bot was down
    third = make_bridgeline()
    posted = asyncio.Event()

    async def on_posted(_alert_id: int, **_: object) -> None:
        posted.set()

    third.add_listener(on_posted, f"on_{alerts.POSTED_EVENT}")
    async with run_bot(third, fake):
        await asyncio.wait_for(posted.wait(), HANG_GUARD)
        post = alert_posts(fake, world)[-1]
        assert f"`{later.checkin_ref}`" in post.text
        stored = await by_ref(third, later)
        assert stored is not None and stored.delivered and stored.held_until is None
    assert len(alert_posts(fake, world)) == 2  # each posted once


async def test_an_unclaimed_checkin_alert_is_raised_again_counted_from_when_it_appeared(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await configure(bot, world)
    clock.advance(OFF_THE_QUARTER)
    alert = (await check_in(fake, bot, world, ABUSE)).alert
    assert alert.held_until is not None
    posted = asyncio.ensure_future(bot.wait_for(alerts.POSTED_EVENT, timeout=HANG_GUARD))
    await advance_to(fake, bot, clock, alert.held_until)
    await posted
    (post,) = alert_posts(fake, world)

    await advance_to(fake, bot, clock, alert.held_until + timedelta(minutes=9))
    assert reraises(fake, world) == []  # its coarse stored time is not used for the wait
    await advance_to(fake, bot, clock, alert.held_until + timedelta(minutes=10))
    again = await fake.wait_for_message(world.mod_alerts, lambda m: "Still waiting" in m.text)
    assert f"/{post.id})" in again.text and "for 10 min" in again.text
    assert again.content == f"<@&{world.moderator_role.id}>"


async def test_an_unclaimed_imminent_checkin_alert_is_raised_again_after_three_minutes(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await configure(bot, world)
    written = clock.advance(OFF_THE_QUARTER)
    posted = asyncio.ensure_future(bot.wait_for(alerts.POSTED_EVENT, timeout=HANG_GUARD))
    await check_in(fake, bot, world, IMMINENT)
    await posted
    await advance_to(fake, bot, clock, written + timedelta(minutes=2))
    assert reraises(fake, world) == []  # not 3 minutes after the quarter hour it keeps
    await advance_to(fake, bot, clock, written + timedelta(minutes=3))
    again = await fake.wait_for_message(world.mod_alerts, lambda m: "Still waiting" in m.text)
    assert "imminent" in again.text


async def test_asking_for_contact_posts_a_held_alert_at_once(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await configure(bot, world)
    clock.advance(OFF_THE_QUARTER)
    flagged = await check_in(fake, bot, world, ABUSE)
    assert flagged.alert.held and alert_posts(fake, world) == []
    pressed = await fake.click(flagged.private_reply, REACH_OUT, world.you)
    await pressed.followups(1)
    post = await fake.wait_for_message(world.mod_alerts, is_alert)  # the clock has not moved
    assert f"`{flagged.alert.checkin_ref}`" in post.text
    assert "Author asked for contact" in post.text


async def test_alert_numbers_follow_the_order_alerts_appear_in(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    """A held alert numbered before a later one would show it was written before it."""
    await configure(bot, world)
    clock.advance(OFF_THE_QUARTER)
    alert = (await check_in(fake, bot, world, ABUSE)).alert
    assert alert.held_until is not None and alert.id < 0  # no number while it waits
    said = await fake.send_message(world.general, world.mod, "honestly i just want to die")
    public = await fake.wait_for_message(world.mod_alerts, lambda m: f"/{said.id}" in m.text)
    assert "Safety alert #1:" in public.text
    posted = asyncio.ensure_future(
        bot.wait_for(alerts.POSTED_EVENT, check=lambda number: number != 1, timeout=HANG_GUARD)
    )
    await advance_to(fake, bot, clock, alert.held_until)
    assert await posted == 2
    latest = alert_posts(fake, world)[-1]
    assert "Safety alert #2:" in latest.text and f"`{alert.checkin_ref}`" in latest.text
