"""A message flood through the fake Discord: does the bot keep up, and do slash commands?

The real Bridgeline bot (temp data dir, shipped content, alerts channel set) gets --messages
chat messages (``bench/scan_throughput.py``'s generator: mixed lengths, emoji, accents) of which
--risky (default 2%) are risky lines, sent through the fake gateway unpaced (or --rate a second), --floods times in
one process. During each flood a probe sends ``/checkin history`` every --probe-ms and a ticker
measures event-loop lag. Per flood it prints:
  sent/s       how fast the fake sent them (unpaced: as fast as it could)
  msg/s        messages the bot received / seconds until it had received all of them and its
               model queue was empty
  loop µs/msg  CPU time of the bot's event-loop thread per message (steadier than msg/s on a
               shared machine)
  loop lag     the ticker's worst overshoot (a 10 ms sleep that woke late)
  slowest /    the slowest slash-command answer during the flood (INTERACTION_CREATE ->
               callback)
  model read   the share of messages long enough for the meaning layer that it did read (the
               rest got the patterns alone because the model's queue was full)
  alerts       alerts the patterns raised (the bot's triage sends those messages ahead of a
               backlog), how many were posted in the alerts channel within 5 s of their
               message, the median and the slowest posting; then (+N) alerts only the meaning
               layer raised, which wait their turn in the backlog, and the slowest of those
  (gc)         the longest garbage-collector pause during the flood, and all pauses summed
  RSS          the bot process's resident memory after the flood; (live) after a full
               collection, so growth from flood to flood is what the bot keeps, not cycles the
               collector has not reached yet
At the end it prints the RSS at its highest during the floods (the kernel's count, started
afresh after loading) and once the model thread has gone idle after the last flood (what
a server settles back to after a burst).
The fake Discord and the driver (sending, probing, watching the alerts channel) run in a child
process with their own event loop, as Discord is elsewhere in production: the loop lag, GC
pauses and RSS are the bot's alone (before, the fake shared the bot's loop and its work showed
up as the bot's lag). Both processes read the same monotonic clock, so alert delays and slash
times are measured in the fake's process, as a member would see them.
--model process runs the meaning layer in a separate process instead of the bot's model thread,
--model off runs patterns alone (both for comparison; the bot itself uses the thread).
--bot bare floods discord.py as it comes instead (message content intent, no cogs, nothing on
each message, ``/checkin history`` answered with one line): the floor any bot on discord.py
starts from on this machine, for the same fake, flood and probe.

    .venv/bin/python bench/flood.py [--messages 10000] [--floods 4] [--risky 0.02]
        [--probe-ms 100] [--rate MSG_PER_S] [--model thread|process|off] [--bot bare]
        [--profile PATH]

The default is 10,000 messages per flood (a few minutes for four floods on a loaded 2-core
machine); the issue's original measurement used 60,000 (--messages 60000 --floods 1).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pipe, get_context
from multiprocessing.connection import Connection
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import discord
from discord import app_commands
from discord.ext import commands
from interaction_latency import bridgeline_bot, drain_background
from scan_throughput import RISKY, make_messages

import bot.fakediscord as fakediscord  # loaded only in the fake's process: see its __init__
from bot.client import Bridgeline
from bot.fakediscord.harness import point_at
from bot.gateway_intake import PACK_AFTER
from bot.safety.detector import Detector
from bot.safety.inference import InferenceWorker
from bot.safety.normalize import normalize
from bot.safety.rules import Category
from bot.safety.scanner import SafetyScanner, load_meaning_layer
from bot.storage.guilds import update_settings

if TYPE_CHECKING:
    from bot.fakediscord import FakeDiscord, StandardGuild

ALERT_WITHIN_S = 5.0
TICK_S = 0.01
_LAYER: Any = None


def _load_in_child() -> None:
    global _LAYER
    _LAYER = load_meaning_layer()


def _categories_in_child(texts: list[str], levels: list[str]) -> list[frozenset[Category]]:
    return list(_LAYER.categories(texts, levels))


class InProcess:
    """The meaning layer in a separate process; the model thread waits on it instead."""

    def __init__(self) -> None:
        self.pool = ProcessPoolExecutor(1, get_context("spawn"), initializer=_load_in_child)
        self.pool.submit(_categories_in_child, ["warm up the model"]).result()

    def categories(self, texts: list[str], levels: list[str]) -> list[frozenset[Category]]:
        return self.pool.submit(_categories_in_child, texts, levels).result()


class Proposer:
    def categories(self, texts: list[str], levels: list[str]) -> list[frozenset[Category]]:
        return [frozenset() for _ in texts]


def bare_bot() -> commands.Bot:
    """discord.py with nothing on each message and a one-line ``/checkin history``."""
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.02)
    checkin = app_commands.Group(name="checkin", description="check-ins")

    @checkin.command(name="history", description="one line")
    async def history(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Your check-ins", ephemeral=True)

    bot.tree.add_command(checkin)
    return bot


def flood_messages(n: int, risky: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    chat = [m for m in make_messages(n * 2, seed) if m not in RISKY]
    return [rng.choice(RISKY) if rng.random() < risky else chat[i] for i in range(n)]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def reset_peak_rss() -> bool:
    """Starts the kernel's peak-RSS count (VmHWM) afresh, so the peak reported is the
    floods', not loading's; False where the kernel does not offer it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float | None:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def live_rss_mb() -> float:
    """RSS after a full collection: what the bot keeps, not the cycles the collector has yet
    to free (the bot's first-generation threshold is high: bot/client.py). Run after the
    flood's figures are taken; the collection itself is not counted as a pause."""
    gc.collect()
    return rss_mb()


