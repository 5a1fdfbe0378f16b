"""One bot process for bench/scale_out.py: the real Bridgeline, some of the shards, pointed at
the bench's fake Discord, on a clock that runs a simulated day in a few real minutes.

Not for production: `bridgeline run --shards N --shard-ids ...` is. This only swaps the two
discord.py URLs (as the test harness does) and the clock, which every bot process derives from
the same real start instant, so all processes agree on the simulated time without talking.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import time
from datetime import datetime, timedelta

import discord
import discord.gateway
import discord.http
import yarl

from bot.client import make_bridgeline
from bot.config import load_settings
from bot.content import load_content
from bot.log import setup_logging
from bot.sharding import parse_shard_plan

#: How often the daily prompt loop looks (real seconds); its default (30 s) is hours here.
PROMPT_LOOP_INTERVAL_S = 0.5


class ScaledClock:
    """Simulated time: `sim_start` at real instant `real_start`, running `speed` times faster."""

    def __init__(self, sim_start: datetime, real_start: float, speed: float) -> None:
        self.sim_start, self.real_start, self.speed = sim_start, real_start, speed

    def now(self) -> datetime:
        elapsed = (time.time() - self.real_start) * self.speed
        return self.sim_start + timedelta(seconds=elapsed)


async def serve(args: argparse.Namespace) -> None:
    discord.http.Route.BASE = args.api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway)
    environ = {
        "BRIDGELINE_DATA_DIR": args.data_dir,
        "SAFETY_MEANING_LAYER": "on" if args.meaning_layer else "off",
        "LOG_LEVEL": "WARNING",
    }
    if os.environ.get("DATABASE_URL"):
        environ["DATABASE_URL"] = os.environ["DATABASE_URL"]
    settings = load_settings(environ=environ, env_file=None, require_token=False)
    settings = dataclasses.replace(settings, token=args.token)
    setup_logging("WARNING", secrets=[args.token])
    content = load_content(settings.content_dir)
    clock = ScaledClock(datetime.fromisoformat(args.sim_start), args.real_start, args.speed)
    plan = parse_shard_plan(args.shards, args.shard_ids)
    bot = make_bridgeline(
        settings, content, shards=plan, clock=clock, guild_ready_timeout=0.5, identify_spacing=0
    )
    async with bot:
        await bot.open_storage()
        await bot.login(args.token)
        scheduler = getattr(bot, "prompt_scheduler", None)
        if scheduler is not None:
            scheduler.interval = PROMPT_LOOP_INTERVAL_S
        if args.sync:
            await bot.tree.sync()
        await bot.connect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--shards", type=int, required=True)
    parser.add_argument("--shard-ids", required=True)
    parser.add_argument("--sim-start", required=True)
    parser.add_argument("--real-start", type=float, required=True)
    parser.add_argument("--speed", type=float, required=True)
    parser.add_argument("--sync", action="store_true", help="register the slash commands")
    parser.add_argument("--meaning-layer", action="store_true")
    args = parser.parse_args()
    logging.getLogger("discord").setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
