"""`bridgeline sandbox`: the real bot against a local fake Discord, no token or network.

The clock is real time plus an offset, so `:tick 2h` jumps ahead and runs what became due
(daily prompts, delayed anonymous posts) while everything else behaves as in production.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.client import Bridgeline
from bot.clock import OffsetClock, parse_duration
from bot.config import ConfigError, load_settings
from bot.content import check_content
from bot.fakediscord.sandbox import LOCALES, Sandbox, run_sandbox
from bot.log import setup_logging

# Services that expose `run_due(now)`: attribute names on the bot, set by their cogs. Tasks
# that wait on the clock (delayed anonymous posts) wake by themselves through `clock.changed`.
DUE_RUNNERS = ("prompt_scheduler",)


def run(data_dir: Path | None = None, locale: str | None = None) -> int:
    """`locale`: the member's Discord client language (es-ES, fr, de, pt-BR ...), so the
    sandbox shows the bot as a member with that language sees it."""
    if locale is not None:
        known = {code.lower(): code for code in LOCALES}
        if locale.lower() not in known:
            print(
                f"bridgeline: unknown Discord language {locale!r}; use one of: "
                + ", ".join(LOCALES),
                file=sys.stderr,
            )
            return 2
        locale = known[locale.lower()]
    with tempfile.TemporaryDirectory(prefix="bridgeline-sandbox-") as temp:
        environ = dict(os.environ)
        data = data_dir or Path(temp) / "data"
        environ["BRIDGELINE_DATA_DIR"] = str(data)
        environ.pop("DISCORD_TOKEN", None)
        try:
            settings = load_settings(environ=environ, require_token=False)
        except ConfigError as exc:
            print(f"bridgeline: {exc}", file=sys.stderr)
            return 2
        # Into a file, never between the prompt and what you type; errors name it.
        log_file = data / "sandbox.log"
        setup_logging(
            "WARNING" if settings.log_level in ("DEBUG", "INFO") else settings.log_level,
            file=log_file,
        )
        content, problems = check_content(settings.content_dir)
        if content is None:
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1
        clock = OffsetClock()
        bots: list[Bridgeline] = []

        def make_bot() -> Bridgeline:
            bot = Bridgeline(settings, content, clock=clock, guild_ready_timeout=0.02)
            bots.append(bot)
            return bot

        async def tick(box: Sandbox, args: list[str]) -> None:
            if len(args) != 1:
                box.write("usage: :tick DURATION   (for example :tick 30m, :tick 1d)")
                return
            try:
                delta = parse_duration(args[0])
            except ValueError as exc:
                box.write(str(exc))
                return
            now = clock.advance(delta)
            box.write(f"Clock moved to {now:%Y-%m-%d %H:%M} UTC.")
            for name in DUE_RUNNERS:
                runner: Any = getattr(bots[-1], name, None)
                if runner is None:
                    continue
                report = runner.run_due(now)
                if inspect.isawaitable(report):
                    report = await report
                summary = getattr(report, "summary", None)
                if callable(summary):
                    box.write(summary())

        return asyncio.run(
            run_sandbox(
                make_bot,
                stdin=sys.stdin,
                stdout=sys.stdout,
                interactive=sys.stdin.isatty(),
                extra_commands={"tick": tick},
                # The same server ids after a restart on the same data: settings still apply.
                world_file=data / "sandbox-world.json" if data_dir else None,
                log_file=log_file,
                locale=locale,
            )
        )
