"""The rules of check-ins as pure functions: validation, rate limit, delay, daily tag, stats."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import DEFAULT_LANG, t
from bot.privacy import clean_text, has_visible_text

MAX_REFLECTION = 1000
MAX_HELP = 200
MOODS: dict[int, str] = {1: "very low", 2: "low", 3: "okay", 4: "fairly good", 5: "good"}
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_EMPTY = "·"
SPARK_DAYS = 30
RATE_WINDOW = timedelta(hours=1)

_ADJECTIVES = (
    "Amber", "Quiet", "Gentle", "Silver", "Misty", "Golden", "Hidden", "Steady", "Soft",
    "Bright", "Calm", "Wild", "Hazel", "Ivory", "Coral", "Velvet", "Sunny", "Rainy", "Frosty",
    "Dusky", "Mossy", "Sandy", "Stormy", "Patient", "Brave", "Kind", "Warm", "Still", "Clear",
    "Lucky", "Humble", "Rosy",
)  # fmt: skip
_NOUNS = (
    "Heron", "Fern", "Willow", "River", "Maple", "Sparrow", "Harbor", "Meadow", "Pebble",
    "Lantern", "Otter", "Cedar", "Comet", "Finch", "Garden", "Island", "Juniper", "Kestrel",
    "Lotus", "Marsh", "Nutmeg", "Orchid", "Pine", "Quill", "Robin", "Sage", "Thistle", "Valley",
    "Wren", "Birch", "Clover", "Dune",
)  # fmt: skip


class InvalidCheckin(ValueError):
    """Input we refuse, with a sentence meant for the member: catalog key `checkins.<key>`,
    shown in the member's language by `text(lang)` (str() is the English)."""

    def __init__(self, key: str, /, **fields: object) -> None:
        super().__init__(t(DEFAULT_LANG, f"checkins.{key}", **fields))
        self.key, self.fields = f"checkins.{key}", fields

    def text(self, lang: str) -> str:
        return t(lang, self.key, **self.fields)


@dataclass(frozen=True)
class Draft:
    """A validated check-in, ready to store."""

    mood: int | None
    body: str
    help_text: str | None


def parse_mood(raw: str) -> int:
    value = raw.strip()
    if value not in {str(m) for m in MOODS}:
        raise InvalidCheckin("invalid.mood")
    return int(value)


def validate_text(raw: str, *, what: Literal["reflection", "reply"] = "reflection") -> str:
    """Cleaned text, or InvalidCheckin. Emoji-only text is accepted: it is a real way to say how
    you feel, and it cannot ping or hide anything."""
    body = clean_text(raw)
    if not has_visible_text(body):
        raise InvalidCheckin(f"invalid.empty_{what}")
    if len(body) > MAX_REFLECTION:
        raise InvalidCheckin(
            f"invalid.long_{what}", length=f"{len(body):,}", limit=f"{MAX_REFLECTION:,}"
        )
    return body


def validate_checkin(mood_raw: str | None, body_raw: str, help_raw: str | None) -> Draft:
    mood = parse_mood(mood_raw) if mood_raw is not None else None
    body = validate_text(body_raw)
    help_text = clean_text(help_raw or "") or None
    if help_text is not None and len(help_text) > MAX_HELP:
        raise InvalidCheckin("invalid.help_too_long", limit=MAX_HELP)
    return Draft(mood, body, help_text)


# ---- posting -----------------------------------------------------------------------------------
def next_allowed(recent: Iterable[datetime], now: datetime, per_hour: int) -> datetime | None:
    """None when another anonymous post is allowed now, else the moment it will be."""
    window = sorted(when for when in recent if now - when < RATE_WINDOW)
    if len(window) < per_hour:
        return None
    return window[len(window) - per_hour] + RATE_WINDOW


def due_time(now: datetime, max_delay_s: int, rng: random.Random | None = None) -> datetime:
    """A uniformly random whole second in [now + 1 s, now + max_delay_s], so posting time says
    little about when the author pressed the button. Whole seconds, at least one: the store
    keeps times to the second, so a fraction under one would make the post due at once."""
    if max_delay_s <= 0:
        return now
    seconds = (rng or random.SystemRandom()).randint(1, max_delay_s)
    return now + timedelta(seconds=seconds)


def daily_tag(secret: bytes, pseudonym: str, day: date) -> str:
    """A name for one author for one day ("Quiet Heron 27"): replies can be followed within a
    day, but nobody without the secret can link two days or reach the pseudonym."""
    digest = hmac.new(secret, f"tag:{pseudonym}:{day.isoformat()}".encode(), hashlib.sha256)
    raw = digest.digest()
    return f"{_ADJECTIVES[raw[0] % len(_ADJECTIVES)]} {_NOUNS[raw[1] % len(_NOUNS)]} {raw[2] % 90 + 10}"


# ---- history -----------------------------------------------------------------------------------
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def daily_moods(entries: Iterable[tuple[date, int]]) -> dict[date, float]:
    """Average mood per day."""
    totals: dict[date, list[int]] = {}
    for day, mood in entries:
        totals.setdefault(day, []).append(mood)
    return {day: sum(values) / len(values) for day, values in totals.items()}


def sparkline(moods: dict[date, float], today: date, days: int = SPARK_DAYS) -> str:
    """One character per day, oldest first, ending today; a dot where there was no check-in."""
    chars = []
    for offset in range(days - 1, -1, -1):
        mood = moods.get(today - timedelta(days=offset))
        if mood is None:
            chars.append(SPARK_EMPTY)
        else:
            level = round((min(max(mood, 1.0), 5.0) - 1) / 4 * (len(SPARK_BLOCKS) - 1))
            chars.append(SPARK_BLOCKS[level])
    return "".join(chars)


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with a check-in, ending today (or yesterday, so a streak isn't lost
    before the day is over)."""
    seen = set(days)
    cursor = today if today in seen else today - timedelta(days=1)
    count = 0
    while cursor in seen:
        count += 1
        cursor -= timedelta(days=1)
    return count
