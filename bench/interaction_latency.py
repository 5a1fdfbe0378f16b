"""Interaction latency through the fake Discord: a bare bot vs. a bot that reads a database.

For each bot: N interactions one after another, then M sent at once. Latency is the time from
the fake sending INTERACTION_CREATE to it receiving the bot's callback. Prints p50/p99 and the
ratio b/a. Goal (reported, not asserted): p99 of (b) within 1.5x of (a), and all M concurrent
answers well under Discord's 3 s deadline.

    .venv/bin/python bench/interaction_latency.py [-n 200] [-m 200]
        [--rounds 3] [--bot-b module:factory] [--command "strategy show"]
        [--options '{"name": "x"}']
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite
import discord
from discord.ext import commands

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.fakediscord import FakeDiscord, run_bot

BotFactory = Callable[[], Any]  # returns a commands.Bot, or an awaitable of one


def bare_bot() -> commands.Bot:
    """(a) discord.py with nothing but /ping."""
    bot = commands.Bot(
        command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.02
    )

    @bot.tree.command(description="pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    return bot


class DbBot(commands.Bot):
    """Stand-in for (b): /ping reads a row from an aiosqlite database before answering."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.02
        )
        self.db: aiosqlite.Connection | None = None
        self._dir = tempfile.TemporaryDirectory()

    async def setup_hook(self) -> None:
        self.db = await aiosqlite.connect(Path(self._dir.name) / "bench.sqlite3")
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute("CREATE TABLE strategy (name TEXT PRIMARY KEY, body TEXT)")
        rows = [(f"s{i}", f"Strategy {i}: breathe, then speak.") for i in range(500)]
        await self.db.executemany("INSERT INTO strategy VALUES (?, ?)", rows)
        await self.db.commit()

        @self.tree.command(description="pong from the database")
        async def ping(interaction: discord.Interaction) -> None:
            assert self.db is not None
            key = f"s{interaction.id % 500}"
            async with self.db.execute("SELECT body FROM strategy WHERE name = ?", (key,)) as cur:
                row = await cur.fetchone()
            await interaction.response.send_message(row[0] if row else "?", ephemeral=True)

    async def close(self) -> None:
        if self.db is not None:
            await self.db.close()
        await super().close()
        self._dir.cleanup()


def db_bot() -> commands.Bot:
    return DbBot()


# >>> BRIDGELINE HOOK ------------------------------------------------------------------------
# To measure the real bot, pass --bot-b "module:callable" where the callable returns (or
# awaits to) a Bridgeline bot built with guild_ready_timeout=0.02 and a throwaway database,
# plus --command/--options naming a real command that reads the database, e.g.
#   --bot-b bot.client:bench_bot --command "strategy show" --options '{"name": "boundaries"}'
DEFAULT_BOT_B = db_bot
# <<< BRIDGELINE HOOK ------------------------------------------------------------------------


def load_factory(spec: str | None) -> BotFactory:
    if not spec:
        return DEFAULT_BOT_B
    module, _, name = spec.partition(":")
    factory: BotFactory = getattr(importlib.import_module(module), name)
    return factory


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


async def measure(
    factory: BotFactory, command: str, options: dict[str, Any], n: int, m: int
) -> dict[str, Any]:
    async with FakeDiscord() as fake:
        world = await fake.standard_guild()
        made = factory()
        bot = await made if inspect.isawaitable(made) else made
        async with run_bot(bot, fake):
            for _ in range(20):  # warm-up
                await (await fake.slash(command, options, world.you, world.general)).response()
            sequential: list[float] = []
            for _ in range(n):
                inter = await fake.slash(command, options, world.you, world.general)
                cb = await inter.response(timeout=10)
                sequential.append(cb.at - inter.created)
            start = time.perf_counter()
            sent = [await fake.slash(command, options, world.you, world.general) for _ in range(m)]
            answers = await asyncio.gather(*(i.response(timeout=30) for i in sent))
            wall = time.perf_counter() - start
            concurrent = [cb.at - i.created for i, cb in zip(sent, answers, strict=True)]
            fake.assert_no_violations()
    return {"sequential": sequential, "concurrent": concurrent, "wall": wall}


def row(name: str, mode: str, values: list[float], extra: str = "") -> str:
    p50, p99 = percentile(values, 50) * 1000, percentile(values, 99) * 1000
    mean = statistics.fmean(values) * 1000
    return f"{name:<22} {mode:<11} {len(values):>4} {p50:>9.2f} {p99:>9.2f} {mean:>9.2f} {extra}"


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="sequential interactions")
    parser.add_argument("-m", type=int, default=200, help="interactions sent at once")
    parser.add_argument("--rounds", type=int, default=3, help="a/b rounds, interleaved")
    parser.add_argument("--bot-b", help="module:callable returning bot (b)")
    parser.add_argument("--command", default="ping", help="command path for bot (b)")
    parser.add_argument("--options", default="{}", help="JSON options for bot (b)")
    args = parser.parse_args(argv)
    factory_b, options_b = load_factory(args.bot_b), json.loads(args.options)
    runs: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
    for _ in range(args.rounds):  # interleaved, so background load hits both alike
        runs["a"].append(await measure(bare_bot, "ping", {}, args.n, args.m))
        runs["b"].append(await measure(factory_b, args.command, options_b, args.n, args.m))
    names = {"a": "(a) bare /ping", "b": f"(b) /{args.command}"[:22]}
    print(f"{args.rounds} round(s); latency = INTERACTION_CREATE sent -> callback received")
    print(f"{'bot':<22} {'mode':<11} {'n':>4} {'p50 ms':>9} {'p99 ms':>9} {'mean ms':>9}")
    p99: dict[tuple[str, str], float] = {}
    for key in ("a", "b"):
        for mode in ("sequential", "concurrent"):
            best = min(runs[key], key=lambda r, mode=mode: percentile(r[mode], 99))
            values = best[mode]
            p99[key, mode] = statistics.median(percentile(r[mode], 99) for r in runs[key])
            extra = f"all in {best['wall']:.3f} s" if mode == "concurrent" else ""
            print(row(names[key], mode, values, extra))
    print("(rows show the round with the lowest p99; ratios use the median p99 of all rounds)")
    for mode in ("sequential", "concurrent"):
        ratio = p99["b", mode] / p99["a", mode]
        verdict = "within" if ratio <= 1.5 else "OVER"
        print(f"p99 ratio b/a {mode}: {ratio:.2f}x ({verdict} the 1.5x goal)")
    worst = max(max(r["concurrent"]) for rs in runs.values() for r in rs)
    print(f"slowest concurrent answer: {worst * 1000:.1f} ms (Discord's deadline: 3000 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1:])))
