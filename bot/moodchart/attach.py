"""The chart as a Discord attachment: rendered off the event loop, described for screen
readers. Built from one member's own days only; callers pass nothing else.

Drawing takes about 4 ms of CPU, most of it holding the GIL, so a burst of /checkin history
calls slowed every other answer (issue 16: p99 11.6x a bare bot). ChartCache keeps each
member's last PNG, keyed by their pseudonym and replaced as soon as their days, streak, window
or language differ, so a repeat view draws nothing. It holds no user id and no check-in text,
only the pixels the member was already shown, for at most TTL and MAX_MEMBERS members."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date

import discord

from bot.moodchart.render import render_png
from bot.moodchart.series import MoodSeries, alt_text, build_series

log = logging.getLogger(__name__)


class ChartCache:
    """One PNG per member (by pseudonym), valid while their series and language are unchanged."""

    MAX_MEMBERS = 256
    TTL_S = 15 * 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: OrderedDict[str, tuple[MoodSeries, str, float, bytes]] = OrderedDict()

    def get(self, owner: str, series: MoodSeries, lang: str) -> bytes | None:
        entry = self._entries.get(owner)
        if entry is None:
            return None
        cached_series, cached_lang, stored, png = entry
        if cached_series != series or cached_lang != lang or self._clock() - stored > self.TTL_S:
            del self._entries[owner]
            return None
        self._entries.move_to_end(owner)
        return png

    def put(self, owner: str, series: MoodSeries, lang: str, png: bytes) -> None:
        self._entries[owner] = (series, lang, self._clock(), png)
        self._entries.move_to_end(owner)
        while len(self._entries) > self.MAX_MEMBERS:
            self._entries.popitem(last=False)

    def forget(self, owner: str) -> None:
        self._entries.pop(owner, None)

    def __len__(self) -> int:
        return len(self._entries)


async def chart_file(
    daily: Mapping[date, float],
    streak_days: int,
    today: date,
    window: int,
    lang: str,
    *,
    cache: ChartCache | None = None,
    owner: str = "",
) -> discord.File | None:
    """None if drawing failed (the history is still shown, with its text sparkline). With a
    cache, `owner` is the member's pseudonym (never a raw user id)."""
    series = build_series(daily, streak_days, today, window)
    png = cache.get(owner, series, lang) if cache is not None else None
    if png is None:
        try:
            png = await asyncio.to_thread(render_png, series, lang)
        except Exception:
            log.exception("Mood chart could not be drawn")
            return None
        if cache is not None:
            cache.put(owner, series, lang, png)
    return discord.File(
        io.BytesIO(png), filename=f"mood-{window}-days.png", description=alt_text(series, lang)
    )
