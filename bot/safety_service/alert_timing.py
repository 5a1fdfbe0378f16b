"""When a check-in alert reaches the moderators, and what time the database keeps (pure).

A check-in is private: moderators who saw an alert appear the moment a member pressed "Submit"
could match it to who was online. So an alert that is not imminent is held back for a random
delay drawn with `secrets`, and the row keeps only the quarter hour it was due to be shown, not
when the member wrote. An imminent alert (an act under way, a method named) is never held.

The quarter hour is taken of the due time, not of the check-in: a copy of the database also
holds the post's id (a Discord snowflake, which encodes when it went out), and a quarter hour
of the check-in's own time next to that would narrow the delay down again.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

#: The default window of the random delay (operators change it with CHECKIN_ALERT_DELAY).
DEFAULT_DELAY = (timedelta(minutes=2), timedelta(minutes=10))
#: The longest delay an operator may set: help must not wait longer than this for privacy.
MAX_DELAY = timedelta(minutes=30)
COARSE_STEP = timedelta(minutes=15)


def draw_delay(window: tuple[timedelta, timedelta]) -> timedelta:
    """A uniformly random whole number of seconds in the window (ends included)."""
    low, high = (int(end.total_seconds()) for end in window)
    return timedelta(seconds=low + secrets.randbelow(high - low + 1))


def hold_until(
    now: datetime, severity: str, window: tuple[timedelta, timedelta]
) -> datetime | None:
    """When a check-in alert may be posted; None: post it now (imminent, or no delay set)."""
    if severity == "imminent" or window[1] <= timedelta(0):
        return None
    return now + draw_delay(window)


def coarse(moment: datetime) -> datetime:
    """The start of the quarter hour `moment` falls in, to the second."""
    step = int(COARSE_STEP.total_seconds())
    into = (moment.minute * 60 + moment.second) % step
    return moment.replace(microsecond=0) - timedelta(seconds=into)
