"""When an unclaimed alert is raised again, and how waiting time reads."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.escalation.rules import IMMINENT_AFTER, due_at, earliest_due_at, reraise_after, waited
from bot.storage.feature_settings import MIN_UNCLAIMED_MINUTES

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_imminent_waits_at_most_three_minutes_others_the_setting() -> None:
    assert reraise_after("high", 10) == timedelta(minutes=10)
    assert reraise_after("concern", 45) == timedelta(minutes=45)
    assert reraise_after("imminent", 10) == IMMINENT_AFTER == timedelta(minutes=3)
    assert reraise_after("imminent", 1) == timedelta(minutes=1)  # a stricter server wins
    assert due_at(T0, "high", 10) == T0 + timedelta(minutes=10)


def test_waiting_time_reads_plainly() -> None:
    assert waited(T0, T0) == "1 min"
    assert waited(T0, T0 + timedelta(minutes=12, seconds=59)) == "12 min"
    assert waited(T0, T0 + timedelta(hours=2)) == "2 h"
    assert waited(T0, T0 + timedelta(hours=2, minutes=5)) == "2 h 5 min"
    assert waited(T0, T0 + timedelta(days=3)) == "3 d"


def test_an_unanswered_conversation_waits_the_setting_or_three_minutes_after_imminent() -> None:
    from bot.escalation.rules import conversation_due_at

    assert conversation_due_at(T0, None, None, 10) == T0 + timedelta(minutes=10)
    assert conversation_due_at(T0, "high", T0, 10) == T0 + timedelta(minutes=10)
    late = T0 + timedelta(minutes=5)
    assert conversation_due_at(T0, "imminent", late, 10) == late + timedelta(minutes=3)
    assert conversation_due_at(T0, "imminent", T0 + timedelta(minutes=9), 10) == T0 + timedelta(
        minutes=10
    )


@pytest.mark.parametrize("severity", ["concern", "high", "imminent"])
def test_no_setting_makes_an_alert_due_before_its_earliest_due_time(severity: str) -> None:
    earliest = earliest_due_at(T0, severity)
    assert earliest == due_at(T0, severity, MIN_UNCLAIMED_MINUTES)
    assert all(due_at(T0, severity, m) >= earliest for m in range(MIN_UNCLAIMED_MINUTES, 1441))
