"""Records of the check-ins feature, as the repository returns them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Visibility = Literal["private", "anonymous"]
Kind = Literal["checkin", "reply"]
PostStatus = Literal[
    "awaiting_approval", "queued", "sending", "posted", "rejected", "removed", "failed"
]
#: Statuses of a post that may still reach the channel.
PENDING: tuple[PostStatus, ...] = ("awaiting_approval", "queued", "sending")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_db_time(moment: datetime) -> str:
    """Sortable UTC text, the one format every check-in timestamp is stored in."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def from_db_time(text: str) -> datetime:
    # fromisoformat reads the stored "...Z" form and is far cheaper than strptime
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class CheckIn:
    id: int
    public_id: str
    guild_id: int
    pseudonym: str
    kind: Kind
    mood: int | None
    body: str
    help_text: str | None
    prompt: str | None
    visibility: Visibility
    created_at: datetime


@dataclass(frozen=True)
class AnonPost:
    id: int
    checkin_id: int
    guild_id: int
    pseudonym: str
    channel_id: int
    reply_to_message_id: int | None
    body: str
    mood: int | None
    tag: str | None
    status: PostStatus
    failure: str | None
    nonce: str
    due_at: datetime | None
    attempts: int
    message_id: int | None
    review_channel_id: int | None
    review_message_id: int | None
    created_at: datetime
    posted_at: datetime | None
    label: str = ""  # what moderators see: random, one per post (bot.privacy.new_post_label)
