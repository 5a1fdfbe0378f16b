"""When an unclaimed alert is raised again (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import DEFAULT_LANG, t
from bot.storage.feature_settings import MIN_UNCLAIMED_MINUTES

#: An imminent alert waits at most this long, whatever the server's setting.
IMMINENT_AFTER = timedelta(minutes=3)


def reraise_after(severity: str, unclaimed_minutes: int) -> timedelta:
    setting = timedelta(minutes=unclaimed_minutes)
    return min(setting, IMMINENT_AFTER) if severity == "imminent" else setting


def due_at(created: datetime, severity: str, unclaimed_minutes: int) -> datetime:
    return created + reraise_after(severity, unclaimed_minutes)


def earliest_due_at(created: datetime, severity: str) -> datetime:
    """The soonest `due_at` could be, whatever the server's setting: when even that is later
    than something, the setting need not be read to know the alert is too."""
    return due_at(created, severity, MIN_UNCLAIMED_MINUTES)


def waited(created: datetime, now: datetime, lang: str = DEFAULT_LANG) -> str:
    """'4 min', '2 h 5 min', '3 d' (in `lang`): how long someone has been waiting."""
    minutes = max(0, int((now - created).total_seconds()) // 60)
    if minutes < 60:
        return t(lang, "safety.time.minutes", n=max(1, minutes))
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        if rest:
            return t(lang, "safety.time.hours_minutes", h=hours, m=rest)
        return t(lang, "safety.time.hours", n=hours)
    return t(lang, "safety.time.days", n=minutes // (24 * 60))


def conversation_due_at(
    created: datetime,
    flagged_severity: str | None,
    flagged_at: datetime | None,
    unclaimed_minutes: int,
) -> datetime:
    """An /ask-mods conversation nobody answered: the server's wait from when it opened, or
    3 minutes from an imminent message, whichever comes first."""
    due = created + timedelta(minutes=unclaimed_minutes)
    if flagged_severity == "imminent" and flagged_at is not None:
        due = min(due, flagged_at + IMMINENT_AFTER)
    return due
