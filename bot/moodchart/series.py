"""What the chart shows, as plain data (no drawing, no discord): one member's average mood per
day over the window, the days of their current streak, and the same in words (alt text)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

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


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def alt_text(series: MoodSeries) -> str:
    """The chart in words, for screen readers (the attachment's description)."""
    window = len(series.days)
    points = [(d, m) for d, m in zip(series.days, series.moods, strict=True) if m is not None]
    if not points:
        return (
            f"Chart of your mood over the last {window} days: no check-ins yet, so the chart "
            "is empty."
        )
    average = sum(m for _, m in points) / len(points)
    low_day, low = min(points, key=lambda p: (p[1], p[0]))
    high_day, high = max(points, key=lambda p: (p[1], p[0]))
    half = len(points) // 2
    trend = ""
    if len(points) >= 4:
        first = sum(m for _, m in points[:half]) / half
        second = sum(m for _, m in points[half:]) / (len(points) - half)
        if second - first >= 0.5:
            trend = " Your mood was higher in the more recent check-ins."
        elif first - second >= 0.5:
            trend = " Your mood was lower in the more recent check-ins."
        else:
            trend = " Your mood stayed about the same."
    streak = len(series.streak)
    text = (
        f"Chart of your mood (1 to 5) over the last {window} days, {_day(series.days[0])} to "
        f"{_day(series.days[-1])}: {len(points)} day{'s' if len(points) != 1 else ''} with a "
        f"check-in, average {average:.1f}; lowest {low:.0f} on {_day(low_day)}, highest "
        f"{high:.0f} on {_day(high_day)}.{trend} Current streak: {streak} "
        f"day{'s' if streak != 1 else ''}, marked along the bottom."
    )
    return text[:ALT_TEXT_LIMIT]
