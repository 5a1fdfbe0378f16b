"""Pure time math for daily prompts: a server's local time of day -> the UTC instant to post.

Schedules are stored in UTC and recomputed from the local time with zoneinfo for every day, so a
daylight-saving change keeps the local time. Two rules decide the odd cases (documented for
moderators in /prompts status):

- A local time that does not exist that day (the spring-forward gap, e.g. 01:30 in London on the
  last Sunday of March) posts at the first valid instant after it: the moment the clocks jump
  (02:00 BST there).
- A local time that happens twice (the autumn fall-back, e.g. 01:30 in New York on the first
  Sunday of November) posts at its first occurrence (PEP 495 ``fold=0``), never both.

No discord here; every function is deterministic, so tests need no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TIME = re.compile(r"^\s*(\d{1,2})(?::|\.|h)?(\d{2})?\s*(am|pm)?\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Slot:
    """One day's posting: the server's local date and the UTC instant the post is due."""

    instant: datetime
    day: date


def _shown(text: str, limit: int = 40) -> str:
    """The typed value, short enough to quote back (an option value may be 6,000 chars)."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def parse_time_of_day(text: str) -> time:
    """'09:00', '9:30', '21.15', '7pm', '7:30 am' -> time; ValueError says what to type."""
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"'{_shown(text)}' is not a time of day: use 24-hour HH:MM, e.g. 09:00")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError(f"'{_shown(text)}': with am/pm the hour is 1 to 12")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"'{_shown(text)}' is not a time of day: use 24-hour HH:MM, e.g. 09:00")
    return time(hour, minute)


def format_time_of_day(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def load_zone(name: str) -> ZoneInfo:
    """ValueError (not ZoneInfoNotFoundError) for an unknown name, so callers handle one type."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


def slot_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local `at` on `day` (gap: first valid instant after; fold: first)."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == naive:
        return first
    # `naive` falls in a gap. fold=0 and fold=1 map it with the offsets either side of the
    # transition, so the transition lies between them; find it to the second.
    other = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low = int(min(first, other).timestamp())  # before the jump: wall time <= naive
    high = int(max(first, other).timestamp())  # after the jump: wall time > naive
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), zone) > naive:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def slot_for(day: date, at: time, zone: ZoneInfo) -> Slot:
    return Slot(slot_instant(day, at, zone), day)


def next_slot(after: datetime, at: time, zone: ZoneInfo) -> Slot:
    """The first slot strictly after `after` (an aware instant)."""
    day = local_date(after, zone) - timedelta(days=1)
    while True:
        slot = slot_for(day, at, zone)
        if slot.instant > after:
            return slot
        day += timedelta(days=1)


def latest_slot(at_or_before: datetime, at: time, zone: ZoneInfo) -> Slot:
    """The last slot at or before `at_or_before`."""
    day = local_date(at_or_before, zone) + timedelta(days=1)
    while True:
        slot = slot_for(day, at, zone)
        if slot.instant <= at_or_before:
            return slot
        day -= timedelta(days=1)


def utc_offset_label(instant: datetime, zone: ZoneInfo) -> str:
    """'UTC+05:30', 'UTC-04:00', 'UTC' for the zone's offset at that instant."""
    offset = instant.astimezone(zone).utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def stamp(instant: datetime) -> str:
    """The stored form of an instant: UTC, whole seconds, sortable as text."""
    return instant.astimezone(UTC).strftime(STAMP_FORMAT)


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, STAMP_FORMAT).replace(tzinfo=UTC)
