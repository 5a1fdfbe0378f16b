"""A member asking how to help someone in crisis gets a private how-to-help note with the
crisis lines, and moderators get no alert: the label rules say it is not the writer's risk."""

from __future__ import annotations

from collections.abc import Callable

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.safety_service import alerts
from bot.storage.guilds import update_settings

WORRIED = "my sister says she wants to die, what do i say?"
CRISIS = "honestly i just want to die"


def alert_for(message: FakeMessage) -> Callable[[FakeMessage], bool]:
    return lambda posted: f"/{message.id}" in posted.text and bool(posted.embeds)


async def setup(bot: Bridgeline, world: StandardGuild, mode: str) -> None:
    await update_settings(
        bot.db,
        world.guild.id,
        alerts_channel_id=world.mod_alerts.id,
        safety_mode=mode,
        region="GB",
    )


async def test_a_worried_member_gets_how_to_help_privately_and_no_alert(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await setup(bot, world, "dm")
    await fake.send_message(world.general, world.you, WORRIED)
    dm = await fake.wait_for_dm(world.you)
    assert "worried about someone" in dm.text and "116 123" in dm.text and "999" in dm.text
    assert "sister" not in dm.text and "wants to die" not in dm.text  # nothing echoed back
    sentinel = await fake.send_message(world.general, world.owner, CRISIS)
    await fake.wait_for_message(world.mod_alerts, alert_for(sentinel))
    found = await alerts.unresolved(bot.db, world.guild.id)
    assert [a.message_id for a in found] == [sentinel.id]
    assert [m for m in fake.messages(world.general) if m.author is fake.bot_user] == []
    await fake.send_message(world.general, world.you, WORRIED)  # once per cooldown
    later = await fake.send_message(world.general, world.owner, "i want to d1e")
    await fake.wait_for_message(world.mod_alerts, alert_for(later))
    assert len(fake.dms(world.you)) == 1


async def test_mods_mode_sends_the_worried_member_nothing(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await setup(bot, world, "mods")
    await fake.send_message(world.general, world.you, WORRIED)
    sentinel = await fake.send_message(world.general, world.owner, CRISIS)
    await fake.wait_for_message(world.mod_alerts, alert_for(sentinel))
    assert fake.dms(world.you) == []
    assert [a.message_id for a in await alerts.unresolved(bot.db, world.guild.id)] == [sentinel.id]
