"""Interaction latency through the fake Discord: a bare bot vs. Bridgeline reading its database.

(a) discord.py with nothing but /ping. (a') the same /ping after --floor-reads reads of one
row from SQLite through aiosqlite (default 1): the least any command that reads the database
can cost, one trip to aiosqlite's thread per read. (a'') that /ping answering with (b)'s own
reply instead of "pong" (its embed and, for /checkin history, the mood chart's PNG, taken from
one answer of (b) before the rounds and built once): the least a command that reads the
database and answers what (b) answers can cost on discord.py. (b) the real Bridgeline bot (temp data dir, shipped
content, built as tests/conftest.py does) answering a command that reads the database: by
default `/checkin history` for a member with a few check-ins (three queries: own check-ins,
their posts, the server's settings), or `--command "resources show"` (member region, server
settings, server resources).

For each bot: N interactions one after another, then M sent at once. Latency is the time from
the fake sending INTERACTION_CREATE to it receiving the bot's callback. Prints p50/p99 and the
ratio b/a for both. Background work the seeding started (the check-ins' safety scans) is
drained before timing starts. Goal (reported, not asserted): p99 of (b) within 1.5x of (a), and all M concurrent
answers well under Discord's 3 s deadline.

    .venv/bin/python bench/interaction_latency.py [-n 200] [-m 200] [--rounds 3]
        [--command "checkin history"] [--options '{}'] [--floor-reads 1] [--profile out.pstats]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite
import discord
from discord.ext import commands

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bot.fakediscord as fakediscord  # loads the fake on first use: see its __init__
from bot.checkins.ui import BODY_ID, MOOD_ID
from bot.client import Bridgeline
from bot.config import load_settings
from bot.content import default_content_dir, load_content
from bot.fakediscord.harness import run_bot

if TYPE_CHECKING:
    from bot.fakediscord import FakeDiscord, StandardGuild

#: Check-ins the member has before /checkin history is measured.
SEEDED_CHECKINS = 5
WARM_UP = 20
DEADLINE_S = 3.0


def bare_bot(data_dir: Path) -> commands.Bot:
    """(a) discord.py with nothing but /ping."""
    bot = commands.Bot(
        command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.02
    )

    @bot.tree.command(description="pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    return bot


@dataclass(frozen=True)
class Reply:
    """One answer as the fake received it: its embeds and attached files."""

    embeds: list[dict[str, Any]]
    files: list[tuple[str, bytes, str | None]]  # filename, bytes, description

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"embeds": [discord.Embed.from_dict(e) for e in self.embeds]}
        files = [discord.File(io.BytesIO(b), filename=n, description=d) for n, b, d in self.files]
        if files:
            kwargs["files"] = files
        return kwargs


def reading_bot(reads: int, reply: Reply | None = None) -> Callable[[Path], commands.Bot]:
    """(a') the bare bot's /ping, after `reads` one-row reads on an aiosqlite connection;
    (a'') the same answering `reply` instead of "pong"."""

    def factory(data_dir: Path) -> commands.Bot:
        bot = bare_bot(data_dir)
        bot.tree.remove_command("ping")
        conn: list[aiosqlite.Connection] = []
        data_dir.mkdir(parents=True, exist_ok=True)

        async def setup_hook() -> None:
            db = await aiosqlite.connect(data_dir / "floor.db")
            await db.execute("CREATE TABLE settings (id INTEGER PRIMARY KEY, language TEXT)")
            await db.execute("INSERT INTO settings VALUES (1, 'en')")
            await db.commit()
            conn.append(db)

        async def close() -> None:
            for db in conn:
                await db.close()
            await commands.Bot.close(bot)

        @bot.tree.command(description="pong")
        async def ping(interaction: discord.Interaction) -> None:
            for _ in range(reads):
                await conn[0].execute_fetchall("SELECT * FROM settings WHERE id = ?", (1,))
            if reply is None:
                await interaction.response.send_message("pong", ephemeral=True)
            else:  # a File is read once: each answer gets its own
                await interaction.response.send_message(ephemeral=True, **reply.send_kwargs())

        bot.setup_hook = setup_hook  # type: ignore[method-assign]
        bot.close = close  # type: ignore[method-assign]
        return bot

    return factory


def bridgeline_bot(data_dir: Path) -> Bridgeline:
    """(b) as tests/conftest.py builds it, on the system clock and a fresh data dir."""
    settings = load_settings(
        environ={"BRIDGELINE_DATA_DIR": str(data_dir)},
        env_file=None,
        require_token=False,
        base_dir=data_dir.parent,
    )
    return Bridgeline(settings, load_content(default_content_dir()), guild_ready_timeout=0.02)


async def seed_checkins(fake: FakeDiscord, world: StandardGuild) -> None:
    """A few private check-ins by "you", made the way a member makes them."""
    for day in range(SEEDED_CHECKINS):
        await (await fake.slash("checkin new", None, world.you, world.general)).modal_shown()
        fields = {MOOD_ID: str(day % 5 + 1), BODY_ID: f"Day {day}: we talked a little."}
        answer = await (await fake.submit_modal(fields, world.you)).response()
        assert "saved" in answer.text, answer.text


async def drain_background(bot: commands.Bot) -> None:
    """Waits until the events the bot is still handling are done (discord.py runs each
    listener as a task named "discord.py: on_..."; a check-in's safety scan and alert are
    among them), so that seeding and warm-up do not spill into the timed window."""
    me = asyncio.current_task()
    while True:
        busy = [
            t
            for t in asyncio.all_tasks()
            if t is not me and not t.done() and t.get_name().startswith("discord.py: on_")
        ]
        if not busy:
            return
        await asyncio.wait(busy)


@dataclass(frozen=True)
class Target:
    label: str
    factory: Callable[[Path], commands.Bot]
    command: str
    options: dict[str, Any] = field(default_factory=dict)
    prepare: Callable[[FakeDiscord, StandardGuild], Awaitable[None]] | None = None


async def sample_reply(target: Target) -> Reply:
    """One answer of `target` (after its preparation), as the fake received it."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        async with fakediscord.FakeDiscord() as fake:
            world = await fake.standard_guild()
            async with run_bot(target.factory(Path(tmp) / "data"), fake) as bot:
                if target.prepare is not None:
                    await target.prepare(fake, world)
                inter = await fake.slash(target.command, target.options, world.you, "general")
                answer = await inter.response()
                await drain_background(bot)
    message = answer.message
    files = []
    for shown in message.attachments if message is not None else []:
        data = fake.attachment_data[int(shown["id"])]
        files.append((shown["filename"], data, shown.get("description")))
    return Reply(list(answer.data.get("embeds") or []), files)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


async def measure(
    target: Target, n: int, m: int, profiler: cProfile.Profile | None = None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        async with fakediscord.FakeDiscord() as fake:
            fake.response_deadline = 600.0  # measure late answers instead of refusing them
            world = await fake.standard_guild()
            async with run_bot(target.factory(Path(tmp) / "data"), fake) as bot:
                if target.prepare is not None:
                    await target.prepare(fake, world)

                async def one() -> Any:
                    return await fake.slash(target.command, target.options, world.you, "general")

                first = await (await one()).response()
                sample = first.text.splitlines()[0] if first.text else f"callback {first.type}"
                for _ in range(WARM_UP - 1):
                    await (await one()).response()
                await drain_background(bot)  # seeding's scans and alerts finish first
                if profiler is not None:
                    profiler.enable()
                sequential: list[float] = []
                for _ in range(n):
                    inter = await one()
                    cb = await inter.response(timeout=10)
                    sequential.append(cb.at - inter.created)
                start = time.perf_counter()
                sent = [await one() for _ in range(m)]
                # One waiter for all M answers: M waiters, each woken on every change the fake
                # sees, cost the shared loop O(M^2) wake-ups (both bots alike), which padded
                # both p99s and pulled the ratio towards 1.
                answers = await fake.wait_until(
                    lambda: (
                        [i.callbacks[0] for i in sent] if all(i.callbacks for i in sent) else None
                    ),
                    60,
                    f"answers to all {m} interactions",
                )
                wall = time.perf_counter() - start
                if profiler is not None:
                    profiler.disable()
                concurrent = [cb.at - i.created for i, cb in zip(sent, answers, strict=True)]
                errors = [cb.text for cb in answers if "error id" in cb.text]
                assert not errors, f"{target.label} failed: {errors[0]}"
            fake.assert_no_violations()
    return {"sequential": sequential, "concurrent": concurrent, "wall": wall, "sample": sample}


def row(name: str, mode: str, values: list[float], extra: str = "") -> str:
    p50, p99 = percentile(values, 50) * 1000, percentile(values, 99) * 1000
    mean = statistics.fmean(values) * 1000
    return f"{name:<32} {mode:<11} {len(values):>4} {p50:>9.2f} {p99:>9.2f} {mean:>9.2f} {extra}"


def p99_of(mode: str, run: dict[str, Any]) -> float:
    return percentile(run[mode], 99)


def report(targets: dict[str, Target], runs: dict[str, list[dict[str, Any]]], rounds: int) -> None:
    print(f"{rounds} round(s); latency = INTERACTION_CREATE sent -> callback received")
    for target, done in zip(targets.values(), runs.values(), strict=True):
        print(f"{target.label} answers: {done[0]['sample'][:70]!r}")
    print(f"{'bot':<32} {'mode':<11} {'n':>4} {'p50 ms':>9} {'p99 ms':>9} {'mean ms':>9}")
    p99: dict[tuple[str, str], float] = {}
    for key, target in targets.items():
        for mode in ("sequential", "concurrent"):
            best = min(runs[key], key=functools.partial(p99_of, mode))
            p99[key, mode] = statistics.median(percentile(r[mode], 99) for r in runs[key])
            extra = f"all in {best['wall']:.3f} s" if mode == "concurrent" else ""
            print(row(target.label[:32], mode, best[mode], extra))
    print("(rows show the round with the lowest p99; ratios use the median p99 of all rounds)")
    for mode in ("sequential", "concurrent"):
        ratio = p99["b", mode] / p99["a", mode]
        verdict = "within" if ratio <= 1.5 else "OVER"
        floor = p99["f", mode] / p99["a", mode]
        answer = p99["r", mode] / p99["a", mode]
        print(
            f"p99 ratio b/a {mode}: {ratio:.2f}x ({verdict} the 1.5x goal); "
            f"a'/a {floor:.2f}x (the floor for {targets['f'].label[5:]}); "
            f"a''/a {answer:.2f}x (the floor for (b)'s answer)"
        )
    for key, target in targets.items():
        worst = max(max(r["concurrent"]) for r in runs[key])
        late = sum(v > DEADLINE_S for r in runs[key] for v in r["concurrent"])
        print(
            f"{target.label}: slowest concurrent answer {worst * 1000:.1f} ms, "
            f"{late} over Discord's {DEADLINE_S * 1000:.0f} ms deadline"
        )


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="sequential interactions")
    parser.add_argument("-m", type=int, default=200, help="interactions sent at once")
    parser.add_argument("--rounds", type=int, default=3, help="a/b rounds, interleaved")
    parser.add_argument("--command", default="checkin history", help="Bridgeline command (b)")
    parser.add_argument("--options", default="{}", help="JSON options for the command")
    parser.add_argument(
        "--floor-reads", type=int, default=1, help="database reads before (a')'s answer"
    )
    parser.add_argument("--profile", help="cProfile (b)'s measured part to this .pstats file")
    args = parser.parse_args(argv)
    targets = {
        "a": Target("(a) bare /ping", bare_bot, "ping"),
        "f": Target(
            f"(a') /ping after {args.floor_reads} SQLite read(s)",
            reading_bot(args.floor_reads),
            "ping",
        ),
        "b": Target(
            f"(b) Bridgeline /{args.command}",
            bridgeline_bot,
            args.command,
            json.loads(args.options),
            seed_checkins,
        ),
    }
    reply = await sample_reply(targets["b"])
    targets["r"] = Target(
        f"(a'') /ping answering (b)'s reply, {args.floor_reads} read(s)",
        reading_bot(args.floor_reads, reply),
        "ping",
    )
    targets = {key: targets[key] for key in ("a", "f", "r", "b")}  # in the report's order
    profiler = cProfile.Profile() if args.profile else None
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in targets}
    load_before = os.getloadavg()[0]
    for _ in range(args.rounds):  # interleaved, so background load hits both alike
        runs["a"].append(await measure(targets["a"], args.n, args.m))
        runs["f"].append(await measure(targets["f"], args.n, args.m))
        runs["r"].append(await measure(targets["r"], args.n, args.m))
        runs["b"].append(await measure(targets["b"], args.n, args.m, profiler))
    report(targets, runs, args.rounds)
    # A sequential p99 of 200 is the second-slowest answer: one stall from another process
    # on a shared core sets it. Say how busy the machine was, so a noisy figure can be told.
    load, cores = max(load_before, os.getloadavg()[0]), os.cpu_count() or 1
    note = "" if load < cores / 2 else " (busy: sequential p99s are not clean; rerun when idle)"
    print(f"load average {load:.2f} on {cores} cores{note}")
    if profiler is not None:
        profiler.dump_stats(args.profile)
        print(f"profile of (b) written to {args.profile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1:])))
