"""The meaning layer through the real client: a crisis worded in a way no pattern has is
answered and alerted like any other; switched off, the same words pass; laughter holds it back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from bot.client import Bridgeline
from bot.config import Settings
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild, run_bot
from bot.safety.scanner import SEMANTIC_RULE
from bot.safety_service import alerts
from bot.storage.guilds import update_settings

# Written for these tests and in no labelled set; no pattern matches it (checked below).
UNSEEN_CRISIS = "i keep imagining the quiet after im gone and it honestly sounds peaceful"
SENTINEL = "honestly i just want to die"


def is_alert(message: FakeMessage) -> bool:
    return any("Safety alert" in (e.get("title") or "") for e in message.embeds)


async def handlers_done() -> None:
    """Wait for every event handler discord.py has started (scans run off the loop, so a later
    message can be answered before an earlier one is done)."""
    while pending := [
        t
        for t in asyncio.all_tasks()
        if t.get_name().startswith("discord.py: on_") and t is not asyncio.current_task()
    ]:
        await asyncio.wait(pending)


async def only_the_sentinel_is_flagged(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, text: str
) -> None:
    """``text`` from a member, then a message that is surely flagged: once every handler is
    done, the sentinel is the only alert."""
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
    await fake.send_message(world.general, world.you, text)
    sentinel = await fake.send_message(world.general, world.mod, SENTINEL)
    alert_post = await fake.wait_for_message(world.mod_alerts, is_alert)
    assert f"/{sentinel.id}" in alert_post.text
    await handlers_done()
    flagged = [a.message_id for a in await alerts.unresolved(bot.db, world.guild.id)]
    assert flagged == [sentinel.id]


async def test_crisis_beyond_the_patterns_is_answered_by_dm_without_a_public_nudge(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """Nudge mode (the default): a guess of the meaning layer is not named in the channel, but
    a crisis is still answered privately, by DM; the alert says it was a resemblance."""
    assert not bot.scanner.detector.scan(UNSEEN_CRISIS).flagged
    await update_settings(
        bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, region="GB"
    )
    said = await fake.send_message(world.general, world.you, UNSEEN_CRISIS)
    dm = await fake.wait_for_dm(world.you)
    assert "Samaritans" in dm.text and "only you can see this" in dm.text.lower()
    assert "peaceful" not in dm.text and "quiet after" not in dm.text  # nothing echoed
    alert_post = await fake.wait_for_message(world.mod_alerts, is_alert)
    assert "crisis" in alert_post.text.lower() and f"/{said.id}" in alert_post.text
    assert "nothing public" in alert_post.text and "resemblance" in alert_post.text
    assert "by DM" in alert_post.text and "reach out" in alert_post.text
    assert "IMMINENT" not in alert_post.text  # a resemblance is never imminent by itself
    assert "peaceful" not in alert_post.text
    await handlers_done()
    assert [m for m in fake.messages(world.general) if m.author is fake.bot_user] == []
    assert (await alerts.get_alert(bot.db, 1)).member_reply == "guess_dm"  # type: ignore[union-attr]


async def test_a_guessed_crisis_with_closed_dms_posts_nothing_public(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    fake.close_dms(world.you)
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
    await fake.send_message(world.general, world.you, UNSEEN_CRISIS)
    alert_post = await fake.wait_for_message(world.mod_alerts, is_alert)
    assert "DMs are closed" in alert_post.text and "nothing was posted publicly" in alert_post.text
    await handlers_done()
    assert [m for m in fake.messages(world.general) if m.author is fake.bot_user] == []


async def test_in_dm_mode_a_guess_is_answered_privately(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(
        bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, safety_mode="dm"
    )
    await fake.send_message(world.general, world.you, UNSEEN_CRISIS)
    dm = await fake.wait_for_dm(world.you)
    assert "only you can see this" in dm.text.lower() and "peaceful" not in dm.text
    alert_post = await fake.wait_for_message(world.mod_alerts, is_alert)
    assert "Sent private resources by DM" in alert_post.text


async def test_a_guess_raised_to_imminent_still_gets_the_nudge(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    text = "i keep imagining the quiet after im gone and tonight it honestly sounds peaceful"
    found = bot.scanner.scan(text)
    assert found.severity == "imminent" and {h.rule for h in found.hits} == {SEMANTIC_RULE}
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
    await fake.send_message(world.general, world.you, text)
    nudge = await fake.wait_for_message(world.general)
    assert nudge.content.startswith(f"<@{world.you.user.id}>")
    assert "tonight" not in nudge.text and "peaceful" not in nudge.text


async def test_switched_off_the_same_words_pass(
    fake: FakeDiscord,
    world: StandardGuild,
    settings: Settings,
    make_bridgeline: Callable[..., Bridgeline],
) -> None:
    patterns_only = replace(settings, meaning_layer=False)
    async with run_bot(make_bridgeline(settings=patterns_only), fake) as bot:
        assert bot.scanner.meaning is None
        await only_the_sentinel_is_flagged(fake, world, bot, UNSEEN_CRISIS)


async def test_laughter_keeps_the_meaning_layer_quiet(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    # A joke the head alone does read as crisis (checked below), so the veto has work to do.
    joking = "everyone would be better off without me lmao"
    assert bot.scanner.meaning is not None
    (read,) = bot.scanner.meaning.categories([joking], ["balanced"])
    assert "crisis" in read  # what the veto holds back
    await only_the_sentinel_is_flagged(fake, world, bot, joking)
