"""Which process owns which server: Discord's shard formula, and the SQL filter that must agree
with it row for row."""

from __future__ import annotations

import aiosqlite
import pytest

from bot.sharding import ShardError, ShardPlan, parse_shard_plan, shard_of

# Snowflakes whose shard (of 4) is known: the timestamp part decides, not the low bits.
GUILDS = [(n << 22) | 0x3FFFFF for n in range(16)] + [
    1_100_000_000_000_000_000 + i for i in range(50)
]


def test_shard_of_follows_discords_formula() -> None:
    assert [shard_of(n << 22, 4) for n in range(6)] == [0, 1, 2, 3, 0, 1]
    assert shard_of(0x3FFFFF, 4) == 0  # the low 22 bits never move a server


def test_a_plan_owns_only_its_shards_and_dms_go_to_shard_zero() -> None:
    first, second = ShardPlan(4, (0, 1)), ShardPlan(4, (2, 3))
    for guild_id in GUILDS:
        assert first.owns(guild_id) != second.owns(guild_id)
    assert first.receives_dms and not second.receives_dms
    assert all(ShardPlan().owns(g) for g in GUILDS)


async def test_sql_filter_agrees_with_owns() -> None:
    plan = ShardPlan(4, (1, 3))
    async with aiosqlite.connect(":memory:") as conn:
        await conn.execute("CREATE TABLE t (guild_id INTEGER)")
        await conn.executemany("INSERT INTO t VALUES (?)", [(g,) for g in GUILDS])
        cursor = await conn.execute(f"SELECT guild_id FROM t WHERE {plan.sql_filter()}")
        kept = {row[0] for row in await cursor.fetchall()}
    assert kept == {g for g in GUILDS if plan.owns(g)} and kept


def test_flags() -> None:
    assert parse_shard_plan(None, None) == ShardPlan()
    assert parse_shard_plan(4, None) == ShardPlan(4, (0, 1, 2, 3))
    assert parse_shard_plan(4, "2, 3") == ShardPlan(4, (2, 3))
    with pytest.raises(ShardError, match="twice"):
        parse_shard_plan(4, "1,1")
