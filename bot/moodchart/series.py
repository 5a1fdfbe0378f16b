"""What the chart shows, as plain data (no drawing, no discord): one member's average mood per
day over the window, the days of their current streak, and the same in words (alt text)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.i18n import DEFAULT_LANG, t

WINDOWS = (30, 90)
ALT_TEXT_LIMIT = 1024  # Discord's limit for an attachment description


@dataclass(frozen=True)
class MoodSeries:
    days: tuple[date, ...]  # oldest first, ending today
    moods: tuple[float | None, ...]  # average mood 1-5 per day, None without a check-in
    streak: frozenset[date]  # the days of the current streak

    @property
    def checked_in(self) -> int:
        return sum(m is not None for m in self.moods)


def build_series(
    daily: Mapping[date, float], streak_days: int, today: date, window: int
) -> MoodSeries:
    """`daily` is one member's average mood per local day (bot.checkins.rules.daily_moods)."""
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {WINDOWS}")
    days = tuple(today - timedelta(days=offset) for offset in range(window - 1, -1, -1))
    moods = tuple(daily.get(day) for day in days)
    end = today if today in daily else today - timedelta(days=1)
    streak = frozenset(end - timedelta(days=n) for n in range(streak_days))
    return MoodSeries(days, moods, streak)


def _day(day: date, lang: str) -> str:
    month = t(lang, f"checkins.chart.months.{day.month}")
    return t(lang, "checkins.chart.day", day=day.day, month=month)


def _days(count: int, lang: str) -> str:
    return t(
        lang, "checkins.chart.days_one" if count == 1 else "checkins.chart.days_many", count=count
    )


def alt_text(series: MoodSeries, lang: str = DEFAULT_LANG) -> str:
    """The chart in words, for screen readers (the attachment's description), in `lang`."""
    window = len(series.days)
    points = [(d, m) for d, m in zip(series.days, series.moods, strict=True) if m is not None]
    if not points:
        return t(lang, "checkins.chart.empty", days=window)
    average = sum(m for _, m in points) / len(points)
    low_day, low = min(points, key=lambda p: (p[1], p[0]))
    high_day, high = max(points, key=lambda p: (p[1], p[0]))
    half = len(points) // 2
    trend = ""
    if len(points) >= 4:
        first = sum(m for _, m in points[:half]) / half
        second = sum(m for _, m in points[half:]) / (len(points) - half)
        if second - first >= 0.5:
            trend = " " + t(lang, "checkins.chart.higher")
        elif first - second >= 0.5:
            trend = " " + t(lang, "checkins.chart.lower")
        else:
            trend = " " + t(lang, "checkins.chart.same")
    summary = t(
        lang, "checkins.chart.summary", days=window, first=_day(series.days[0], lang),
        last=_day(series.days[-1], lang), count_days=_days(len(points), lang),
        average=f"{average:.1f}",
        low=f"{low:.0f}", low_day=_day(low_day, lang), high=f"{high:.0f}",
        high_day=_day(high_day, lang),
    )  # fmt: skip
    streak = t(lang, "checkins.chart.streak", streak_days=_days(len(series.streak), lang))
    text = f"{summary}{trend} {streak}"
    return text[:ALT_TEXT_LIMIT]
