"""What the member and the moderators read, end to end: an imminent message leads with the
emergency number in every mode that answers the member, moderators get an alert marked
imminent, danger at high shows the number, two kinds of concern get one reply with both kinds of
help, and nothing the member wrote comes back in any reply."""

from __future__ import annotations

from typing import Any

import pytest

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.storage.guilds import update_settings

IMMINENT = "i'm going to kill myself tonight"
IMMINENT_WORDS = ("kill", "myself", "tonight")
DANGER_HIGH = "he has a knife and said he will kill me"
BOTH = "he choked me and i'm going to kill myself tonight"


def is_alert(message: FakeMessage) -> bool:
    return any("Safety alert" in (e.get("title") or "") for e in message.embeds)


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def assert_not_echoed(text: str, words: tuple[str, ...]) -> None:
    lowered = text.lower()
    assert not [w for w in words if w in lowered], text


async def configure(bot: Bridgeline, world: StandardGuild, **changes: Any) -> None:
    await update_settings(
        bot.db,
        world.guild.id,
        alerts_channel_id=world.mod_alerts.id,
        moderator_role_id=world.moderator_role.id,
        **changes,
    )


async def imminent_alert(fake: FakeDiscord, world: StandardGuild, said: FakeMessage) -> str:
    """The alert for `said`: marked imminent in its title and in a line that pings the
    moderator role (and only that role); never the member's words."""
    post = await fake.wait_for_message(
        world.mod_alerts, lambda m: is_alert(m) and f"/{said.id}" in m.text
    )
    title = post.embeds[0]["title"]
    assert "IMMINENT" in title
    assert post.content.startswith(f"<@&{world.moderator_role.id}> **Imminent safety alert")
    sent = next(
        r
        for r in fake.requests
        if isinstance(r.body, dict) and r.body.get("content") == post.content
    )
    mentions = sent.body["allowed_mentions"]
    assert mentions["roles"] == [str(world.moderator_role.id)] or mentions["roles"] == [
        world.moderator_role.id
    ]
    assert "everyone" not in mentions.get("parse", [])
    return post.text


@pytest.mark.parametrize("mode", ["nudge", "dm"])
async def test_every_answering_mode_leads_an_imminent_message_with_the_emergency_number(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, mode: str
) -> None:
    await configure(bot, world, region="GB", safety_mode=mode)
    said = await fake.send_message(world.general, world.you, IMMINENT)
    if mode == "nudge":
        nudge = await fake.wait_for_message(world.general)
        assert_not_echoed(nudge.text, IMMINENT_WORDS)
        opened = await fake.click(nudge, bot.content.safety.responses.nudge_button, world.you)
        callback = await opened.response()
        assert callback.ephemeral and callback.message is not None
        private = callback.message
    else:
        private = await fake.wait_for_dm(world.you)
    text = private.text
    assert "999" in first_line(text)  # the title: the first thing the member sees
    assert "999" in first_line(private.embeds[0]["description"])  # and the body's first line
    assert "Samaritans" in text and "findahelpline.com" in text
    assert_not_echoed(text, IMMINENT_WORDS)
    alert_text = await imminent_alert(fake, world, said)
    assert_not_echoed(alert_text, IMMINENT_WORDS)


async def test_moderators_only_mode_still_marks_the_alert_imminent(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, safety_mode="mods")
    said = await fake.send_message(world.general, world.you, IMMINENT)
    alert_text = await imminent_alert(fake, world, said)
    assert "moderators only" in alert_text and fake.dms(world.you) == []


async def test_a_direct_message_to_the_bot_leads_with_an_emergency_number_too(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await fake.send_dm(world.you, IMMINENT)
    reply = await fake.wait_for_dm(world.you)
    assert "your local emergency number" in first_line(reply.text)  # no region in a DM
    assert_not_echoed(reply.text, IMMINENT_WORDS)


async def test_danger_at_high_shows_the_emergency_number(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="AU", safety_mode="dm")
    said = await fake.send_message(world.general, world.you, DANGER_HIGH)
    text = (await fake.wait_for_dm(world.you)).text
    assert "call 000" in text and "1800RESPECT" in text
    assert "000" not in first_line(text)  # not imminent: the helpline leads
    assert_not_echoed(text, ("knife", "kill"))
    post = await fake.wait_for_message(
        world.mod_alerts, lambda m: is_alert(m) and f"/{said.id}" in m.text
    )
    assert "IMMINENT" not in post.text and post.content == ""


async def test_two_kinds_of_concern_get_both_kinds_of_help_in_one_reply(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="GB", safety_mode="dm")
    said = await fake.send_message(world.general, world.you, BOTH)
    dm = await fake.wait_for_dm(world.you)
    text = dm.text
    assert "999" in first_line(text)
    assert "Samaritans" in text and "National Domestic Abuse Helpline" in text
    assert "not your fault" in text and "phone or computer" in text
    assert "counsell" not in text.replace("not a counsellor", "")
    assert_not_echoed(text, ("choked", *IMMINENT_WORDS))
    alert_text = await imminent_alert(fake, world, said)
    assert "Crisis" in alert_text and "Danger" in alert_text
    assert len(fake.dms(world.you)) == 1  # one reply, not one per category
