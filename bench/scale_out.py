"""Scale-out bench (issue 17): several bot processes split the shards of many fake servers for a
simulated day of daily prompts, check-ins, anonymous posts and safety alerts; one process is
`kill -9`ed mid-day and restarted. Prints what it measured:

- duplicates: daily prompts (per server and day), alert posts (per flagged message) and
  anonymous posts (per check-in): all must be 0;
- lost acknowledged check-ins: the bot said "saved" but the database has no row: must be 0;
- prompts posted and servers without one, prompts that needed a second attempt (sends the
  kill cut off and the restarted process took over), interactions unanswered (a killed
  process answers nothing until it is back; Discord does not replay a dead shard's events to a
  fresh session, so messages sent meanwhile are never seen), throughput (what the simulated
  day offered, not a ceiling) and p50/p99 latency of a check-in (modal submit to the answer).

With `--backends sqlite,postgresql` the same day (same seed, same plan) runs on each backend in
turn, each on a fresh fake Discord and database, and one side-by-side table ends the output.
PostgreSQL without a URL is a throw-away local server (bot/storage/pg_local.py, fsync off),
started for the run and stopped after.

The fake Discord and the driver run in this process; each bot runs in its own process
(bench/scale_out_bot.py) so one can be killed on its own. The safety model is not loaded
(patterns only) unless --meaning-layer: two cores cannot hold two copies and the load.

    .venv/bin/python bench/scale_out.py                        # 1,000 servers, 2 x 4 shards
    .venv/bin/python bench/scale_out.py --burst                # every prompt at the kill
    .venv/bin/python bench/scale_out.py --day-seconds 120 --checkins 1500 --alerts 300
    .venv/bin/python bench/scale_out.py --database-url sqlite:////tmp/x/bridgeline.sqlite3
    .venv/bin/python bench/scale_out.py --database-url postgresql://user:pw@host/db
    .venv/bin/python bench/scale_out.py --backend postgresql   # a throw-away local server
    .venv/bin/python bench/scale_out.py --backends sqlite,postgresql   # side by side
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from random import Random
from typing import Any

from bot.daily_prompts import schedules
from bot.fakediscord import FakeDiscord, FakeMessage
from bot.fakediscord.state import Channel, Member
from bot.sharding import shard_of
from bot.storage.backend import (
    Database,
    DatabaseUrlError,
    check_url,
    open_database,
    sqlite_path,
)
from bot.storage.guilds import update_settings
from bot.storage.migrate import migrate
from bot.storage.pg_local import LocalPostgres, PostgresMissing

REPO = Path(__file__).resolve().parent.parent
WORKER = REPO / "bench" / "scale_out_bot.py"
SIM_START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
CRISIS = "honestly i just want to die, #{n}"
MOOD, BODY = "checkin:mood", "checkin:body"
SAVED_HINT = "Post anonymously"
#: The kill comes this long (real seconds) after --kill-at: with --burst, mid-burst.
KILL_AFTER_S = 0.3  # the button on the private reply to a saved check-in


@dataclass
class Server:
    guild_id: int
    general: Channel
    check_ins: Channel
    daily: Channel
    alerts: Channel
    member: Member


@dataclass
class Tally:
    acked: list[tuple[int, str]] = field(default_factory=list)  # (guild, body) the bot saved
    shared: list[str] = field(default_factory=list)  # bodies whose post was queued
    crisis: list[FakeMessage] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0
    interactions: int = 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--day-seconds", type=float, default=150.0, help="real seconds per day")
    parser.add_argument("--checkins", type=int, default=150, help="check-ins over the day")
    parser.add_argument("--alerts", type=int, default=60, help="flagged messages over the day")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--kill-at", type=float, default=0.45, help="fraction of the day")
    parser.add_argument("--down-seconds", type=float, default=3.0)
    parser.add_argument(
        "--warmup-seconds", type=float, default=20.0, help="real seconds to start and connect"
    )
    parser.add_argument(
        "--database-url", help="sqlite:///path/bridgeline.sqlite3 or postgresql://... "
        "(default: a fresh database of each --backends in a temp dir / throw-away server)"
    )  # fmt: skip
    parser.add_argument(
        "--backends", "--backend", default="sqlite", type=_backend_list,
        help="sqlite, postgresql or both (sqlite,postgresql): one run each, side by side",
    )  # fmt: skip
    parser.add_argument("--meaning-layer", action="store_true", help="load the safety model")
    parser.add_argument(
        "--burst", action="store_true", help="every server's prompt at the moment of the kill"
    )
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    if args.database_url:
        try:
            args.backends = [check_url(args.database_url)]
        except DatabaseUrlError as exc:
            parser.error(str(exc).replace("DATABASE_URL", "--database-url"))
        if args.backends == ["sqlite"]:
            # Absolute: the bot processes run in the repository, this one anywhere.
            args.database_url = f"sqlite:///{Path(sqlite_path(args.database_url)).resolve()}"
    if args.processes < 1 or args.shards < args.processes:
        parser.error("--shards must be at least --processes (each process runs a shard)")
    return args


BACKENDS = ("sqlite", "postgresql")


def _backend_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in BACKENDS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(BACKENDS)} (comma-separated)")
    return names


def data_dir_for(url: str | None, temp: Path) -> Path:
    """The bot's data dir (logs; the SQLite file when the URL names none or is PostgreSQL)."""
    if url is None or check_url(url) == "postgresql":
        return temp / "data"
    path = Path(sqlite_path(url))
    if path.name != "bridgeline.sqlite3":
        sys.exit("scale_out: a SQLite --database-url must end in /bridgeline.sqlite3")
    return path.parent


