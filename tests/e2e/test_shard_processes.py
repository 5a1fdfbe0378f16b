"""Two bot processes sharing the shards, through the real discord.py client: each sees only its
servers, DMs reach shard 0 only, and a DM button on a message one process sent is handled by
the other (the one running shard 0) from the database and Discord alone.

Both bots run in this test's event loop (one "process" each: own client, cache and database
connection, one SQLite file), against one fake Discord with two shards."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.client import Bridgeline, ShardedBridgeline, make_bridgeline
from bot.clock import FakeClock
from bot.config import Settings
from bot.content import Content
from bot.fakediscord import FakeDiscord, StandardGuild, run_bot
from bot.gateway_intake import is_paced
from bot.sharding import ShardPlan, shard_of
from bot.storage.guilds import update_settings

SHARDS = 2
HIDDEN_ZWSP = "i w\u200bant to d\u200bie"
CRISIS = "honestly i just want to die"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(shards=SHARDS) as running:
        yield running
        running.assert_no_violations()


async def _guild_on(fake: FakeDiscord, shard: int) -> StandardGuild:
    """A standard guild whose id lands on `shard` (ids come from the clock: try a few)."""
    for _ in range(200):
        world = await fake.standard_guild()
        if shard_of(world.guild.id, SHARDS) == shard:
            return world
    raise AssertionError(f"no guild id on shard {shard}")


@pytest.fixture
def make_process(
    settings: Settings, shipped_content: Content, clock: FakeClock
) -> Callable[[int], Bridgeline]:
    def factory(shard_id: int) -> Bridgeline:
        plan = ShardPlan(SHARDS, (shard_id,))
        return make_bridgeline(
            settings,
            shipped_content,
            shards=plan,
            clock=clock,
            guild_ready_timeout=0.02,
            identify_spacing=0.0,
        )

    return factory


def _received(bot: Bridgeline, event: str) -> list[Any]:
    seen: list[Any] = []

    async def capture(*args: Any) -> None:
        seen.append(args[0])

    bot.add_listener(capture, f"on_{event}")
    return seen


async def test_each_process_sees_only_the_servers_on_its_shards(
    fake: FakeDiscord, make_process: Callable[[int], Bridgeline]
) -> None:
    on_zero, on_one = await _guild_on(fake, 0), await _guild_on(fake, 1)
    async with run_bot(make_process(0), fake) as first, run_bot(make_process(1), fake) as second:
        assert sorted(fake.gateway.sessions) == [0, 1]
        assert isinstance(first, ShardedBridgeline) and first.shard_ids == [0]
        assert on_zero.guild.id in {g.id for g in first.guilds}
        assert on_one.guild.id in {g.id for g in second.guilds}
        for bot in (first, second):
            assert all(bot.owns_guild(g.id) for g in bot.guilds) and bot.guilds
        assert not {g.id for g in first.guilds} & {g.id for g in second.guilds}

        # A message in a server reaches that server's shard only.
        heard_first, heard_second = _received(first, "message"), _received(second, "message")
        said = await fake.send_message(on_one.general, on_one.you, "hello everyone")
        await fake.wait_until(lambda: True if heard_second else None, what="message on shard 1")
        assert [m.id for m in heard_second] == [said.id] and heard_first == []
        for bot in (first, second):  # each shard's reader yields in bursts (gateway_intake)
            sockets = bot.gateway_sockets()
            assert len(sockets) == 1 and all(is_paced(ws) for ws in sockets)


async def test_a_dm_reaches_only_shard_zero(
    fake: FakeDiscord, make_process: Callable[[int], Bridgeline]
) -> None:
    world = await _guild_on(fake, 1)
    async with run_bot(make_process(0), fake) as first, run_bot(make_process(1), fake) as second:
        heard_first, heard_second = _received(first, "message"), _received(second, "message")
        sent = await fake.send_dm(world.you, CRISIS)
        reply = await fake.wait_for_dm(world.you)
        assert "findahelpline.com" in reply.text  # answered, by shard 0's process
        assert [m.id for m in heard_first] == [sent.id] and heard_second == []
        dm_events = [
            p
            for p in fake.gateway.sessions[1].buffer
            if p["d"].get("channel_id") == str(sent.channel.id)
        ]
        assert dm_events == []


async def test_a_dm_button_sent_by_one_process_is_handled_by_the_other(
    fake: FakeDiscord, make_process: Callable[[int], Bridgeline]
) -> None:
    world = await _guild_on(fake, 1)  # the server is process B's; DMs go to process A
    async with run_bot(make_process(0), fake) as a, run_bot(make_process(1), fake) as b:
        await update_settings(
            b.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, safety_mode="dm",
            region="US",
        )  # fmt: skip
        clicks_a, clicks_b = _received(a, "interaction"), _received(b, "interaction")
        await fake.send_message(world.general, world.you, HIDDEN_ZWSP)
        private = await fake.wait_for_dm(world.you)  # sent by B, which runs the server
        alert_post = await fake.wait_for_message(
            world.mod_alerts,
            lambda m: any("Safety alert" in (e.get("title") or "") for e in m.embeds),
        )

        reveal = await fake.click(private, "Ask a moderator to reach out", world.you)
        answer = await reveal.followups(1)
        assert "moderators have been told" in answer[0].text
        assert len(clicks_a) == 1 and clicks_b == []  # the press reached A, not B
        told = await fake.wait_for_message(
            world.mod_alerts, lambda m: "asked a moderator to reach out" in m.text
        )
        assert f"<@{world.you.user.id}>" in told.text
        # A, which has no cache of the server, still updated B's alert post by id.
        await fake.wait_until(
            lambda: True if "Author asked for contact" in alert_post.text else None,
            what="the alert post to show the request",
        )
        assert a.get_guild(world.guild.id) is None
