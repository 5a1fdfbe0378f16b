"""Moderator alerts end to end: both buttons (and the member's nudge) across a restart, who may press them, the audit
trail, /alerts open with jump links and age, and a deleted alerts channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild, run_bot
from bot.safety_service import alerts
from bot.storage import audit
from bot.storage.guilds import update_settings

pytestmark = pytest.mark.both_backends

CRISIS = "honestly i just want to die"
ABUSE = "he gives me the silent treatment every time i see my friends"


def is_alert(message: FakeMessage) -> bool:
    return any("Safety alert" in (e.get("title") or "") for e in message.embeds)


async def test_alert_buttons_work_across_a_restart(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> None:
    async with run_bot(make_bridgeline(), fake) as first:
        await update_settings(first.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
        said = await fake.send_message(world.general, world.you, ABUSE)
        nudge = await fake.wait_for_message(world.general)
        post = await fake.wait_for_message(world.mod_alerts, is_alert)
    assert "abuse" in post.text.lower() and f"/{said.id}" in post.text
    assert "silent treatment" not in post.text and "friends" not in post.text  # never quoted
    assert [b["label"] for b in post.buttons] == ["I'm on it", "Resolved"]

    async with run_bot(make_bridgeline(), fake) as second:  # same data dir, same fake
        button = second.content.safety.responses.nudge_button
        opened = await (await fake.click(nudge, button, world.you)).response()
        assert opened.ephemeral and "not your fault" in opened.text  # the nudge survived too

        member = await fake.click(post, "I'm on it", world.you)
        refused = await member.response()
        assert refused.ephemeral and "moderators" in refused.text
        assert "is on it" not in post.text

        claim = await fake.click(post, "I'm on it", world.mod)
        assert (await claim.response()).type == 7  # the alert post is updated in place
        assert f"<@{world.mod.user.id}> is on it" in post.text

        resolve = await fake.click(post, "Resolved", world.owner)
        assert (await resolve.response()).type == 7
        assert f"Resolved by <@{world.owner.user.id}>" in post.text
        assert all(b.get("disabled") for b in post.buttons)

        rows = await second.db.fetchall("SELECT * FROM safety_alerts")
        assert [(r["status"], r["claimed_by"], r["resolved_by"]) for r in rows] == [
            ("resolved", world.mod.user.id, world.owner.user.id)
        ]
        trail = await audit.recent(second.db, world.guild.id)
        assert [(e.action, e.actor_id, e.target) for e in trail[:2]] == [
            ("alert.resolved", world.owner.user.id, f"alert-{rows[0]['id']}"),
            ("alert.claimed", world.mod.user.id, f"alert-{rows[0]['id']}"),
        ]
        assert await alerts.unresolved(second.db, world.guild.id) == []


async def test_alerts_open_lists_unresolved_alerts_with_links_and_age(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await update_settings(
        bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, safety_mode="mods"
    )
    first = await fake.send_message(world.general, world.you, CRISIS)
    first_post = await fake.wait_for_message(world.mod_alerts, is_alert)
    clock.advance(timedelta(hours=3))
    second = await fake.send_message(world.check_ins, world.you, ABUSE)
    await fake.wait_for_message(world.mod_alerts, lambda m: is_alert(m) and m.id > first_post.id)
    clock.advance(timedelta(minutes=30))

    claim = await fake.click(first_post, "I'm on it", world.mod)
    await claim.response()
    member = await fake.slash("alerts open", None, world.you, world.general)
    assert "moderators" in (await member.response()).text

    shown = await (await fake.slash("alerts open", None, world.mod, world.general)).response()
    assert shown.ephemeral
    text = shown.text
    assert "Open safety alerts (2)" in text
    assert f"/{first.id}" in text and f"/{second.id}" in text
    assert "3 h ago" in text and "30 min ago" in text
    assert f"<@{world.mod.user.id}> is on it" in text
    assert text.index(f"/{first.id}") < text.index(f"/{second.id}")  # oldest first
    assert "want to die" not in text and "silent treatment" not in text


async def test_deleted_alerts_channel_falls_back_to_the_owner(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(
        bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, safety_mode="mods"
    )
    await fake.delete_channel(world.mod_alerts)
    await fake.send_message(world.general, world.you, CRISIS)
    dm = await fake.wait_for_dm(world.owner)
    assert "Safety alert" in dm.text and "want to die" not in dm.text


async def test_im_on_it_asks_before_taking_over_another_moderators_claim(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
    await fake.send_message(world.general, world.you, ABUSE)
    post = await fake.wait_for_message(world.mod_alerts, is_alert)
    await (await fake.click(post, "I'm on it", world.mod)).response()
    assert f"<@{world.mod.user.id}> is on it" in post.text

    asked = await (await fake.click(post, "I'm on it", world.owner)).response()
    assert asked.ephemeral and asked.type == 4
    assert f"<@{world.mod.user.id}> is already on this alert" in asked.text
    assert f"<@{world.mod.user.id}> is on it" in post.text  # nothing taken yet
    assert asked.message is not None
    await (await fake.click(asked.message, "Cancel", world.owner)).response()
    assert f"<@{world.mod.user.id}> is on it" in post.text

    asked = await (await fake.click(post, "I'm on it", world.owner)).response()
    assert asked.message is not None
    await (await fake.click(asked.message, "Take over", world.owner)).response()
    assert "You're on it now" in asked.message.text
    await fake.wait_until(
        lambda: True if f"<@{world.owner.user.id}> is on it" in post.text else None,
        what="the alert post shows the new claim",
    )
    trail = await audit.recent(bot.db, world.guild.id)
    assert (trail[0].action, trail[0].actor_id) == ("alert.taken_over", world.owner.user.id)
    again = await fake.click(post, "I'm on it", world.owner)  # own claim: no question
    assert (await again.response()).type == 7


IMMINENT = "i'm going to kill myself tonight"


async def test_each_alert_reads_the_settings_as_they_are_when_its_message_comes(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """An alert carries its server's settings along (read once), and nothing keeps them for
    the next alert: a change between two alerts (here through the database, as another process
    or the purge would write it) is what the second one follows."""
    await update_settings(
        bot.db,
        world.guild.id,
        alerts_channel_id=world.mod_alerts.id,
        moderator_role_id=world.moderator_role.id,
        safety_mode="nudge",
    )
    first = await fake.send_message(world.general, world.you, IMMINENT)
    post = await fake.wait_for_message(world.mod_alerts, lambda m: f"/{first.id}" in m.text)
    assert post.content.startswith(f"<@&{world.moderator_role.id}> ")
    await update_settings(
        bot.db,
        world.guild.id,
        alerts_channel_id=world.daily_prompt.id,
        moderator_role_id=world.owner_role.id,
        safety_mode="mods",
    )
    second = await fake.send_message(world.general, world.mod, IMMINENT)
    moved = await fake.wait_for_message(world.daily_prompt, lambda m: f"/{second.id}" in m.text)
    assert is_alert(moved) and moved.content.startswith(f"<@&{world.owner_role.id}> ")
    sent = next(
        r
        for r in fake.requests
        if isinstance(r.body, dict) and r.body.get("content") == moved.content
    )
    assert [str(role) for role in sent.body["allowed_mentions"]["roles"]] == [
        str(world.owner_role.id)
    ]
    assert [m for m in fake.messages(world.mod_alerts) if f"/{second.id}" in m.text] == []
    rows = await bot.db.fetchall("SELECT message_id, member_reply FROM safety_alerts ORDER BY id")
    assert [(r["message_id"], r["member_reply"]) for r in rows] == [
        (first.id, "nudge"),
        (second.id, "mods"),
    ]
