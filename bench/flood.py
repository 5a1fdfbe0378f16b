"""A message flood through the fake Discord: does the bot keep up, and do slash commands?

The real Bridgeline bot (temp data dir, shipped content, alerts channel set) gets --messages
chat messages (``bench/scan_throughput.py``'s generator: mixed lengths, emoji, accents) of which
--risky (default 2%) are risky lines, sent through the fake gateway unpaced (or --rate a second), --floods times in
one process. During each flood a probe sends ``/checkin history`` every --probe-ms and a ticker
measures event-loop lag. Per flood it prints:
  msg/s        messages the bot received / seconds until it had received all of them and its
               model queue was empty
  loop lag     the ticker's worst overshoot (a 10 ms sleep that woke late)
  slowest /    the slowest slash-command answer during the flood (INTERACTION_CREATE ->
               callback)
  model read   the share of messages long enough for the meaning layer that it did read (the
               rest got the patterns alone because the model's queue was full)
  alerts       alerts stored, and how many were posted in the alerts channel within 5 s of
               their message; the slowest posting
  (gc)         the longest garbage-collector pause during the flood
  RSS          the process's resident memory after the flood (fake Discord included; the fake's
               copies of the flood's messages are dropped after each flood)
The fake runs in the same process and event loop as the bot, so the loop lag includes its work.
--model process runs the meaning layer in a separate process instead of the bot's model thread,
--model off runs patterns alone (both for comparison; the bot itself uses the thread).

    .venv/bin/python bench/flood.py [--messages 10000] [--floods 4] [--risky 0.02]
        [--probe-ms 100] [--rate MSG_PER_S] [--model thread|process|off]

The default is 10,000 messages per flood (a few minutes for four floods on a loaded 2-core
machine); the issue's original measurement used 60,000 (--messages 60000 --floods 1).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import discord
from interaction_latency import bridgeline_bot, drain_background
from scan_throughput import RISKY, make_messages

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild, run_bot
from bot.safety.detector import Detector
from bot.safety.inference import InferenceWorker
from bot.safety.normalize import normalize
from bot.safety.rules import Category
from bot.safety.scanner import SafetyScanner, load_meaning_layer
from bot.storage.guilds import update_settings

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


def flood_messages(n: int, risky: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    chat = [m for m in make_messages(n * 2, seed) if m not in RISKY]
    return [rng.choice(RISKY) if rng.random() < risky else chat[i] for i in range(n)]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


class GcPauses:
    """The longest garbage-collector pause since ``reset`` (the usual cause of loop lag)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.worst = max(self.worst, time.perf_counter() - self._start)

    def reset(self) -> None:
        self.worst = 0.0


GC = GcPauses()


