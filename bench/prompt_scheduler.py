"""Daily-prompt scheduler at scale: due-set query time per tick, and paced sender throughput.

Both parts run the real scheduler (bot.daily_prompts) on a real SQLite file with the real
migrations. Posts go to bot.daily_prompts.memory.MemorySender, an IN-MEMORY FAKE SENDER (no
Discord, no network): the figures are the scheduler's own cost and its pacing, not Discord's.

  1. A day at 10,000 servers: schedules spread over 24 h in a dozen zones (DST and half-hour
     offsets included); one tick every 30 s for 24 h, each tick running `run_due`. Prints the
     due-set query time per tick (goal < 5 ms), plus the query with every server due at once.
  2. A burst: N servers due at the same instant, sent through the pacer. Prints posts/s, the
     most requests seen in any 1-second window (Discord's global limit is 50/s) and how many
     posts were lost (claimed but not recorded as sent).

Usage: .venv/bin/python bench/prompt_scheduler.py [--guilds 10000] [--burst 500] [--limit 45]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time as timer
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import FakeClock  # noqa: E402
from bot.content import Prompt  # noqa: E402
from bot.daily_prompts import PromptScheduler  # noqa: E402
from bot.daily_prompts.claims import due_rechecks  # noqa: E402
from bot.daily_prompts.memory import MemorySender  # noqa: E402
from bot.daily_prompts.pacing import DEFAULT_LIMIT, RequestPacer  # noqa: E402
from bot.daily_prompts.schedules import due_guilds  # noqa: E402
from bot.scheduling import load_zone, next_slot, stamp  # noqa: E402
from bot.storage.db import Database  # noqa: E402
from bot.storage.migrate import migrate  # noqa: E402

ZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo",
    "Australia/Adelaide", "Australia/Sydney", "Pacific/Auckland",
)  # fmt: skip
START = datetime(2026, 3, 28, 0, 0, tzinfo=UTC)  # spans Europe's spring change
DUE_SQL = (
    "SELECT guild_id FROM prompt_schedules WHERE paused = 0 AND next_run_at <= ? "
    "ORDER BY next_run_at LIMIT 100000"
)
RECHECK_SQL = (
    "SELECT guild_id, local_date FROM prompt_posts WHERE status IN ('claimed', 'retry') "
    "AND recheck_at <= ? ORDER BY recheck_at LIMIT 10000"
)
PROMPTS = tuple(Prompt(f"bench{i}", "self", f"Bench prompt {i}.") for i in range(65))


async def seed(db: Database, count: int, start: datetime, rng: Random, *, spread: bool) -> None:
    """Schedules inserted in bulk, next run computed by the real scheduling code."""
    rows = []
    for guild_id in range(1, count + 1):
        zone_name = rng.choice(ZONES)
        zone = load_zone(zone_name)
        if spread:
            minute = rng.randrange(24 * 60)
            at = time(minute // 60, minute % 60)
        else:  # every server's local time is exactly `start`
            at = start.astimezone(zone).time()
        slot = next_slot(start - timedelta(seconds=1), at, zone)
        rows.append(
            (guild_id, 10_000 + guild_id, f"{at:%H:%M}", zone_name, stamp(slot.instant),
             str(slot.day))
        )  # fmt: skip
    await db.executemany(
        "INSERT INTO prompt_schedules (guild_id, channel_id, post_time, timezone, "
        "next_run_at, next_local_date) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


async def timed_query(db: Database, now: datetime) -> tuple[float, int]:
    started = timer.perf_counter()
    due = await due_guilds(db, now)
    await due_rechecks(db, now)
    return (timer.perf_counter() - started) * 1000, len(due)


def max_in_window(stamps: list[float], window: float = 1.0) -> int:
    best, low = 0, 0
    for high, moment in enumerate(stamps):
        while moment - stamps[low] >= window:
            low += 1
        best = max(best, high - low + 1)
    return best


async def day_at_scale(path: Path, guilds: int, rng: Random) -> None:
    db = await Database.open(path)
    await migrate(db)
    await seed(db, guilds, START, rng, spread=True)
    clock = FakeClock(START)
    sender = MemorySender()
    scheduler = PromptScheduler(
        db, sender, clock, lambda lang: PROMPTS, pacer=RequestPacer(10_000), rng=rng
    )
    tick_ms: list[float] = []
    started = timer.perf_counter()
    for _ in range(24 * 120):
        clock.advance(timedelta(seconds=30))
        report = await scheduler.run_due(clock.now())
        tick_ms.append(report.query_ms)
    elapsed = timer.perf_counter() - started
    sent = await db.fetchval("SELECT COUNT(*) FROM prompt_posts WHERE status = 'sent'")
    tick_ms.sort()
    print(f"A day at {guilds:,} servers ({len(ZONES)} zones, times spread over 24 h):")
    print(
        f"  due-set query per tick ({len(tick_ms)} ticks, 30 s apart): "
        f"median {statistics.median(tick_ms):.3f} ms, "
        f"p95 {tick_ms[int(len(tick_ms) * 0.95)]:.3f} ms, max {tick_ms[-1]:.3f} ms "
        f"(goal < 5 ms)"
    )
    print(
        f"  {len(sender.posts):,} posts sent, {sent:,} recorded as sent; "
        f"the whole simulated day ran in {elapsed:.1f} s"
    )
    await db.execute("UPDATE prompt_schedules SET next_run_at = ?", (stamp(START),))
    samples = sorted([(await timed_query(db, clock.now())) for _ in range(20)])
    ms, size = samples[len(samples) // 2]
    print(f"  worst case, all {size:,} due in one tick: due-set query {ms:.2f} ms (median of 20)")
    await db.close()
    print(f"  the same queries in SQLite alone (no event-loop/thread hop): {sql_alone(path)}")


def sql_alone(path: Path) -> str:
    """Separates SQLite's own cost from aiosqlite's thread hand-off and the event loop."""
    conn = sqlite3.connect(path)
    spread = "strftime('%Y-%m-%dT%H:%M:%SZ', ?, '+' || (guild_id * 86400 / 10000) || ' seconds')"
    cases = (
        ("a tick with a few due", f"UPDATE prompt_schedules SET next_run_at = {spread}", 30),
        ("all due", "UPDATE prompt_schedules SET next_run_at = ?", 60),
    )
    results = []
    for label, update, seconds in cases:
        conn.execute(update, (stamp(START),))
        conn.commit()
        moment = stamp(START + timedelta(seconds=seconds))
        due = len(conn.execute(DUE_SQL, (moment,)).fetchall())
        runs = []
        for _ in range(50):
            started = timer.perf_counter()
            conn.execute(DUE_SQL, (moment,)).fetchall()
            conn.execute(RECHECK_SQL, (moment,)).fetchall()
            runs.append((timer.perf_counter() - started) * 1000)
        results.append(f"{label} ({due:,}) {statistics.median(runs):.3f} ms")
    conn.close()
    return ", ".join(results)


async def burst(path: Path, count: int, limit: int, rng: Random) -> None:
    db = await Database.open(path)
    await migrate(db)
    await seed(db, count, START, rng, spread=False)
    sender = MemorySender()
    pacer = RequestPacer(limit)
    scheduler = PromptScheduler(
        db, sender, FakeClock(START), lambda lang: PROMPTS, pacer=pacer, rng=rng
    )
    started = timer.perf_counter()
    report = await scheduler.run_due(START)
    elapsed = timer.perf_counter() - started
    sent = await db.fetchval("SELECT COUNT(*) FROM prompt_posts WHERE status = 'sent'")
    lost = count - int(sent)
    peak = max_in_window(sorted(sender.request_times))
    print(f"Burst: {count:,} servers due at the same instant, pacer limit {limit}/s:")
    print(
        f"  {len(report.posted):,} posts in {elapsed:.2f} s = {len(report.posted) / elapsed:.1f} "
        f"posts/s; most requests in any 1 s window: {peak} (Discord's global limit: 50); "
        f"lost: {lost}"
    )
    await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print("Daily-prompt scheduler bench. Sender: IN-MEMORY FAKE (bot.daily_prompts.memory),")
    print("not Discord: the figures are the scheduler's own cost and pacing.\n")
    with tempfile.TemporaryDirectory() as tmp:
        await day_at_scale(Path(tmp) / "day.sqlite3", args.guilds, Random(args.seed))
        await burst(Path(tmp) / "burst.sqlite3", args.burst, args.limit, Random(args.seed))


if __name__ == "__main__":
    asyncio.run(main())
