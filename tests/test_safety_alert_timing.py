"""Check-in alert timing (pure): imminent is never held, the delay stays in its window and is
not always the same, and the stored time is a quarter hour."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigError, load_settings
from bot.safety_service.alert_timing import DEFAULT_DELAY, coarse, draw_delay, hold_until

NOW = datetime(2026, 3, 2, 9, 7, 13, 250_000, tzinfo=UTC)


def test_imminent_is_never_held() -> None:
    assert hold_until(NOW, "imminent", DEFAULT_DELAY) is None
    assert hold_until(NOW, "imminent", (timedelta(minutes=5), timedelta(minutes=5))) is None


def test_no_delay_window_means_no_hold() -> None:
    assert hold_until(NOW, "high", (timedelta(0), timedelta(0))) is None


def test_delays_stay_in_the_window_and_vary() -> None:
    low, high = DEFAULT_DELAY
    drawn = {draw_delay(DEFAULT_DELAY) for _ in range(200)}
    assert all(low <= d <= high for d in drawn)
    assert len(drawn) > 20  # random, not one fixed delay
    for severity in ("concern", "high"):
        due = hold_until(NOW, severity, DEFAULT_DELAY)
        assert due is not None and NOW + low <= due <= NOW + high


def test_coarse_is_the_start_of_the_quarter_hour() -> None:
    assert coarse(NOW) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert coarse(datetime(2026, 3, 2, 9, 59, 59, tzinfo=UTC)).minute == 45
    assert coarse(datetime(2026, 3, 2, 9, 30, tzinfo=UTC)) == datetime(
        2026, 3, 2, 9, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, DEFAULT_DELAY),
        ("3m-6m", (timedelta(minutes=3), timedelta(minutes=6))),
        ("5m", (timedelta(minutes=5), timedelta(minutes=5))),
        ("off", (timedelta(0), timedelta(0))),
    ],
)
def test_the_delay_window_is_configurable(
    raw: str | None, expected: tuple[timedelta, timedelta], tmp_path: object
) -> None:
    environ = {
        "BRIDGELINE_DATA_DIR": str(tmp_path),
        **({"CHECKIN_ALERT_DELAY": raw} if raw else {}),
    }
    settings = load_settings(environ=environ, env_file=None, require_token=False)
    assert settings.checkin_alert_delay == expected


@pytest.mark.parametrize("raw", ["10m-2m", "2h", "soon", "2m-"])
def test_a_bad_delay_window_is_one_clear_line(raw: str, tmp_path: object) -> None:
    environ = {"BRIDGELINE_DATA_DIR": str(tmp_path), "CHECKIN_ALERT_DELAY": raw}
    with pytest.raises(ConfigError, match=r"CHECKIN_ALERT_DELAY.*2m-10m"):
        load_settings(environ=environ, env_file=None, require_token=False)
