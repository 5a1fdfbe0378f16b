"""Drawing the mood chart with Pillow (chosen over matplotlib: about 60 ms to import and 7 MB
installed, against about 1 s and some 75 MB with matplotlib's font and solver dependencies;
measured on the dev machine, see the issue 18 notes). Geometry is exposed so tests can find a
day's point in the decoded PNG."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.i18n import DEFAULT_LANG, t
from bot.moodchart.series import MoodSeries

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 20, 34, 62  # margins around the plot area
STREAK_Y = HEIGHT - 36  # the row of streak marks under the plot
BACKGROUND = (255, 255, 255)
GRID = (225, 228, 232)
AXIS_TEXT = (90, 96, 104)
LINE = (79, 127, 95)  # calm green, as the bot's CARE tone
POINT = (47, 94, 63)
CHECKED = (160, 168, 176)  # a day with a check-in, outside the streak
STREAK = (184, 134, 11)  # a streak day (also larger and square: not colour alone)
POINT_RADIUS = 4


@dataclass(frozen=True)
class Geometry:
    days: int

    def x(self, index: int) -> int:
        span = WIDTH - LEFT - RIGHT
        if self.days == 1:
            return LEFT + span // 2
        return round(LEFT + index * span / (self.days - 1))

    @staticmethod
    def y(mood: float) -> int:
        span = HEIGHT - TOP - BOTTOM
        return round(TOP + (5.0 - min(max(mood, 1.0), 5.0)) / 4.0 * span)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def render_png(series: MoodSeries, lang: str = DEFAULT_LANG) -> bytes:
    """The chart as PNG bytes (no metadata chunks: nothing but pixels)."""
    geo = Geometry(len(series.days))
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    small, title = _font(12), _font(14)
    heading = t(lang, "checkins.chart.title", days=len(series.days))
    draw.text((LEFT, 8), heading, fill=AXIS_TEXT, font=title)
    for level in range(1, 6):
        y = geo.y(level)
        draw.line([(LEFT, y), (WIDTH - RIGHT, y)], fill=GRID, width=1)
        draw.text((LEFT - 16, y - 7), str(level), fill=AXIS_TEXT, font=small)
    previous: tuple[int, int] | None = None
    for index, mood in enumerate(series.moods):
        if mood is None:
            previous = None  # a gap: days without a check-in are not joined
            continue
        point = (geo.x(index), geo.y(mood))
        if previous is not None:
            draw.line([previous, point], fill=LINE, width=2)
        previous = point
    for index, mood in enumerate(series.moods):
        if mood is not None:
            x, y = geo.x(index), geo.y(mood)
            r = POINT_RADIUS
            draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=POINT)
    for index, day in enumerate(series.days):
        x = geo.x(index)
        if day in series.streak:
            draw.rectangle([(x - 3, STREAK_Y - 3), (x + 3, STREAK_Y + 3)], fill=STREAK)
        elif series.moods[index] is not None:
            draw.ellipse([(x - 2, STREAK_Y - 2), (x + 2, STREAK_Y + 2)], fill=CHECKED)
    base = HEIGHT - 22
    draw.text((LEFT, base), series.days[0].strftime("%d %b"), fill=AXIS_TEXT, font=small)
    draw.text((WIDTH - RIGHT - 34, base), "today", fill=AXIS_TEXT, font=small)
    legend = LEFT + 90  # the key, drawn with the same marks (the default font lacks the glyphs)
    draw.rectangle([(legend, base + 4), (legend + 6, base + 10)], fill=STREAK)
    draw.text((legend + 12, base), "current streak", fill=AXIS_TEXT, font=small)
    draw.ellipse([(legend + 112, base + 5), (legend + 116, base + 9)], fill=CHECKED)
    draw.text((legend + 122, base), "other check-in days", fill=AXIS_TEXT, font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
