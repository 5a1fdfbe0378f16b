"""The fake's sharding seen by a plain discord.py AutoShardedClient: the recommended shard count,
READY per shard with only that shard's servers, 1,000 servers, and a bad shard refused."""

from __future__ import annotations

from collections import Counter

import discord
import pytest

from bot.fakediscord import FakeDiscord, run_bot
from bot.fakediscord.gateway import shard_of

SHARDS = 4


def sharded_client(**options: object) -> discord.AutoShardedClient:
    client = discord.AutoShardedClient(
        intents=discord.Intents(guilds=True), guild_ready_timeout=0.02, **options
    )

    async def before_identify_hook(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # the fake has no identify rate limit

    client.before_identify_hook = before_identify_hook  # type: ignore[method-assign]
    return client


async def test_a_thousand_servers_over_the_recommended_shards() -> None:
    async with FakeDiscord(shards=SHARDS) as fake:
        guilds = [await fake.add_guild(f"server {n}") for n in range(1000)]
        client = sharded_client()  # no shard_count: asks GET /gateway/bot
        async with run_bot(client, fake):
            assert client.shard_count == SHARDS and sorted(fake.gateway.sessions) == [0, 1, 2, 3]
            assert {g.id for g in client.guilds} == {g.id for g in guilds}
            for shard_id, session in fake.gateway.sessions.items():
                created = [p["d"]["id"] for p in session.buffer if p["t"] == "GUILD_CREATE"]
                expected = [str(g.id) for g in guilds if shard_of(g.id, SHARDS) == shard_id]
                assert sorted(created) == sorted(expected) and created
            seen = Counter(client.get_guild(g.id).shard_id for g in guilds)  # type: ignore[union-attr]
            assert sum(seen.values()) == 1000 and set(seen) == {0, 1, 2, 3}
            # Events reach the shard of their server, on that shard's socket.
            target = guilds[0]
            channel = await fake.add_channel(target, "late-addition")
            await fake.wait_until(lambda: client.get_channel(channel.id), what="CHANNEL_CREATE")
            owner = shard_of(target.id, SHARDS)
            for shard_id, session in fake.gateway.sessions.items():
                got = any(p["t"] == "CHANNEL_CREATE" for p in session.buffer)
                assert got == (shard_id == owner)
        fake.assert_no_violations()


async def test_a_shard_id_outside_the_count_is_refused() -> None:
    async with FakeDiscord(shards=2) as fake:
        client = sharded_client(shard_count=2, shard_ids=[2])
        with pytest.raises(discord.ConnectionClosed) as refused:
            async with run_bot(client, fake, timeout=10):
                pass
        assert refused.value.code == 4010


async def test_a_bot_process_killed_mid_session_is_dropped_and_its_events_kept() -> None:
    """kill -9 of a bot process: its socket dies without a close frame. Sending to it must not
    raise into whoever caused the event (another bot's request, the driver); the session just
    loses its socket and keeps buffering, as Discord does for a RESUME."""
    import aiohttp

    async with FakeDiscord() as fake:
        guild = await fake.add_guild("server")
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(fake.gateway_url)
            assert (await ws.receive_json())["op"] == 10
            identify = {"token": fake.token, "intents": 1, "properties": {}, "shard": [0, 1]}
            await ws.send_json({"op": 2, "d": identify})
            assert (await ws.receive_json())["t"] == "READY"
            session = fake.gateway.sessions[0]
            # The moment after the kill: the fake's end of the socket is closing, and its
            # reader has not noticed yet (how the scale-out bench met it).
            assert session.ws is not None
            session.ws._writer.transport.close()  # type: ignore[union-attr]
            for n in range(30):
                await fake.add_channel(guild, f"after-{n}")
            await fake.wait_until(lambda: True if session.ws is None else None, what="the drop")
            assert sum(p["t"] == "CHANNEL_CREATE" for p in session.buffer) == 30
