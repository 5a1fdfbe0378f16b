"""Injectable time, so schedules can be tested and the sandbox can fast-forward."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to; `advance` wakes whoever waits on `changed`."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self.changed = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        self.changed.set()
        self.changed = asyncio.Event()
        return self._now

    def set(self, moment: datetime) -> datetime:
        return self.advance(moment.astimezone(UTC) - self._now)


class OffsetClock:
    """Real time plus a movable offset: the sandbox's clock, so `:tick 1h` jumps ahead while
    time still passes normally in between."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self.changed = asyncio.Event()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += delta
        self.changed.set()
        self.changed = asyncio.Event()
        return self.now()


def parse_duration(text: str) -> timedelta:
    """'90s', '15m', '2h', '1d', '1h30m' -> timedelta; ValueError with a readable message."""
    parts = re.findall(r"(\d+)\s*([smhd])", text.strip().lower())
    if not parts or "".join(f"{n}{u}" for n, u in parts) != re.sub(r"\s+", "", text.lower()):
        raise ValueError(f"not a duration: {text!r} (try 30m, 2h, 1d or 1h30m)")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return timedelta(seconds=sum(int(n) * seconds[u] for n, u in parts))