async def open_bench_database(url: str) -> Database:
    """The database the bot processes share (they get the same URL as DATABASE_URL)."""
    return await open_database(url)


async def build_world(fake: FakeDiscord, count: int) -> list[Server]:
    servers = []
    for i in range(count):
        guild = await fake.add_guild(f"Server {i}", owner=f"owner{i}")
        general = await fake.add_channel(guild, "general")
        check_ins = await fake.add_channel(guild, "check-ins")
        daily = await fake.add_channel(guild, "daily-prompt")
        alerts = await fake.add_channel(guild, "mod-alerts")
        member = await fake.add_member(guild, f"member{i}")
        servers.append(Server(guild.id, general, check_ins, daily, alerts, member))
    return servers


async def seed_database(
    url: str, servers: list[Server], rng: Random, burst_at: float | None
) -> None:
    """Settings and a prompt schedule per server, at a time spread over the simulated day (or
    all at `burst_at`, a fraction of the day: the kill then lands mid-burst)."""
    db = await open_bench_database(url)
    try:
        await migrate(db)
        for server in servers:
            await update_settings(
                db, server.guild_id, checkin_channel_id=server.check_ins.id,
                alerts_channel_id=server.alerts.id, anon_delay_max_s=0,
            )  # fmt: skip
            minute = rng.randrange(10, 23 * 60) if burst_at is None else int(burst_at * 1440)
            await schedules.configure(
                db, server.guild_id, channel_id=server.daily.id,
                post_time=time_of_day(minute // 60, minute % 60), timezone="UTC", now=SIM_START,
            )  # fmt: skip
    finally:
        await db.close()


class Fleet:
    """The bot processes, each with its slice of the shards."""

    def __init__(
        self, args: argparse.Namespace, fake: FakeDiscord, data_dir: Path, url: str
    ) -> None:
        self.args, self.fake, self.data_dir, self.url = args, fake, data_dir, url
        #: The simulated day starts once the processes have had time to start and connect.
        self.real_start = time.time() + args.warmup_seconds
        self.speed = 86400 / args.day_seconds
        ids = list(range(args.shards))
        self.slices = [ids[p :: args.processes] for p in range(args.processes)]
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * args.processes
        self.logs = [open(data_dir / f"bot{p}.log", "ab") for p in range(args.processes)]  # noqa: SIM115

    def start(self, index: int) -> None:
        a = self.args
        command = [
            sys.executable, str(WORKER), "--api", self.fake.base_url,
            "--gateway", self.fake.gateway_url, "--token", self.fake.token,
            "--data-dir", str(self.data_dir), "--shards", str(a.shards),
            "--shard-ids", ",".join(map(str, self.slices[index])),
            "--sim-start", SIM_START.isoformat(), "--real-start", str(self.real_start),
            "--speed", str(self.speed),
        ]  # fmt: skip
        if index == 0:
            command.append("--sync")
        if a.meaning_layer:
            command.append("--meaning-layer")
        env = dict(os.environ)
        env["DATABASE_URL"] = self.url
        self.procs[index] = subprocess.Popen(
            command, cwd=REPO, stdout=self.logs[index], stderr=subprocess.STDOUT, env=env
        )

    def kill(self, index: int) -> None:
        proc = self.procs[index]
        if proc is not None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            if proc is not None:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for log in self.logs:
            log.close()

    def sim_now(self) -> datetime:
        return SIM_START + timedelta(seconds=(time.time() - self.real_start) * self.speed)


async def wait_connected(fleet: Fleet, limit: float = 120) -> None:
    fake, shards = fleet.fake, fleet.args.shards

    def ready() -> bool | None:
        for index, proc in enumerate(fleet.procs):
            if proc is not None and proc.poll() is not None:
                log = fleet.data_dir / f"bot{index}.log"
                tail = log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"scale_out: bot process {index} exited:\n{tail}")
        live = [s for s in fake.gateway.sessions.values() if s.ws is not None]
        return True if len(live) == shards and fake.commands.get(None) else None

    await fake.wait_until(ready, limit, "every shard connected and commands synced")