class GcPauses:
    """The longest garbage-collector pause since ``reset`` (the usual cause of loop lag)."""

    def __init__(self) -> None:
        self.worst = self.total = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            took = time.perf_counter() - self._start
            self.worst = max(self.worst, took)
            self.total += took

    def reset(self) -> None:
        self.worst = self.total = 0.0


GC = GcPauses()


async def lag_ticker(worst: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(TICK_S)
        worst[0] = max(worst[0], time.perf_counter() - start - TICK_S)


# ---- the fake Discord's side: a child process with its own event loop -----------------------


async def slash_probe(
    fake: FakeDiscord, world: StandardGuild, every: float, out: list[float], stop: asyncio.Event
) -> None:
    waiting: list[Any] = []

    async def one() -> None:
        inter = await fake.slash("checkin history", None, world.you, world.general)
        cb = await inter.response(timeout=60)
        out.append(cb.at - inter.created)

    while not stop.is_set():
        waiting.append(asyncio.create_task(one()))
        await asyncio.sleep(every)
    await asyncio.gather(*waiting)


async def watch_alerts(
    fake: FakeDiscord, world: StandardGuild, posted: dict[int, float], stop: asyncio.Event
) -> None:
    """When each alert post (by the message id in its jump link) first appeared."""
    seen = 0
    while not stop.is_set():
        log = fake.channel_log.get(world.mod_alerts.id, [])
        now = time.perf_counter()
        for message in log[seen:]:
            for part in message.text.split("/"):
                tail = part.split(")")[0].split()[0] if part else ""
                if tail.isdigit() and len(tail) > 15:
                    posted.setdefault(int(tail), now)
        seen = len(log)
        await asyncio.sleep(0.02)


async def drive_flood(
    fake: FakeDiscord, world: StandardGuild, conn: Connection, order: dict[str, Any]
) -> dict[str, Any]:
    """Sends one flood (with the slash probe and the alert watcher running), then waits for the
    bot's list of alerted message ids and for each of them to be posted."""
    loop = asyncio.get_running_loop()
    texts = flood_messages(order["messages"], order["risky"], order["seed"])
    stop = asyncio.Event()
    slash: list[float] = []
    posted: dict[int, float] = {}
    sent_at: dict[int, float] = {}
    tasks = [
        asyncio.create_task(slash_probe(fake, world, order["probe_ms"] / 1000, slash, stop)),
        asyncio.create_task(watch_alerts(fake, world, posted, stop)),
    ]
    start = time.perf_counter()
    for n, text in enumerate(texts):
        if order["rate"]:  # paced: message n goes out n / rate seconds after the start
            ahead = start + n / order["rate"] - time.perf_counter()
            if ahead > 0:
                await asyncio.sleep(ahead)
        message = await fake.send_message(world.general, world.you, text)
        sent_at[message.id] = time.perf_counter()
        # Unpaced still, but the fake's HTTP side gets its turn: a write that fits the socket
        # buffer does not yield, so without this the fake answered no request (interaction
        # callbacks, alert posts) while the bot kept up, which Discord's API servers do not.
        await asyncio.sleep(0)
    sent_rate = len(texts) / (time.perf_counter() - start)
    alerted = set(await loop.run_in_executor(None, conn.recv)) & set(sent_at)
    await fake.wait_until(
        lambda: True if alerted <= set(posted) else None, timeout=60, what="every alert posted"
    )
    stop.set()
    await asyncio.gather(*tasks)
    ids = list(sent_at)  # in the order sent, as the bot's side numbers the texts
    by_patterns = {ids[k] for k in order["patterned"]}
    delays = [posted[i] - sent_at[i] for i in alerted & by_patterns]
    others = [posted[i] - sent_at[i] for i in alerted - by_patterns]
    for mid in sent_at:  # the fake keeps every message; drop the flood's
        fake.messages_by_id.pop(mid, None)
    fake.channel_log[world.general.id] = [
        m for m in fake.channel_log.get(world.general.id, []) if m.id not in sent_at
    ]
    return {
        "sent": sent_rate,
        "slash": max(slash) if slash else float("nan"),
        "slash_n": len(slash),
        "alerts": len(delays),
        "on_time": sum(d <= ALERT_WITHIN_S for d in delays),
        "slowest_alert": max(delays, default=0.0),
        "median_alert": statistics.median(delays) if delays else 0.0,
        "other_alerts": len(others),
        "slowest_other": max(others, default=0.0),
    }


async def fake_side(conn: Connection) -> None:
    loop = asyncio.get_running_loop()
    async with fakediscord.FakeDiscord() as fake:
        fake.response_deadline = 600.0  # measure late answers instead of refusing them
        world = await fake.standard_guild()
        conn.send(
            {
                "base_url": fake.base_url,
                "gateway_url": fake.gateway_url,
                "token": fake.token,
                "guilds": list(fake.guilds),
                "guild": world.guild.id,
                "alerts": world.mod_alerts.id,
                "general": world.general.id,
            }
        )
        while True:
            order = await loop.run_in_executor(None, conn.recv)
            if order["do"] == "warm":
                await (await fake.slash("checkin history", None, world.you, "general")).response()
                conn.send(None)
            elif order["do"] == "flood":
                conn.send(await drive_flood(fake, world, conn, order))
            else:  # "stop": the bot has closed
                break
        fake.assert_no_violations()
    conn.send("stopped")


def fake_process(conn: Connection) -> None:
    asyncio.run(fake_side(conn))


# ---- the bot's side: this process ----------------------------------------------------------


async def ask(conn: Connection, order: Any) -> Any:
    """Sends ``order`` to the fake's process and waits (off the bot's loop) for its answer."""
    conn.send(order)
    return await asyncio.get_running_loop().run_in_executor(None, conn.recv)


@contextlib.asynccontextmanager
async def connected(bot: commands.Bot, where: dict[str, Any]) -> AsyncIterator[None]:
    """``run_bot`` for a fake in another process: only its URLs, token and guild ids."""
    with point_at(SimpleNamespace(**where)):  # type: ignore[arg-type]
        await bot.login(where["token"])
        connect = asyncio.create_task(bot.connect())
        await asyncio.wait_for(bot.wait_until_ready(), 60)
        await bot.tree.sync()
        for guild_id in where["guilds"]:
            if bot.tree.get_commands(guild=discord.Object(guild_id)):
                await bot.tree.sync(guild=discord.Object(guild_id))
        try:
            yield
        finally:
            await bot.close()
            await asyncio.wait([connect], timeout=60)


async def one_flood(
    bot: commands.Bot, conn: Connection, where: dict[str, Any], n: int, args: Any
) -> dict[str, Any]:
    scanner = bot.scanner if isinstance(bot, Bridgeline) else None
    worker = (scanner and scanner.worker) or InferenceWorker(Proposer())  # off/bare: stand-in
    texts = flood_messages(args.messages, args.risky, args.seed + n)  # the fake makes the same
    readable = sum(scanner._readable(normalize(t)) for t in texts) if scanner else 0
    # Which messages the patterns flag, by their place in the flood (the fake knows their ids)
    patterned = [k for k, t in enumerate(texts) if scanner and flagged_by_patterns(scanner, t)]
    del texts
    read0, refused0 = worker.read, worker.refused
    received = [0]

    async def count(message: discord.Message) -> None:
        if message.channel.id == where["general"]:
            received[0] += 1

    bot.add_listener(count, "on_message")
    GC.reset()
    stop = asyncio.Event()
    lag = [0.0]
    ticker = asyncio.create_task(lag_ticker(lag, stop))
    order = {
        "do": "flood",
        "messages": args.messages,
        "risky": args.risky,
        "seed": args.seed + n,
        "rate": args.rate,
        "probe_ms": args.probe_ms,
        "patterned": patterned,
    }
    profile = cProfile.Profile() if args.profile else None
    if profile is not None:
        profile.enable()
    conn.send(order)
    start, cpu0 = time.perf_counter(), time.thread_time()
    while received[0] < args.messages or worker.waiting:
        await asyncio.sleep(0.05)
        if time.perf_counter() - start > 600:
            raise TimeoutError(f"the bot received {received[0]} of {args.messages}")
    took, cpu = time.perf_counter() - start, time.thread_time() - cpu0
    await drain_background(bot)
    db = bot.db if isinstance(bot, Bridgeline) else None
    rows = await db.fetchall("SELECT message_id FROM safety_alerts") if db else []
    far = await ask(conn, [r["message_id"] for r in rows])
    if profile is not None:
        profile.disable()
        profile.dump_stats(f"{args.profile}.{n + 1}")
    stop.set()
    await ticker
    bot.remove_listener(count, "on_message")
    return {
        **far,
        "rate": args.messages / took,
        "cpu_us": cpu / args.messages * 1e6,
        "lag": lag[0],
        "readable": readable,
        "read": worker.read - read0,
        "refused": worker.refused - refused0,
        "rss": rss_mb(),
        "gc": GC.worst,
        "gc_total": GC.total,
        "rss_live": live_rss_mb(),
    }


def flagged_by_patterns(scanner: SafetyScanner, text: str) -> bool:
    """Whether the patterns flag `text`: the question the bot's triage asks of a message."""
    return scanner.detector.scan_normalized(text)[0].flagged


async def idle_rss_mb(bot: commands.Bot) -> float | None:
    """RSS after the model thread has ended for want of work (it hands the burst's freed
    memory back as it goes: ``inference.py``), after a full collection; None without a
    model thread."""
    scanner = bot.scanner if isinstance(bot, Bridgeline) else None
    worker = scanner.worker if scanner else None
    if worker is None:
        return None
    deadline = time.perf_counter() + worker.idle_s + 10
    while worker.thread is not None and worker.thread.is_alive():
        if time.perf_counter() > deadline:
            return None
        await asyncio.sleep(0.1)
    return live_rss_mb()


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--floods", type=int, default=4)
    parser.add_argument("--risky", type=float, default=0.02)
    parser.add_argument("--probe-ms", type=float, default=100)
    parser.add_argument("--rate", type=float, default=0, help="messages/s; 0: unpaced")
    parser.add_argument("--model", choices=["thread", "process", "off"], default="thread")
    parser.add_argument("--bot", choices=["bridgeline", "bare"], default="bridgeline")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--profile", help="cProfile the bot's loop per flood into PROFILE.N")
    args = parser.parse_args(argv)
    conn, child_end = Pipe()
    child = get_context("spawn").Process(target=fake_process, args=(child_end,), daemon=True)
    child.start()
    where = await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as tmp:
        bot: commands.Bot = bridgeline_bot(Path(tmp) / "data") if args.bot != "bare" else bare_bot()
        if isinstance(bot, Bridgeline) and args.model != "thread":
            meaning = InProcess() if args.model == "process" else None
            bot.scanner = SafetyScanner(Detector(bot.content.safety), meaning)
        async with connected(bot, where):
            if isinstance(bot, Bridgeline):
                await update_settings(bot.db, where["guild"], alerts_channel_id=where["alerts"])
            await ask(conn, {"do": "warm"})
            rss0 = rss_mb()
            peak_counted = reset_peak_rss()
            print(
                f"objects the garbage collector tracks: {len(gc.get_objects()):,}"
                f" (+{gc.get_freeze_count():,} frozen)"
            )
            print(
                f"{'discord.py bare; ' if args.bot == 'bare' else f'model in a {args.model}; '}{args.messages} messages a flood "
                f"({f'{args.rate:.0f} msg/s' if args.rate else 'unpaced'}), "
                f"{args.risky:.0%} risky; RSS at start {rss0:.1f} MB (the bot's process alone)"
            )
            print(
                "flood  sent/s  msg/s  loop µs/msg  lag max ms (gc max/sum)  slowest / ms (n)  model read       "
                "pattern alerts on time (median/slowest s) (+model-only: slowest s)   RSS MB (live)"
            )
            rows = []
            for n in range(args.floods):
                r = await one_flood(bot, conn, where, n, args)
                rows.append(r)
                share = r["read"] / max(r["readable"], 1)
                print(
                    f"{n + 1:>5} {r['sent']:7.0f} {r['rate']:6.0f} {r['cpu_us']:12.0f} {r['lag'] * 1000:11.0f} ({r['gc'] * 1000:3.0f}/{r['gc_total'] * 1000:4.0f}) "
                    f"{r['slash'] * 1000:10.0f} ({r['slash_n']:>3})  "
                    f"{r['read']:>5}/{r['readable']:<5} {share:5.0%}  "
                    f"{r['on_time']:>4}/{r['alerts']:<4} ({r['median_alert']:.2f}/{r['slowest_alert']:.2f})"
                    f" (+{r['other_alerts']}: {r['slowest_other']:.2f})"
                    f"        {r['rss']:7.1f} ({r['rss_live']:.1f})",
                    flush=True,
                )
            idle = await idle_rss_mb(bot)
            packed = bot.chat_intake.packed if isinstance(bot, Bridgeline) else 0
    print(await ask(conn, {"do": "stop"}) == "stopped" and "fake Discord: no violations")
    child.join(10)
    print(
        f"RSS growth flood 1 -> {len(rows)}: {rows[-1]['rss'] - rows[0]['rss']:+.1f} MB "
        f"(live, after a full collection: {rows[-1]['rss_live'] - rows[0]['rss_live']:+.1f} MB); "
        f"start -> end: {rows[-1]['rss'] - rss0:+.1f} MB; median msg/s "
        f"{statistics.median(r['rate'] for r in rows):.0f}"
    )
    peak = peak_rss_mb() if peak_counted else None
    if peak is not None:
        print(f"RSS at its highest during the floods: {peak:.1f} MB")
    if idle is not None:
        print(f"RSS once the model thread has gone idle after the last flood: {idle:.1f} MB")
    if isinstance(bot, Bridgeline):
        print(f"chat frames that waited packed (past a backlog of {PACK_AFTER:,}): {packed:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1:])))
