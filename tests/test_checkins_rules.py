"""Pure rules of check-ins: validation, rate limit, delay, daily tag, sparkline, streak."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.checkins.rules import (
    MAX_REFLECTION,
    SPARK_BLOCKS,
    SPARK_DAYS,
    SPARK_EMPTY,
    InvalidCheckin,
    daily_moods,
    daily_tag,
    due_time,
    next_allowed,
    sparkline,
    streak,
    validate_checkin,
    zone,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_valid_checkin_is_cleaned() -> None:
    draft = validate_checkin(" 3 ", "  tired\u200b but ok  ", "  a walk ")
    assert (draft.mood, draft.body, draft.help_text) == (3, "tired but ok", "a walk")
    assert validate_checkin("5", "ok", "   ").help_text is None


@pytest.mark.parametrize("mood", ["0", "6", "three", "", "3.5", "-1"])
def test_bad_mood_is_refused(mood: str) -> None:
    with pytest.raises(InvalidCheckin, match="1 \\(very low\\) to 5"):
        validate_checkin(mood, "text", None)


@pytest.mark.parametrize("body", ["", "   ", "\n\n", "\u200b\u200d\u2060"])
def test_empty_reflection_is_refused(body: str) -> None:
    with pytest.raises(InvalidCheckin, match="empty"):
        validate_checkin("3", body, None)


def test_long_reflection_is_refused_with_its_length() -> None:
    validate_checkin("3", "x" * MAX_REFLECTION, None)
    with pytest.raises(InvalidCheckin, match="1,001 characters; the limit is 1,000"):
        validate_checkin("3", "x" * (MAX_REFLECTION + 1), None)


def test_emoji_only_is_accepted() -> None:
    assert validate_checkin("2", "😞💔", None).body == "😞💔"


def test_rate_limit() -> None:
    times = [NOW - timedelta(minutes=m) for m in (50, 30, 10)]
    assert next_allowed(times[:2], NOW, 3) is None
    assert next_allowed(times, NOW, 3) == NOW + timedelta(minutes=10)
    assert next_allowed(times, NOW, 4) is None
    old = [NOW - timedelta(minutes=61)] * 5
    assert next_allowed(old, NOW, 1) is None


def test_delay_stays_within_bounds() -> None:
    rng = random.Random(7)
    assert due_time(NOW, 0) == NOW
    moments = [due_time(NOW, 60, rng) for _ in range(200)]
    assert all(NOW + timedelta(seconds=1) <= m <= NOW + timedelta(seconds=60) for m in moments)
    assert min(due_time(NOW, 1, rng) for _ in range(50)) > NOW  # never due in the same second
    assert len({m.second for m in moments}) > 30  # spread out, not a constant


def test_daily_tag_is_stable_within_a_day_and_changes_across_days() -> None:
    secret, pseudo = b"s" * 32, "ab" * 16
    day = date(2026, 3, 10)
    assert daily_tag(secret, pseudo, day) == daily_tag(secret, pseudo, day)
    tags = {daily_tag(secret, pseudo, day + timedelta(days=i)) for i in range(10)}
    assert len(tags) >= 8
    assert daily_tag(b"t" * 32, pseudo, day) != daily_tag(secret, pseudo, day)
    assert pseudo not in daily_tag(secret, pseudo, day)


def test_sparkline() -> None:
    today = date(2026, 3, 10)
    moods = daily_moods([(today, 5), (today, 3), (today - timedelta(days=1), 1)])
    line = sparkline(moods, today)
    assert len(line) == SPARK_DAYS
    assert line[-2:] == SPARK_BLOCKS[0] + SPARK_BLOCKS[5]  # average 4 of 5
    assert set(line[:-2]) == {SPARK_EMPTY}
    assert sparkline({today: 5.0}, today, days=1) == SPARK_BLOCKS[-1]
    old = {today - timedelta(days=SPARK_DAYS): 5.0}
    assert set(sparkline(old, today)) == {SPARK_EMPTY}


def test_streak() -> None:
    today = date(2026, 3, 10)
    days = [today - timedelta(days=i) for i in (0, 1, 2, 4)]
    assert streak(days, today) == 3
    assert streak(days[1:], today) == 2  # today not yet: still counts through yesterday
    assert streak(days[2:], today) == 0
    assert streak([], today) == 0


def test_unknown_timezone_falls_back_to_utc() -> None:
    assert str(zone("Not/AZone")) == "UTC"
    assert str(zone("Europe/Paris")) == "Europe/Paris"
