"""A short reply is read with the message it answers, end to end: Discord sends the replied-to
message with the reply (``referenced_message``), and the bot answers the replier's own risk."""

from __future__ import annotations

from collections.abc import Callable

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.safety_service import alerts
from bot.storage.guilds import update_settings

CRISIS = "honestly i just want to die"


def alert_for(message: FakeMessage) -> Callable[[FakeMessage], bool]:
    return lambda posted: f"/{message.id}" in posted.text and bool(posted.embeds)


async def setup(bot: Bridgeline, world: StandardGuild) -> None:
    await update_settings(
        bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, safety_mode="dm"
    )


async def crisis_alerted(fake: FakeDiscord, world: StandardGuild, bot: Bridgeline) -> FakeMessage:
    """The moderator's crisis message, once its alert is out (dm mode)."""
    await setup(bot, world)
    first = await fake.send_message(world.general, world.mod, CRISIS)
    await fake.wait_for_message(world.mod_alerts, alert_for(first))
    return first


async def test_same_under_a_crisis_message_reaches_the_replier_privately(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    first = await crisis_alerted(fake, world, bot)
    reply = await fake.send_message(world.general, world.you, "same", reply_to=first)
    post = await fake.wait_for_message(world.mod_alerts, alert_for(reply))
    assert "Crisis" in post.text
    dm = await fake.wait_for_dm(world.you)
    assert "only you can see this" in dm.text.lower()
    assert CRISIS not in dm.text and "same" not in dm.text.split()  # nothing echoed back


async def test_support_under_a_crisis_message_and_a_reply_to_a_deleted_one_stay_quiet(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    first = await crisis_alerted(fake, world, bot)
    await fake.send_message(world.general, world.you, "please call someone", reply_to=first)
    gone = await fake.send_message(world.general, world.owner, "i want to d1e")
    await fake.wait_for_message(world.mod_alerts, alert_for(gone))
    await fake.delete_message(gone)
    await fake.send_message(world.general, world.you, "same", reply_to=gone)
    # A flagged message afterwards: once its alert is out, both replies have been handled.
    sentinel = await fake.send_message(world.general, world.owner, CRISIS)
    await fake.wait_for_message(world.mod_alerts, alert_for(sentinel))
    found = await alerts.unresolved(bot.db, world.guild.id)
    assert [a.message_id for a in found] == [first.id, gone.id, sentinel.id]
    assert fake.dms(world.you) == []
