"""The chart as a Discord attachment: rendered off the event loop, described for screen
readers. Built from one member's own days only; callers pass nothing else."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Mapping
from datetime import date

import discord

from bot.moodchart.render import render_png
from bot.moodchart.series import alt_text, build_series

log = logging.getLogger(__name__)


async def chart_file(
    daily: Mapping[date, float], streak_days: int, today: date, window: int, lang: str
) -> discord.File | None:
    """None if drawing failed (the history is still shown, with its text sparkline)."""
    series = build_series(daily, streak_days, today, window)
    try:
        png = await asyncio.to_thread(render_png, series, lang)
    except Exception:
        log.exception("Mood chart could not be drawn")
        return None
    return discord.File(
        io.BytesIO(png), filename=f"mood-{window}-days.png", description=alt_text(series, lang)
    )
