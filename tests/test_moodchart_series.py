"""The mood chart's data and alt text (pure), and that the PNG decodes at the stated size."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from bot.moodchart.render import HEIGHT, WIDTH, render_png
from bot.moodchart.series import ALT_TEXT_LIMIT, alt_text, build_series

TODAY = date(2026, 3, 28)


def test_series_covers_the_window_ending_today_with_gaps() -> None:
    daily = {TODAY: 4.0, TODAY - timedelta(days=2): 2.5, TODAY - timedelta(days=40): 5.0}
    series = build_series(daily, 1, TODAY, 30)
    assert len(series.days) == 30 and series.days[-1] == TODAY
    assert series.moods[-1] == 4.0 and series.moods[-2] is None and series.moods[-3] == 2.5
    assert series.checked_in == 2  # the day 40 days ago is outside the window
    assert series.streak == frozenset({TODAY})
    assert len(build_series(daily, 0, TODAY, 90).days) == 90
    with pytest.raises(ValueError):
        build_series(daily, 0, TODAY, 7)


def test_streak_ending_yesterday_is_marked_from_yesterday() -> None:
    daily = {TODAY - timedelta(days=n): 3.0 for n in (1, 2)}
    assert build_series(daily, 2, TODAY, 30).streak == {
        TODAY - timedelta(days=1),
        TODAY - timedelta(days=2),
    }


def test_alt_text_describes_the_chart_in_words() -> None:
    daily = {TODAY - timedelta(days=n): float(m) for n, m in ((5, 1), (4, 2), (1, 4), (0, 5))}
    text = alt_text(build_series(daily, 2, TODAY, 30))
    assert "last 30 days" in text and "4 days with a check-in" in text and "average 3.0" in text
    assert "lowest 1 on 23 Mar" in text and "highest 5 on 28 Mar" in text
    assert "higher in the more recent" in text and "Current streak: 2 days" in text
    assert len(text) <= ALT_TEXT_LIMIT
    assert "no check-ins yet" in alt_text(build_series({}, 0, TODAY, 90))


def test_png_decodes() -> None:
    png = render_png(build_series({TODAY: 3.0}, 1, TODAY, 30))
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