#: Where each unfinished check-in is (`kill -USR1` the bench prints it, for a stuck run).
PHASE: dict[str, str] = {}


async def check_in(fake: FakeDiscord, server: Server, body: str, tally: Tally) -> None:
    """/checkin new, the modal, then "Post anonymously"; counts only what the bot answered."""
    who = server.member
    tally.interactions += 1
    try:
        PHASE[body] = "slash"
        inter = await fake.slash("checkin new", None, who, server.general)
        PHASE[body] = "modal_shown"
        await inter.modal_shown(10)
        started = time.perf_counter()
        PHASE[body] = "submit"
        inter = await fake.submit_modal({MOOD: "3", BODY: body}, who)
        PHASE[body] = "response"
        answer = await inter.response(10)
        tally.latencies.append(time.perf_counter() - started)
    except (TimeoutError, LookupError, AssertionError):
        fake.modals.pop(who.user.id, None)
        tally.unanswered += 1
        PHASE.pop(body, None)
        return
    if answer.message is None or not any(SAVED_HINT in b for b in _labels(answer.message)):
        tally.unanswered += 1
        PHASE.pop(body, None)
        return
    tally.acked.append((server.guild_id, body))
    try:
        PHASE[body] = "click"
        pressed = await fake.click(answer.message, SAVED_HINT, who)
        PHASE[body] = "click-response"
        await pressed.response(10)
        tally.shared.append(body)
    except (TimeoutError, LookupError):
        tally.unanswered += 1
    PHASE.pop(body, None)


def _labels(message: FakeMessage) -> list[str]:
    from bot.fakediscord.messages import walk_components

    return [str(c.get("label")) for c in walk_components(message.components)]


async def run_day(args: argparse.Namespace, fake: FakeDiscord, servers: list[Server],
                  fleet: Fleet, rng: Random) -> Tally:  # fmt: skip
    tally = Tally()
    slots = asyncio.Semaphore(args.concurrency)
    # One thing at a time per member: the fake keeps one open modal per user.
    members = {s.guild_id: asyncio.Lock() for s in servers}
    plan: list[tuple[float, str, Server]] = []
    for _ in range(args.checkins):
        plan.append((rng.uniform(0.02, 0.9), "checkin", rng.choice(servers)))
    for _ in range(args.alerts):
        plan.append((rng.uniform(0.02, 0.9), "alert", rng.choice(servers)))
    plan.sort(key=lambda item: item[0])
    victim = 1 % args.processes
    kill_in = fleet.real_start + args.kill_at * args.day_seconds + KILL_AFTER_S - time.time()
    killer = asyncio.create_task(kill_and_restart(fleet, victim, max(0.0, kill_in)))
    jobs: list[asyncio.Task[None]] = []
    for n, (at, kind, server) in enumerate(plan):
        await asyncio.sleep(max(0.0, fleet.real_start + at * args.day_seconds - time.time()))

        async def job(kind: str = kind, server: Server = server, n: int = n) -> None:
            async with slots, members[server.guild_id]:
                if kind == "checkin":
                    await check_in(fake, server, f"bench check-in {n} in {server.guild_id}", tally)
                else:
                    said = await fake.send_message(
                        server.general, server.member, CRISIS.format(n=n)
                    )
                    tally.crisis.append(said)

        jobs.append(asyncio.create_task(job()))
    await asyncio.gather(*jobs, killer)
    return tally


async def kill_and_restart(fleet: Fleet, index: int, delay: float) -> None:
    await asyncio.sleep(delay)
    print(f"  kill -9 bot process {index} at {fleet.sim_now():%a %H:%M} simulated", flush=True)
    fleet.kill(index)
    await asyncio.sleep(fleet.args.down_seconds)
    fleet.start(index)


