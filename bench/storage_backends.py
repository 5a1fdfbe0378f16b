"""SQLite and PostgreSQL side by side on the storage operations several processes contend for.

Each figure runs the real store functions against a fresh database: check-ins saved
(transactions), anonymous posts claimed by 1 or 2 "processes" (one connection each, the
lease statement), and alert claims raced by two moderators in two processes. PostgreSQL is a
throw-away local server (bot/storage/pg_local.py) with fsync off, so the figures compare the
backends' statement and locking costs, not disks.

    .venv/bin/python bench/storage_backends.py [--checkins 2000] [--posts 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.checkins import repo
from bot.safety_service import alerts
from bot.safety_service.policy import Flag
from bot.storage.backend import Database, open_database
from bot.storage.migrate import migrate
from bot.storage.pg_local import LocalPostgres

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GUILD = 1
LEASE = timedelta(seconds=60)


async def _timed(call: Callable[[], Awaitable[object]], latencies: list[float]) -> None:
    start = time.perf_counter()
    await call()
    latencies.append(time.perf_counter() - start)


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 100 else max(values)


async def _checkins(db: Database, count: int) -> tuple[float, float]:
    latencies: list[float] = []
    start = time.perf_counter()
    for n in range(count):
        await _timed(
            lambda n=n: repo.add_checkin(
                db, guild_id=GUILD, pseudonym=f"p{n % 50}", body="words", mood=3, now=NOW
            ),
            latencies,
        )
    return count / (time.perf_counter() - start), _p99(latencies)


async def _queue(db: Database, count: int) -> None:
    for n in range(count):
        checkin = await repo.add_checkin(
            db, guild_id=GUILD, pseudonym=f"q{n}", body="words", mood=3, now=NOW
        )
        await repo.add_post(db, checkin=checkin, channel_id=9, body="words", status="queued",
                            now=NOW, due_at=NOW)  # fmt: skip


async def _drain(db: Database, latencies: list[float]) -> int:
    claimed = 0
    while True:
        start = time.perf_counter()
        got = await repo.claim_due_post(db, NOW, LEASE)
        latencies.append(time.perf_counter() - start)
        if got is None:
            return claimed
        claimed += 1


async def _claims(dbs: list[Database], count: int) -> tuple[float, float, int]:
    await _queue(dbs[0], count)
    latencies: list[float] = []
    start = time.perf_counter()
    counts = await asyncio.gather(*(_drain(db, latencies) for db in dbs))
    counts.append(await _drain(dbs[0], latencies))  # whatever a lost race left behind
    elapsed = time.perf_counter() - start
    return sum(counts) / elapsed, _p99(latencies), sum(counts)


async def _alert_races(dbs: list[Database], count: int) -> tuple[float, float, int]:
    latencies: list[float] = []
    doubles = 0
    start = time.perf_counter()
    for n in range(count):
        alert_id = await alerts.create_alert(
            dbs[0], guild_id=GUILD, source="message", flag=Flag({"crisis": "high"}), now=NOW,
            channel_id=1, message_id=10_000 + n,
        )  # fmt: skip
        assert alert_id is not None
        t0 = time.perf_counter()
        won = await asyncio.gather(
            *(alerts.claim(db, alert_id, i + 1, NOW) for i, db in enumerate(dbs))
        )
        latencies.append(time.perf_counter() - t0)
        doubles += sum(w is not None for w in won) > 1
    return count / (time.perf_counter() - start), _p99(latencies), doubles


async def _run(url: str, args: argparse.Namespace) -> dict[str, str]:
    first = await open_database(url)
    await migrate(first)
    second = await open_database(url)
    try:
        rate, p99 = await _checkins(first, args.checkins)
        one = await _claims([first], args.posts)
        two = await _claims([first, second], args.posts)
        races = await _alert_races([first, second], args.alerts)
    finally:
        await second.close()
        await first.close()
    return {
        "check-ins saved /s (p99 ms)": f"{rate:8.0f} ({p99 * 1000:6.2f})",
        "post claims /s, 1 process (p99 ms)": f"{one[0]:8.0f} ({one[1] * 1000:6.2f})",
        "post claims /s, 2 processes (p99 ms)": f"{two[0]:8.0f} ({two[1] * 1000:6.2f})",
        "posts claimed of queued, 2 processes": f"{two[2]:>8} / {args.posts}",
        "alert claim races /s (p99 ms)": f"{races[0]:8.0f} ({races[1] * 1000:6.2f})",
        "alerts claimed twice": f"{races[2]:>8}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkins", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--alerts", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = asyncio.run(_run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args))
    server = LocalPostgres.start()
    try:
        postgres = asyncio.run(_run(server.url(server.create_database()), args))
    finally:
        server.stop()
    print(f"{'':40} {'SQLite':>18} {'PostgreSQL':>18}")
    for name in sqlite:
        print(f"{name:40} {sqlite[name]:>18} {postgres[name]:>18}")


if __name__ == "__main__":
    main()
