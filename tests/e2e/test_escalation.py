"""Help never left unanswered, end to end on the fake clock: an alert nobody claimed is raised
again exactly once (pinging the moderator role), sooner when imminent, never once claimed; the
server's setting changes the wait; /alerts open shows how long each has waited; the public
nudge and the private DM reply offer "Ask a moderator to reach out", used only by a press."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.fakediscord.core import HANG_GUARD
from bot.safety_service.alerts import POSTED_EVENT
from bot.storage.guilds import update_settings

pytestmark = pytest.mark.both_backends

ABUSE = "he gives me the silent treatment every time i see my friends"
IMMINENT = "i want to k1ll mys3lf tonight"
REACH_OUT = "Ask a moderator to reach out"


def is_alert(message: FakeMessage) -> bool:
    return any("Safety alert" in (e.get("title") or "") for e in message.embeds)


def reraises(fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    return [m for m in fake.messages(world.mod_alerts) if "Still waiting" in m.text]


async def advance(fake: FakeDiscord, bot: Bridgeline, clock: FakeClock, minutes: int) -> datetime:
    """Moves the clock and waits for a re-raise pass that saw the new time."""
    moment = clock.advance(timedelta(minutes=minutes))
    cog = bot.get_cog("Escalation")  # loaded as an extension: a module object of its own
    assert cog is not None
    await fake.wait_until(
        lambda: (
            True
            if (getattr(cog, "last_pass_at", None) or moment - moment.resolution) >= moment
            else None
        ),
        what="a re-raise pass",
    )
    return moment


async def flagged(fake: FakeDiscord, world: StandardGuild, text: str) -> FakeMessage:
    await fake.send_message(world.general, world.you, text)
    return await fake.wait_for_message(world.mod_alerts, is_alert)


async def test_unclaimed_alert_is_raised_again_exactly_once(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline, clock: FakeClock
) -> None:
    alert = await flagged(fake, world, ABUSE)
    await advance(fake, staffed, clock, 9)
    assert reraises(fake, world) == []

    await advance(fake, staffed, clock, 1)
    again = await fake.wait_for_message(world.mod_alerts, lambda m: "Still waiting" in m.text)
    assert again.content == f"<@&{world.moderator_role.id}>"  # the role is pinged
    assert f"/{alert.id})" in again.text and "10 min" in again.text
    assert "silent treatment" not in again.text and "friends" not in again.text

    await advance(fake, staffed, clock, 45)
    await advance(fake, staffed, clock, 240)
    assert len(reraises(fake, world)) == 1
    rows = await staffed.db.fetchall("SELECT alert_id, message_id FROM alert_reraises")
    assert len(rows) == 1 and rows[0]["message_id"] == again.id


async def test_posting_alerts_does_not_start_a_pass_over_every_open_alert(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline, clock: FakeClock
) -> None:
    """Each posted alert started a pass that read every open alert: quadratic in an alert storm,
    on the loop a flood already saturates. One that falls due after the loop's own wake-up is
    left to it, and is still raised on time."""
    cog = staffed.get_cog("Escalation")
    await fake.wait_until(lambda: getattr(cog, "sleeping_until", None), what="the loop asleep")
    passes: list[int] = []

    async def counted(raised: int) -> None:
        passes.append(raised)

    staffed.add_listener(counted, "on_alerts_reraise_pass")
    texts = (ABUSE, "she goes silent for days whenever i see my sister", IMMINENT)
    for text in texts:
        posted = asyncio.ensure_future(staffed.wait_for(f"{POSTED_EVENT}", timeout=HANG_GUARD))
        await fake.send_message(world.general, world.you, text)
        await posted
    assert passes == []
    await advance(fake, staffed, clock, 3)
    assert len(reraises(fake, world)) == 1  # the imminent one
    await advance(fake, staffed, clock, 7)
    assert len(reraises(fake, world)) == len(texts)


async def test_when_a_posted_alert_falls_due_cannot_be_read_the_loop_looks_again(
    fake: FakeDiscord,
    world: StandardGuild,
    staffed: Bridgeline,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cog = staffed.get_cog("Escalation")

    async def unreadable(bot: Bridgeline, alert_id: int, alert: object = None) -> None:
        raise RuntimeError("database gone away")

    # The cog's own module (an extension is loaded as a module object of its own); the loop's
    # own wake-ups an hour apart, so only a poke can start the pass this test waits for.
    module = type(cog).on_safety_alert_posted.__globals__
    monkeypatch.setitem(module, "due_of", unreadable)
    monkeypatch.setitem(module, "CHECK_EVERY_S", 3600.0)
    await advance(fake, staffed, clock, 1)  # a pass, then a sleep of the new length
    await fake.wait_until(lambda: getattr(cog, "sleeping_until", None), what="the loop asleep")
    passed = asyncio.ensure_future(staffed.wait_for("alerts_reraise_pass", timeout=HANG_GUARD))
    await flagged(fake, world, ABUSE)
    assert await passed == 0  # a pass instead, on the safe side
    await advance(fake, staffed, clock, 10)
    assert len(reraises(fake, world)) == 1


async def test_a_claimed_alert_is_not_raised_again(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline, clock: FakeClock
) -> None:
    alert = await flagged(fake, world, ABUSE)
    assert (await (await fake.click(alert, "I'm on it", world.mod)).response()).type == 7
    await advance(fake, staffed, clock, 30)
    assert reraises(fake, world) == []


async def test_imminent_is_raised_again_after_three_minutes(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline, clock: FakeClock
) -> None:
    await flagged(fake, world, IMMINENT)
    await advance(fake, staffed, clock, 2)
    assert reraises(fake, world) == []
    await advance(fake, staffed, clock, 1)
    again = await fake.wait_for_message(world.mod_alerts, lambda m: "Still waiting" in m.text)
    assert "imminent" in again.text and "k1ll" not in again.text


async def test_server_setting_changes_the_wait_and_alerts_open_shows_waiting_time(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline, clock: FakeClock
) -> None:
    set_it = await fake.slash("staff-settings", {"unclaimed_minutes": 30}, world.owner, "general")
    assert "after 30 min" in (await set_it.response()).text
    refused = await fake.slash("staff-settings", {"unclaimed_minutes": 5}, world.you, "general")
    assert "managers" in (await refused.response()).text

    await flagged(fake, world, ABUSE)
    await advance(fake, staffed, clock, 12)
    assert reraises(fake, world) == []
    listing = await (await fake.slash("alerts open", None, world.mod, "general")).response()
    assert "waiting 12 min, nobody on it yet" in listing.text
    await advance(fake, staffed, clock, 18)
    await fake.wait_for_message(world.mod_alerts, lambda m: "Still waiting" in m.text)


async def test_public_nudge_reply_offers_reach_out_only_by_the_members_press(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    await fake.send_message(world.general, world.you, ABUSE)
    nudge = await fake.wait_for_message(world.general)
    await fake.wait_for_message(world.mod_alerts, is_alert)
    button = staffed.content.safety.responses.nudge_button
    opened = await (await fake.click(nudge, button, world.you)).response()
    assert opened.ephemeral and opened.message is not None
    assert opened.message.button(REACH_OUT)
    assert not any(str(world.you.user.id) in m.text for m in fake.messages(world.mod_alerts))

    pressed = await fake.click(opened.message, REACH_OUT, world.you)
    await pressed.followups(1)
    told = await fake.wait_for_message(world.mod_alerts, lambda m: "reach out" in m.text)
    assert f"<@{world.you.user.id}>" in told.text


async def test_private_dm_reply_offers_reach_out_too(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    await update_settings(staffed.db, world.guild.id, safety_mode="dm")
    await fake.send_message(world.general, world.you, ABUSE)
    dm = await fake.wait_for_dm(world.you)
    assert dm.button(REACH_OUT)
    await fake.wait_for_message(world.mod_alerts, is_alert)
    assert not any(str(world.you.user.id) in m.text for m in fake.messages(world.mod_alerts))

    pressed = await fake.click(dm, REACH_OUT, world.you)
    await pressed.followups(1)
    told = await fake.wait_for_message(world.mod_alerts, lambda m: "reach out" in m.text)
    assert f"<@{world.you.user.id}>" in told.text


async def ask_mods(fake: FakeDiscord, text: str) -> FakeMessage:
    """Opens an /ask-mods conversation; returns its staff post (the thread hangs from it)."""
    await (await fake.slash("ask-mods", None, "you", "general")).modal_shown()
    submitted = await fake.submit_modal({"askmods:text": text}, "you")
    await fake.wait_until(
        lambda: True if any("Sent to the" in m.text for m in submitted.followup_messages) else None
    )
    return await fake.wait_for_message(
        None, lambda m: m.thread_id is not None and "Conversation ask-" in m.text, after=0
    )


def waiting_in(fake: FakeDiscord, post: FakeMessage) -> list[FakeMessage]:
    assert post.thread_id is not None
    return [m for m in fake.messages(post.thread_id) if "Still waiting" in m.text]


async def test_unanswered_ask_mods_conversation_is_raised_again_once(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline, clock: FakeClock
) -> None:
    post = await ask_mods(fake, "is anyone there?")
    await advance(fake, staffed, clock, 9)
    assert waiting_in(fake, post) == []
    await advance(fake, staffed, clock, 1)
    await fake.wait_until(lambda: waiting_in(fake, post) or None, what="the reminder")
    (reminder,) = waiting_in(fake, post)
    assert reminder.content == f"<@&{world.moderator_role.id}>"
    assert "anyone there" not in reminder.text and str(world.you.user.id) not in reminder.text
    await advance(fake, staffed, clock, 60)
    assert len(waiting_in(fake, post)) == 1


async def test_answered_conversation_is_not_raised_and_imminent_waits_three_minutes(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline, clock: FakeClock
) -> None:
    answered = await ask_mods(fake, "hello")
    await (await fake.click(answered, "Reply", world.mod)).modal_shown()
    await (await fake.submit_modal({"askmods:reply": "Hi, we're here."}, world.mod)).followups(1)
    await (await fake.click(answered, "Close", world.mod)).followups(1)

    urgent = await ask_mods(fake, IMMINENT)
    await advance(fake, staffed, clock, 2)
    assert waiting_in(fake, urgent) == []
    await advance(fake, staffed, clock, 1)
    await fake.wait_until(lambda: waiting_in(fake, urgent) or None, what="the urgent reminder")
    assert "imminent" in waiting_in(fake, urgent)[0].text
    await advance(fake, staffed, clock, 30)
    assert waiting_in(fake, answered) == [] and len(waiting_in(fake, urgent)) == 1