async def lag_ticker(worst: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(TICK_S)
        worst[0] = max(worst[0], time.perf_counter() - start - TICK_S)


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


async def one_flood(
    bot: Bridgeline, fake: FakeDiscord, world: StandardGuild, texts: list[str], args: Any
) -> dict[str, Any]:
    worker = bot.scanner.worker or InferenceWorker(Proposer())  # --model off: an idle stand-in
    readable = sum(bot.scanner._readable(normalize(t)) for t in texts)
    read0, refused0 = worker.read, worker.refused
    received = [0]

    async def count(message: discord.Message) -> None:
        if message.channel.id == world.general.id:
            received[0] += 1

    bot.add_listener(count, "on_message")
    GC.reset()
    stop = asyncio.Event()
    lag, slash, posted, sent_at = [0.0], [], {}, {}
    tasks = [
        asyncio.create_task(lag_ticker(lag, stop)),
        asyncio.create_task(slash_probe(fake, world, args.probe_ms / 1000, slash, stop)),
        asyncio.create_task(watch_alerts(fake, world, posted, stop)),
    ]
    start = time.perf_counter()
    for n, text in enumerate(texts):
        if args.rate:  # paced: message n goes out n / rate seconds after the start
            ahead = start + n / args.rate - time.perf_counter()
            if ahead > 0:
                await asyncio.sleep(ahead)
        message = await fake.send_message(world.general, world.you, text)
        sent_at[message.id] = time.perf_counter()
    await fake.wait_until(
        lambda: True if received[0] >= len(texts) and worker.waiting == 0 else None,
        timeout=600,
        what="the bot to receive the flood",
    )
    took = time.perf_counter() - start
    await drain_background(bot)
    ids = {r["message_id"] for r in await bot.db.fetchall("SELECT message_id FROM safety_alerts")}
    ids &= set(sent_at)
    await fake.wait_until(
        lambda: True if ids <= set(posted) else None, timeout=60, what="every alert posted"
    )
    stop.set()
    await asyncio.gather(*tasks)
    bot.remove_listener(count, "on_message")
    delays = [posted[i] - sent_at[i] for i in ids]
    for mid in sent_at:  # the fake keeps every message; drop the flood's so RSS shows the bot
        fake.messages_by_id.pop(mid, None)
    fake.channel_log[world.general.id] = [
        m for m in fake.channel_log.get(world.general.id, []) if m.id not in sent_at
    ]
    read, refused = worker.read - read0, worker.refused - refused0
    return {
        "rate": len(texts) / took,
        "lag": lag[0],
        "slash": max(slash) if slash else float("nan"),
        "slash_n": len(slash),
        "readable": readable,
        "read": read,
        "refused": refused,
        "alerts": len(ids),
        "on_time": sum(d <= ALERT_WITHIN_S for d in delays),
        "slowest_alert": max(delays, default=0.0),
        "rss": rss_mb(),
        "gc": GC.worst,
    }


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--floods", type=int, default=4)
    parser.add_argument("--risky", type=float, default=0.02)
    parser.add_argument("--probe-ms", type=float, default=100)
    parser.add_argument("--rate", type=float, default=0, help="messages/s; 0: unpaced")
    parser.add_argument("--model", choices=["thread", "process", "off"], default="thread")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as tmp:
        async with FakeDiscord() as fake:
            fake.response_deadline = 600.0  # measure late answers instead of refusing them
            world = await fake.standard_guild()
            bot = bridgeline_bot(Path(tmp) / "data")
            if args.model != "thread":
                meaning = InProcess() if args.model == "process" else None
                bot.scanner = SafetyScanner(Detector(bot.content.safety), meaning)
            async with run_bot(bot, fake):
                await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
                await (await fake.slash("checkin history", None, world.you, "general")).response()
                rss0 = rss_mb()
                print(
                    f"objects the garbage collector tracks: {len(gc.get_objects()):,}"
                    f" (+{gc.get_freeze_count():,} frozen)"
                )
                print(
                    f"model in a {args.model}; {args.messages} messages a flood "
                    f"({f'{args.rate:.0f} msg/s' if args.rate else 'unpaced'}), "
                    f"{args.risky:.0%} risky; RSS at start {rss0:.1f} MB"
                )
                print(
                    "flood   msg/s  lag max ms (gc)  slowest / ms (n)  model read       "
                    "alerts on time (slowest s)   RSS MB"
                )
                rows = []
                for n in range(args.floods):
                    texts = flood_messages(args.messages, args.risky, args.seed + n)
                    r = await one_flood(bot, fake, world, texts, args)
                    rows.append(r)
                    share = r["read"] / max(r["readable"], 1)
                    print(
                        f"{n + 1:>5} {r['rate']:7.0f} {r['lag'] * 1000:11.0f} ({r['gc'] * 1000:3.0f}) "
                        f"{r['slash'] * 1000:10.0f} ({r['slash_n']:>3})  "
                        f"{r['read']:>5}/{r['readable']:<5} {share:5.0%}  "
                        f"{r['on_time']:>4}/{r['alerts']:<4} ({r['slowest_alert']:.2f})"
                        f"        {r['rss']:7.1f}"
                    )
            fake.assert_no_violations()
    print(
        f"RSS growth flood 1 -> {len(rows)}: {rows[-1]['rss'] - rows[0]['rss']:+.1f} MB; "
        f"start -> end: {rows[-1]['rss'] - rss0:+.1f} MB; median msg/s "
        f"{statistics.median(r['rate'] for r in rows):.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1:])))
