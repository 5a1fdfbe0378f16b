"""Safety responses end to end: each server mode, closed DMs, the cooldown, disguised crisis
messages, idioms that stay silent, one alert per message, check-ins, and Discord failures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import discord

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import HANG_GUARD, FakeDiscord, FakeMessage, StandardGuild, run_bot
from bot.safety_service import alerts
from bot.safety_service.alert_timing import DEFAULT_DELAY
from bot.safety_service.alerts import Alert
from bot.storage.guilds import update_settings

IMMINENT_LEET = "i want to k1ll mys3lf tonight"
HIDDEN_ZWSP = "i w\u200bant to d\u200bie"  # zero-width spaces inside the words
CRISIS = "honestly i just want to die"
CRISIS_AGAIN = "i keep thinking about not waking up"
IDIOMS = ("this traffic is killing me lol", "she's gonna kill me when she sees the car")
NUDGE_ROUTE = "POST /channels/{channel_id}/messages"


def is_alert(message: FakeMessage) -> bool:
    return any("Safety alert" in (e.get("title") or "") for e in message.embeds)


async def configure(bot: Bridgeline, world: StandardGuild, **changes: Any) -> None:
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, **changes)


async def next_alert(fake: FakeDiscord, world: StandardGuild) -> FakeMessage:
    return await fake.wait_for_message(world.mod_alerts, is_alert)


async def stored(bot: Bridgeline, flagged: FakeMessage) -> Alert:
    """The alert row for a flagged message (complete once its post is out)."""
    alert_id = await bot.db.fetchval(
        "SELECT id FROM safety_alerts WHERE message_id = ?", (flagged.id,)
    )
    found = await alerts.get_alert(bot.db, alert_id)
    assert found is not None
    return found


def bot_posts(fake: FakeDiscord, world: StandardGuild, channel: Any) -> list[FakeMessage]:
    return [m for m in fake.messages(channel) if m.author is fake.bot_user]


# --- response modes -------------------------------------------------------------------------


async def test_nudge_mode_posts_a_neutral_nudge_only_the_author_can_open(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="GB")  # default mode: nudge
    said = await fake.send_message(world.general, world.you, IMMINENT_LEET)
    nudge = await fake.wait_for_message(world.general)
    responses = bot.content.safety.responses
    assert nudge.content == f"<@{world.you.user.id}> {responses.nudge_text}"
    assert nudge.reference_id is None  # a reply would show the member's words again
    sent = next(
        r
        for r in fake.requests
        if isinstance(r.body, dict) and r.body.get("content") == nudge.content
    )
    assert sent.body["allowed_mentions"]["parse"] == []  # named, not pinged
    assert "k1ll" not in nudge.text and "myself" not in nudge.text.lower()

    alert_post = await next_alert(fake, world)
    assert "crisis" in alert_post.text.lower() and "IMMINENT" in alert_post.text
    assert f"/{world.general.id}/{said.id}" in alert_post.text  # jump link
    assert "k1ll" not in alert_post.text and "tonight" not in alert_post.text
    assert str(world.you.user.id) not in alert_post.text

    other = await fake.click(nudge, responses.nudge_button, world.mod)
    refused = await other.response()
    assert refused.ephemeral and "meant for" in refused.text

    mine = await fake.click(nudge, responses.nudge_button, world.you)
    private = await mine.response()
    assert private.ephemeral
    text = private.text
    assert text.index("999") < text.index("automated message")  # emergency first: imminent
    assert "Samaritans" in text and "findahelpline.com" in text
    assert "k1ll" not in text and "tonight" not in text


async def test_dm_mode_answers_privately_and_posts_nothing_public(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, safety_mode="dm", region="US")
    await fake.send_message(world.general, world.you, HIDDEN_ZWSP)
    dm = await fake.wait_for_dm(world.you)
    assert "988" in dm.text and "only you can see this" in dm.text.lower()
    assert "emergency" not in dm.text.lower()  # not imminent: no emergency number first
    alert_post = await next_alert(fake, world)
    assert "by DM" in alert_post.text
    assert bot_posts(fake, world, world.general) == []


async def test_dm_mode_with_closed_dms_falls_back_to_the_nudge(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, safety_mode="dm")
    fake.close_dms(world.you)
    await fake.send_message(world.general, world.you, CRISIS)
    nudge = await fake.wait_for_message(world.general)
    assert nudge.content.endswith(bot.content.safety.responses.nudge_text)
    alert_post = await next_alert(fake, world)
    assert "DMs are closed" in alert_post.text
    assert fake.dms(world.you) == []


async def test_mods_mode_alerts_without_any_member_facing_reply(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, safety_mode="mods")
    await fake.send_message(world.general, world.you, "he hit me again and i'm scared of him")
    alert_post = await next_alert(fake, world)
    assert "danger" in alert_post.text.lower() and "moderators only" in alert_post.text
    assert bot_posts(fake, world, world.general) == [] and fake.dms(world.you) == []


# --- what is and is not flagged ---------------------------------------------------------------


async def test_idioms_stay_silent(fake: FakeDiscord, world: StandardGuild, bot: Bridgeline) -> None:
    await configure(bot, world)
    for text in IDIOMS:
        await fake.send_message(world.general, world.you, text)
    # A flagged message afterwards: once its alert is out, the idioms have long been handled.
    sentinel = await fake.send_message(world.general, world.mod, CRISIS)
    alert_post = await next_alert(fake, world)
    assert f"/{sentinel.id}" in alert_post.text
    posts = bot_posts(fake, world, world.general)
    assert [p.content.split()[0] for p in posts] == [f"<@{world.mod.user.id}>"]
    assert [a.message_id for a in await alerts.unresolved(bot.db, world.guild.id)] == [sentinel.id]


async def test_one_alert_per_message_even_with_several_hits_or_an_edit(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    said = await fake.send_message(
        world.general, world.you, "he choked me last night and honestly i want to die"
    )
    alert_post = await next_alert(fake, world)
    assert "Crisis" in alert_post.text and "Danger" in alert_post.text
    await fake.edit_message(said, "he choked me last night and honestly i just want to die now")
    later = await fake.send_message(world.general, world.mod, CRISIS)
    second = await next_alert(fake, world)
    assert f"/{later.id}" in second.text
    found = await alerts.unresolved(bot.db, world.guild.id)
    assert [a.message_id for a in found] == [said.id, later.id]


async def test_an_edit_that_adds_a_crisis_statement_is_noticed(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, safety_mode="mods")
    said = await fake.send_message(world.general, world.you, "rough week")
    await fake.edit_message(said, "rough week. i want to d1e")
    alert_post = await next_alert(fake, world)
    assert f"/{said.id}" in alert_post.text


async def test_messages_to_the_bot_in_dms_are_answered_there(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    await fake.send_dm(world.you, CRISIS)
    reply = await fake.wait_for_dm(world.you)
    assert "findahelpline.com" in reply.text
    assert await alerts.unresolved(bot.db, world.guild.id) == []


# --- cooldown ---------------------------------------------------------------------------------


async def test_cooldown_one_reply_per_six_hours_but_imminent_breaks_through_hourly(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await configure(bot, world)

    async def post(text: str) -> tuple[FakeMessage, Alert]:
        said = await fake.send_message(world.general, world.you, text)
        await fake.wait_for_message(
            world.mod_alerts, lambda m: is_alert(m) and f"/{said.id}" in m.text
        )
        return said, await stored(bot, said)

    def nudges_for(message: FakeMessage) -> list[FakeMessage]:
        return [p for p in bot_posts(fake, world, world.general) if p.id > message.id]

    first, a1 = await post(CRISIS)
    assert a1.member_reply == "nudge" and len(nudges_for(first)) == 1
    second, a2 = await post(CRISIS_AGAIN)
    assert a2.member_reply == "cooldown" and nudges_for(second) == []  # alert still raised

    clock.advance(timedelta(minutes=20))
    urgent, a3 = await post(IMMINENT_LEET)
    assert a3.member_reply == "nudge" and len(nudges_for(urgent)) == 1  # imminent bypass
    clock.advance(timedelta(minutes=30))
    again, a4 = await post("i'm going to kill myself tonight")
    assert a4.member_reply == "cooldown" and nudges_for(again) == []  # once an hour only

    clock.advance(timedelta(hours=6))
    later, a5 = await post(CRISIS)
    assert a5.member_reply == "nudge" and len(nudges_for(later)) == 1


# --- check-ins --------------------------------------------------------------------------------


async def test_flagged_checkin_gets_private_resources_and_an_anonymous_alert(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await configure(bot, world, region="AU", safety_mode="mods")
    seen: list[discord.Interaction] = []

    async def capture(interaction: discord.Interaction) -> None:
        seen.append(interaction)

    bot.add_listener(capture, "on_interaction")
    command = await fake.slash("resources show", None, world.you, world.check_ins)
    await command.response()  # stands in for the check-in modal the check-ins cog answers
    bot.remove_listener(capture, "on_interaction")
    detection = bot.scanner.scan("he tracks my phone and won't let me see my friends")
    assert detection.flagged
    bot.dispatch("checkin_flagged", seen[0], detection, "C-7F3A")

    followups = await command.followups(2)  # the member's one-time welcome, and the reply
    private = next(m for m in followups if "First time" not in m.text)
    assert private.ephemeral and "1800RESPECT" in private.text
    assert "phone or computer" in private.text  # device-safety hint for abuse signs
    assert "counselling" not in private.text.replace("not a counsellor", "")
    clock.advance(DEFAULT_DELAY[1])  # not imminent: it reaches moderators after a random delay
    alert_post = await next_alert(fake, world)
    assert "private check-in `C-7F3A`" in alert_post.text
    assert "Anonymous" not in alert_post.text and f"<#{world.check_ins.id}>" not in alert_post.text
    assert str(world.you.user.id) not in alert_post.text and "tracks" not in alert_post.text
    alert_id = await bot.db.fetchval(
        "SELECT id FROM safety_alerts WHERE checkin_ref = ?", ("C-7F3A",)
    )
    alert = await alerts.get_alert(bot.db, alert_id)
    assert alert is not None and alert.channel_id is None  # nothing to narrow the writer down
    assert not alert.revealed and alert.member_reply == "ephemeral"

    reveal = await fake.click(private, "Ask a moderator to reach out", world.you)
    answer = await reveal.followups(1)
    assert "moderators have been told" in answer[0].text and "000" in answer[0].text
    told = await fake.wait_for_message(
        world.mod_alerts, lambda m: "asked a moderator to reach out" in m.text
    )
    assert f"<@{world.you.user.id}>" in told.text and told.mentions == []
    assert (await alerts.get_alert(bot.db, alert.id)).revealed  # type: ignore[union-attr]
    await fake.wait_until(
        lambda: True if "Author asked for contact" in alert_post.text else None,
        HANG_GUARD,
        "alert edit",
    )
    twice = await fake.click(private, "Ask a moderator to reach out", world.you)
    assert "already asked" in (await twice.followups(1))[0].text


async def test_a_crisis_checkin_through_the_checkins_cog_reaches_the_safety_cog(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="GB", checkin_channel_id=world.check_ins.id)
    await (await fake.slash("checkin new", None, world.you, "general")).modal_shown()
    fields = {"checkin:mood": "1", "checkin:body": "I want to kill myself tonight"}
    submitted = await fake.submit_modal(fields, world.you)
    saved = await submitted.response()
    ref = saved.text.split("Reference ")[1].split()[0]
    private = (await submitted.followups(1))[0]
    assert private.ephemeral and private.text.index("999") < private.text.index("automated")
    assert private.button("Ask a moderator to reach out")
    alert_post = await fake.wait_for_message(
        world.mod_alerts, lambda m: is_alert(m) and ref in m.text
    )
    assert "IMMINENT" in alert_post.text and "kill" not in alert_post.text
    assert str(world.you.user.id) not in alert_post.text


# --- Discord failing --------------------------------------------------------------------------


async def test_missing_permission_for_the_nudge_is_reported_to_moderators(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    general = str(world.general.id)
    fake.faults.add(
        NUDGE_ROUTE, 403, 50013, times=None, match=lambda p, _b: p.get("channel_id") == general
    )
    await fake.send_message(world.general, world.you, CRISIS)
    alert_post = await next_alert(fake, world)
    assert (
        "missing permission" in alert_post.text and "Could not reach the member" in alert_post.text
    )


async def test_rate_limited_alert_is_still_delivered(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, safety_mode="mods")
    alerts_id = str(world.mod_alerts.id)
    limited = fake.faults.add(
        NUDGE_ROUTE, 429, times=2, match=lambda p, _b: p.get("channel_id") == alerts_id
    )
    await fake.send_message(world.general, world.you, CRISIS)
    await next_alert(fake, world)
    assert limited.hits == 2


async def test_unreachable_moderators_keep_the_alert_until_it_can_be_delivered(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
) -> None:
    alerts_id = str(world.mod_alerts.id)
    blocked = fake.faults.add(
        NUDGE_ROUTE, 403, 50013, times=None, match=lambda p, _b: p.get("channel_id") == alerts_id
    )
    fake.close_dms(world.owner)  # the owner fallback fails too
    async with run_bot(make_bridgeline(), fake) as bot:
        await configure(bot, world)
        said = await fake.send_message(world.general, world.you, CRISIS)
        await fake.wait_for_message(world.general)  # the nudge: the alert row exists by now
        listed = await fake.slash("alerts open", None, world.mod, world.general)
        shown = (await listed.response()).text
        assert "not delivered" in shown and f"/{said.id}" in shown
    fake.faults.active.remove(blocked)
    async with run_bot(make_bridgeline(), fake) as bot:  # the retry pass runs at start-up
        alert_post = await next_alert(fake, world)
        assert f"/{said.id}" in alert_post.text
        assert [m for m in fake.messages(world.mod_alerts) if is_alert(m)] == [alert_post]