def count(
    fake: FakeDiscord, servers: list[Server], tally: Tally, sent_days: dict[int, int]
) -> dict[str, int]:
    bot = fake.bot_user
    prompts: Counter[int] = Counter()  # posts Discord got, per server (any simulated day)
    alert_posts: Counter[int] = Counter()
    anon_posts: Counter[str] = Counter()
    for server in servers:
        prompts[server.guild_id] = sum(1 for m in fake.messages(server.daily) if m.author is bot)
        for m in fake.messages(server.alerts):
            if m.author is bot and any("Safety alert" in (e.get("title") or "") for e in m.embeds):
                for said in tally.crisis:
                    if f"/{said.id}" in m.text:
                        alert_posts[said.id] += 1
        for m in fake.messages(server.check_ins):
            if m.author is bot:
                anon_posts[m.text] += 1
    shared_bodies = set(tally.shared)
    posted_shared = {body for body in shared_bodies if any(body in t for t in anon_posts)}
    return {
        "servers": len(servers),
        "prompts posted": sum(prompts.values()),
        "servers without a prompt": sum(1 for s in servers if prompts[s.guild_id] == 0),
        # More posts on Discord than (server, local day)s the database recorded as sent.
        "duplicate prompts": sum(max(0, n - sent_days.get(g, 0)) for g, n in prompts.items()),
        "flagged messages": len(tally.crisis),
        "alerts posted": len(alert_posts),
        "duplicate alerts": sum(n - 1 for n in alert_posts.values() if n > 1),
        "anonymous posts queued": len(shared_bodies),
        "anonymous posts posted": len(posted_shared),
        "duplicate anonymous posts": sum(n - 1 for n in anon_posts.values() if n > 1),
        "check-ins acknowledged": len(tally.acked),
        "interactions unanswered": tally.unanswered,
    }


async def prompt_days(url: str) -> dict[int, int]:
    """(server, local day)s the database says were posted, per server."""
    db = await open_bench_database(url)
    try:
        rows = await db.fetchall(
            "SELECT guild_id, COUNT(*) FROM prompt_posts WHERE message_id IS NOT NULL "
            "GROUP BY guild_id"
        )
        return {int(r[0]): int(r[1]) for r in rows}
    finally:
        await db.close()


async def prompts_retried(url: str) -> int:
    """Prompt posts that needed more than one attempt (a send cut off by the kill, a retry)."""
    db = await open_bench_database(url)
    try:
        return int(await db.fetchval("SELECT COUNT(*) FROM prompt_posts WHERE attempts > 1"))
    finally:
        await db.close()


async def lost_checkins(url: str, tally: Tally) -> int:
    db = await open_bench_database(url)
    try:
        per_guild = Counter(g for g, _ in tally.acked)
        lost = 0
        for guild_id, acked in per_guild.items():
            rows = await db.fetchval(
                "SELECT COUNT(*) FROM checkins WHERE guild_id = ?", (guild_id,)
            )
            lost += max(0, acked - int(rows))
        return lost
    finally:
        await db.close()


def dump_phases() -> None:
    """`kill -USR1` the bench: where each unfinished check-in is (for a run that seems stuck)."""
    print(dict(PHASE), file=sys.stderr)


BAD = ("duplicate prompts", "duplicate alerts", "duplicate anonymous posts",
       "lost acknowledged check-ins")  # fmt: skip
#: The side-by-side table's rows (the per-run listing has every figure).
TABLE = (*BAD, "prompts posted", "servers without a prompt", "prompts needing a second attempt",
         "alerts posted", "anonymous posts posted", "check-ins acknowledged",
         "interactions unanswered", "throughput (actions/s)", "check-in p50 (ms)",
         "check-in p99 (ms)")  # fmt: skip


