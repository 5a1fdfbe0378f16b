from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock, OffsetClock, parse_duration


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    assert clock.now() == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    clock.advance(timedelta(hours=1))
    assert clock.now() == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError):
        FakeClock(datetime(2026, 1, 1))


def test_offset_clock_jumps_ahead() -> None:
    clock = OffsetClock()
    before = clock.now()
    after = clock.advance(timedelta(days=1))
    assert after - before >= timedelta(days=1)
    assert after.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), (" 2H ", 7200)],
)
def test_parse_duration(text: str, expected: int) -> None:
    assert parse_duration(text) == timedelta(seconds=expected)


@pytest.mark.parametrize("text", ["", "abc", "5", "1x", "h2"])
def test_parse_duration_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)
