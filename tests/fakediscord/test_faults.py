"""How discord.py behaves under each fault the fake can inject (with the minimal bot)."""

from __future__ import annotations

from typing import Any

import discord

from bot.fakediscord import HANG_GUARD, FakeDiscord, StandardGuild

SEND = "POST /channels/{channel_id}/messages"
CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"


def attempts(fake: FakeDiscord, route: str) -> list[int]:
    return [r.status for r in fake.requests if r.route == route]


async def test_rate_limit_is_waited_out(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    fake.faults.rate_limit(SEND, retry_after=0.05)
    await fake.send_message(world.general, world.you, "!hello")
    assert (await fake.wait_for_message(world.general)).content == "hello you"
    assert attempts(fake, SEND) == [429, 200]


async def test_server_error_is_retried(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    fake.faults.server_error(SEND, status=502, times=2)
    await fake.send_message(world.general, world.you, "!hello")
    assert (await fake.wait_for_message(world.general)).content == "hello you"
    assert attempts(fake, SEND) == [502, 502, 200]


async def test_persistent_server_error_gives_up(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    fake.faults.server_error(SEND, status=500, times=None)
    await fake.send_message(world.general, world.you, "!hello")
    await fake.wait_until(lambda: bot.errors or None, HANG_GUARD, "bot error")
    assert isinstance(bot.errors[0], discord.DiscordServerError)
    assert attempts(fake, SEND) == [500] * 5


async def test_missing_permissions_fault_and_real_permissions(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    fake.faults.missing_permissions(SEND)
    await fake.send_message(world.general, world.you, "!hello")
    await fake.wait_until(lambda: bot.errors or None, HANG_GUARD, "bot error")
    assert isinstance(bot.errors[0], discord.Forbidden) and bot.errors[0].code == 50013
    no_send = discord.Permissions(send_messages=True)
    await fake.set_overwrite(world.general, fake.bot_user, deny=no_send)
    await fake.send_message(world.general, world.you, "!hello")
    await fake.wait_until(lambda: bot.errors[1:] or None, HANG_GUARD, "second bot error")
    assert bot.errors[1].code == 50013
    assert attempts(fake, SEND) == [403, 403]


async def test_unknown_channel_after_delete(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    stale = bot.get_channel(world.daily_prompt.id)
    deleted = bot.wait_for("guild_channel_delete", timeout=HANG_GUARD)
    await fake.delete_channel(world.daily_prompt)
    await deleted
    try:
        await stale.send("anyone there?")
        raise AssertionError("send to a deleted channel succeeded")
    except discord.NotFound as exc:
        assert exc.code == 10003


async def test_deadline_exceeded(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    fake.faults.deadline_exceeded = True
    inter = await fake.slash("ping", user=world.you, channel=world.general)
    await fake.wait_until(lambda: bot.errors or None, HANG_GUARD, "bot error")
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062
    assert inter.callbacks == [] and attempts(fake, CALLBACK) == [404]


async def test_double_acknowledgement_fault(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    fake.faults.add(CALLBACK, 400, 40060)
    await fake.slash("ping", user=world.you, channel=world.general)
    await fake.wait_until(lambda: bot.errors or None, HANG_GUARD, "bot error")
    assert isinstance(bot.errors[0], discord.HTTPException) and bot.errors[0].code == 40060


async def test_expired_token_fails_followups(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    fake.faults.add(CALLBACK, 500, times=0)  # no-op fault: times=0 never fires
    inter = await fake.slash("ping", user=world.you, channel=world.general)
    await inter.response()
    inter.expire_token()
    try:
        await bot.get_channel(world.general.id).send("unrelated")  # normal sends still work
        webhook = discord.Webhook.partial(fake.application_id, inter.token, client=bot)
        await webhook.send("late followup", wait=True)
        raise AssertionError("followup with an expired token succeeded")
    except discord.HTTPException as exc:
        assert exc.status == 401 and exc.code == 50027


async def test_dropped_socket_resumes_and_replays(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    await fake.gateway.drop()
    await fake.send_message(world.general, world.you, "!hello")  # buffered while down
    assert (await fake.wait_for_message(world.general)).content == "hello you"
    assert fake.gateway.resume_count == 1 and fake.gateway.identify_count == 1
    await fake.drop_connection()
    inter = await fake.slash("ping", user=world.you, channel=world.general)
    assert (await inter.reply()).content == "pong"
    assert fake.gateway.resume_count == 2