async def run_backend(
    args: argparse.Namespace, backend: str, url: str, temp: Path
) -> dict[str, Any]:
    """One simulated day on one backend; returns its figures (printed as it goes)."""
    rng = Random(args.seed)  # the same plan on every backend
    PHASE.clear()
    data_dir = data_dir_for(url, temp)
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"scale_out: {args.guilds} servers, {args.processes} processes x "
          f"{args.shards} shards, a day in {args.day_seconds:.0f} s, backend {backend}")  # fmt: skip
    async with FakeDiscord(shards=args.shards) as fake:
        fake.response_deadline = 10.0  # a loaded 2-core machine; Discord gives 3 s
        built = time.perf_counter()
        servers = await build_world(fake, args.guilds)
        await seed_database(url, servers, rng, args.kill_at if args.burst else None)
        per_shard = Counter(shard_of(s.guild_id, args.shards) for s in servers)
        print(f"  world and database ready in {time.perf_counter() - built:.1f} s; "
              f"servers per shard {dict(sorted(per_shard.items()))}", flush=True)  # fmt: skip
        fleet = Fleet(args, fake, data_dir, url)
        try:
            for index in range(args.processes):
                fleet.start(index)
            await wait_connected(fleet)
            print(
                f"  all shards connected at {fleet.sim_now():%a %H:%M} simulated (the day is Mon)",
                flush=True,
            )
            await asyncio.sleep(max(0.0, fleet.real_start - time.time()))
            started = time.perf_counter()
            tally = await run_day(args, fake, servers, fleet, rng)
            await wait_connected(fleet)
            await asyncio.sleep(max(0.0, fleet.real_start + args.day_seconds - time.time()))
            await asyncio.sleep(3)  # the last prompts and posts in flight
            wall = time.perf_counter() - started
        finally:
            fleet.stop_all()
        figures: dict[str, Any] = count(fake, servers, tally, await prompt_days(url))
        figures["lost acknowledged check-ins"] = await lost_checkins(url, tally)
        figures["prompts needing a second attempt"] = await prompts_retried(url)
        fake.assert_no_violations()
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"  {name:<{width}}  {value}")
    sent = figures["prompts posted"] + figures["alerts posted"]
    sent += figures["anonymous posts posted"] + tally.interactions
    figures["throughput (actions/s)"] = f"{sent / wall:.1f}"
    print(f"  throughput: {sent / wall:.1f} bot actions/s over {wall:.0f} s "
          f"(prompts + alerts + anonymous posts + check-in interactions)")  # fmt: skip
    figures["check-in p50 (ms)"] = figures["check-in p99 (ms)"] = "-"
    if tally.latencies:
        ordered = sorted(tally.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        figures["check-in p50 (ms)"], figures["check-in p99 (ms)"] = f"{p50:.0f}", f"{p99:.0f}"
        print(f"  check-in latency: p50 {p50:.0f} ms, p99 {p99:.0f} ms "
              f"over {len(ordered)} answered")  # fmt: skip
    failed = [name for name in BAD if figures[name]]
    print("  RESULT:", "FAIL " + ", ".join(failed) if failed else "ok (0 duplicates, 0 lost)")
    return figures


async def run_on(args: argparse.Namespace, backend: str) -> dict[str, Any]:
    """`backend`'s run on --database-url, or on a fresh database (a throw-away server for
    PostgreSQL, started here and stopped after)."""
    with tempfile.TemporaryDirectory(prefix="bridgeline-scale-") as temp:
        if args.database_url:
            return await run_backend(args, backend, args.database_url, Path(temp))
        if backend == "sqlite":
            url = f"sqlite:///{Path(temp) / 'data' / 'bridgeline.sqlite3'}"
            return await run_backend(args, backend, url, Path(temp))
        try:
            server = await asyncio.to_thread(LocalPostgres.start)
        except PostgresMissing as exc:
            sys.exit(f"scale_out: {exc}")
        try:
            name = await asyncio.to_thread(server.create_database)
            return await run_backend(args, backend, server.url(name), Path(temp))
        finally:
            await asyncio.to_thread(server.stop)


def print_side_by_side(results: dict[str, dict[str, Any]]) -> None:
    names = list(results)
    width = max(map(len, TABLE))
    cols = [max(len(n), *(len(str(r.get(k, "-"))) for k in TABLE)) for n, r in results.items()]
    print("\nscale_out: side by side")
    print(f"  {'':<{width}}  " + "  ".join(f"{n:>{c}}" for n, c in zip(names, cols, strict=True)))
    for key in TABLE:
        cells = (f"{r.get(key, '-')!s:>{c}}" for r, c in zip(results.values(), cols, strict=True))
        print(f"  {key:<{width}}  " + "  ".join(cells))


async def main() -> None:
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump_phases)
    args = parse_args()
    results = {backend: await run_on(args, backend) for backend in args.backends}
    if len(results) > 1:
        print_side_by_side(results)
    if any(figures[name] for figures in results.values() for name in BAD):
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())
