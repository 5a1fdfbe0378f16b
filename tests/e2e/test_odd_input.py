"""Option values Discord allows but nobody means: 6,000 characters quoted back in a reply
(over Discord's 2,000, so the reply was refused and the member saw nothing), and control
characters in a prompt ("Something went wrong"). Each gets a short, clear private answer."""

from __future__ import annotations

from typing import Any

import pytest
from test_checkins import configure

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild

LONG = "x" * 6000  # the longest string option value Discord sends


@pytest.mark.parametrize(
    ("path", "options", "user", "needle"),
    [
        ("checkin unblock", {"label": LONG}, "mod", "No blocked anonymous author"),
        ("prompts setup", {"channel": "daily-prompt", "time": LONG}, "mod", "not a time of day"),
        (
            "prompts setup",
            {"channel": "daily-prompt", "time": "09:00", "timezone": LONG},
            "mod",
            "isn't a timezone I know",
        ),
        ("setup region", {"region": LONG}, "owner", "I don't know the region"),
        ("setup timezone", {"timezone": LONG}, "owner", "isn't a timezone I know"),
    ],
)
async def test_an_over_long_value_is_quoted_short(
    fake: FakeDiscord,
    world: StandardGuild,
    bot: Bridgeline,
    path: str,
    options: dict[str, Any],
    user: str,
    needle: str,
) -> None:
    await configure(bot, world)
    if "channel" in options:
        options = {**options, "channel": world.daily_prompt}
    answer = await (await fake.slash(path, options, user, "general")).reply()
    assert answer.ephemeral and needle in answer.text
    assert len(answer.text) <= 2000 and "x" * 100 not in answer.text


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m"])
async def test_control_characters_in_a_prompt_are_refused_clearly(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, bad: str
) -> None:
    await configure(bot, world)
    text = f"What helped you{bad} today, even a little?"
    answer = await (await fake.slash("prompts add", {"text": text}, "mod", "general")).reply()
    assert "control characters" in answer.text and "Something went wrong" not in answer.text
    assert await bot.db.fetchval("SELECT COUNT(*) FROM prompt_custom") == 0
