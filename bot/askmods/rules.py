"""Pure decisions for /ask-mods: limits, retention, the message text."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.privacy import clean_text, has_visible_text
from bot.public_text import sanitize_public

MAX_OPENED_PER_DAY = 3
MAX_MESSAGES = 5
MESSAGES_WINDOW = timedelta(minutes=10)
MESSAGE_MAX_CHARS = 1500
#: A closed conversation's records are deleted after this (or the server's check-in retention
#: period, if shorter).
KEEP_CLOSED = timedelta(days=30)


def opening_allowed(opened_today: int) -> bool:
    return opened_today < MAX_OPENED_PER_DAY


def message_allowed(recent_messages: int) -> bool:
    return recent_messages < MAX_MESSAGES


def member_text(raw: str) -> tuple[str, str] | None:
    """(stored, shown to moderators), or None when nothing visible is left. What moderators see
    has mentions and invite links made harmless; the bot also sends it with no mentions."""
    stored = clean_text(raw)[:MESSAGE_MAX_CHARS]
    if not has_visible_text(stored):
        return None
    return stored, sanitize_public(stored).text


def moderator_text(raw: str) -> str | None:
    text = clean_text(raw)[:MESSAGE_MAX_CHARS]
    return text if has_visible_text(text) else None


def retention_cutoff(now: datetime, retention_days: int | None) -> datetime:
    keep = KEEP_CLOSED
    if retention_days is not None:
        keep = min(keep, timedelta(days=retention_days))
    return now - keep
