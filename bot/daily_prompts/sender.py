"""What the scheduler needs from Discord, as a protocol, so the service has no discord import
and the bench can use an in-memory sender."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.daily_prompts.models import PauseReason
from bot.i18n import DEFAULT_LANG

Pace = Callable[[], Awaitable[None]]


class SendError(Exception):
    """A send failed; subclasses say whether to pause or retry."""


class Unreachable(SendError):
    """Permanent for this channel: pause the server's prompts and tell its moderators."""

    reason: PauseReason = "channel_missing"


class ChannelGone(Unreachable):
    reason: PauseReason = "channel_missing"


class MissingAccess(Unreachable):
    reason: PauseReason = "no_permission"


class BotRemoved(Unreachable):
    reason: PauseReason = "bot_removed"


class TransientFailure(SendError):
    """5xx, 429 beyond discord.py's own waiting, a dropped connection: retry later."""


@dataclass(frozen=True)
class OutgoingPost:
    guild_id: int
    channel_id: int
    day: date
    text: str
    scheduled_at: datetime
    #: Set when the post is more than an hour late (a note is added), else None.
    late_by: timedelta | None
    timezone: str
    use_thread: bool
    ping_role_id: int | None
    reflect_button: bool
    #: The server's language: the post's wording around the prompt, the thread's name.
    lang: str = DEFAULT_LANG


@dataclass(frozen=True)
class Delivered:
    message_id: int
    thread_id: int | None = None


class Sender(Protocol):
    async def send(self, post: OutgoingPost, pace: Pace) -> Delivered:
        """Posts it; raises Unreachable or TransientFailure. Calls `pace()` before each
        request."""
        ...

    async def find_existing(
        self, guild_id: int, channel_id: int, day: date, pace: Pace
    ) -> int | None:
        """The id of the bot's post for `day` among the channel's recent messages, if any."""
        ...

    async def tell_moderators(
        self, guild_id: int, channel_id: int, reason: PauseReason, pace: Pace
    ) -> None:
        """Prompts were paused for `reason`; never raises."""
        ...
