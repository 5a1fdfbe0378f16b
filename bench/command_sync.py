"""What localised commands cost: the sync payload and its time, with and without the translator.

The real Bridgeline bot (temp data dir, shipped content, no meaning layer) logs in to the fake
Discord; each round syncs the whole tree once without the CommandTranslator and once with it.
The first sync of a body also pays the fake's schema check (cached per body afterwards), so
the first round is printed apart from the median of the others. Prints the payload sizes too.

    .venv/bin/python bench/command_sync.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.config import load_settings
from bot.content import Content, default_content_dir, load_content
from bot.fakediscord import FakeDiscord, run_bot
from bot.i18n.commands import CommandTranslator


async def measure(content: Content, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        settings = load_settings(
            environ={"BRIDGELINE_DATA_DIR": temp, "SAFETY_MEANING_LAYER": "off"},
            env_file=None,
            require_token=False,
            base_dir=Path(temp),
        )
        async with FakeDiscord() as fake:
            await fake.standard_guild()
            bot = Bridgeline(
                settings, content, clock=FakeClock(datetime.now(UTC)), guild_ready_timeout=0.02
            )
            async with run_bot(bot, fake, sync=False):
                times: dict[str, list[float]] = {"plain": [], "localised": []}
                sizes: dict[str, int] = {}
                for _ in range(rounds):
                    for name in times:
                        translator = CommandTranslator(settings.content_dir)
                        await bot.tree.set_translator(translator if name == "localised" else None)
                        start = time.perf_counter()
                        await bot.tree.sync()
                        times[name].append(time.perf_counter() - start)
                        sizes[name] = len(json.dumps(fake.commands[None]))
                for name, found in times.items():
                    rest = statistics.median(found[1:]) if len(found) > 1 else float("nan")
                    print(
                        f"{name:9}: first sync {1000 * found[0]:6.0f} ms, then median "
                        f"{1000 * rest:5.0f} ms; commands as stored: {sizes[name]:,} bytes"
                    )
                fake.assert_no_violations()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(measure(load_content(default_content_dir()), max(1, args.rounds)))


if __name__ == "__main__":
    main()
