"""Records of the daily-prompt tables, read into frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from bot.scheduling import load_zone, parse_stamp, parse_time_of_day
from bot.storage.db import Row

PauseReason = Literal["moderator", "channel_missing", "no_permission", "bot_removed"]
PostStatus = Literal["claimed", "retry", "sent", "missed"]


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    channel_id: int
    post_time: time
    timezone: str
    paused: bool
    pause_reason: str | None
    next_run_at: datetime
    next_local_date: date
    use_thread: bool
    ping_role_id: int | None
    reflect_button: bool

    @property
    def zone(self) -> ZoneInfo:
        return load_zone(self.timezone)

    @classmethod
    def from_row(cls, row: Row) -> Schedule:
        return cls(
            guild_id=int(row["guild_id"]),
            channel_id=int(row["channel_id"]),
            post_time=parse_time_of_day(row["post_time"]),
            timezone=row["timezone"],
            paused=bool(row["paused"]),
            pause_reason=row["pause_reason"],
            next_run_at=parse_stamp(row["next_run_at"]),
            next_local_date=date.fromisoformat(row["next_local_date"]),
            use_thread=bool(row["use_thread"]),
            ping_role_id=row["ping_role_id"],
            reflect_button=bool(row["reflect_button"]),
        )


@dataclass(frozen=True)
class PostRecord:
    guild_id: int
    local_date: date
    status: PostStatus
    prompt_key: str | None
    prompt_text: str | None
    scheduled_at: datetime
    channel_id: int | None
    claim_token: str | None
    attempts: int
    recheck_at: datetime | None
    message_id: int | None
    thread_id: int | None
    sent_at: datetime | None
    late: bool
    reason: str | None

    @classmethod
    def from_row(cls, row: Row) -> PostRecord:
        return cls(
            guild_id=int(row["guild_id"]),
            local_date=date.fromisoformat(row["local_date"]),
            status=row["status"],
            prompt_key=row["prompt_key"],
            prompt_text=row["prompt_text"],
            scheduled_at=parse_stamp(row["scheduled_at"]),
            channel_id=row["channel_id"],
            claim_token=row["claim_token"],
            attempts=int(row["attempts"]),
            recheck_at=parse_stamp(row["recheck_at"]) if row["recheck_at"] else None,
            message_id=row["message_id"],
            thread_id=row["thread_id"],
            sent_at=parse_stamp(row["sent_at"]) if row["sent_at"] else None,
            late=bool(row["late"]),
            reason=row["reason"],
        )


@dataclass(frozen=True)
class CustomPrompt:
    id: int
    guild_id: int
    text: str
    added_by: int
    created_at: str

    @property
    def key(self) -> str:
        return custom_key(self.id)


def content_key(prompt_id: str) -> str:
    return f"c:{prompt_id}"


def custom_key(custom_id: int) -> str:
    return f"g:{custom_id}"
