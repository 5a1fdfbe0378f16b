"""An in-memory stand-in for Discord, for unit tests and the bench (never used by the bot).

It records every request with its time, so a test can check pacing, and it can be told to fail
the next requests for a server with any SendError.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from bot.daily_prompts.models import PauseReason
from bot.daily_prompts.sender import Delivered, OutgoingPost, Pace, SendError


@dataclass
class MemorySender:
    posts: list[tuple[OutgoingPost, int]] = field(default_factory=list)
    notices: list[tuple[int, PauseReason]] = field(default_factory=list)
    #: channel id -> (day, message id) of the bot's posts there, newest last.
    channels: dict[int, list[tuple[date, int]]] = field(default_factory=lambda: defaultdict(list))
    #: guild id -> errors to raise on its next requests, in order.
    failures: dict[int, list[SendError]] = field(default_factory=lambda: defaultdict(list))
    request_times: list[float] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def _request(self, guild_id: int, pace: Pace) -> None:
        await pace()
        self.request_times.append(time.monotonic())
        if self.failures.get(guild_id):
            raise self.failures[guild_id].pop(0)

    async def send(self, post: OutgoingPost, pace: Pace) -> Delivered:
        await self._request(post.guild_id, pace)
        message_id = next(self._ids)
        self.posts.append((post, message_id))
        self.channels[post.channel_id].append((post.day, message_id))
        thread_id = None
        if post.use_thread:
            await self._request(post.guild_id, pace)
            thread_id = next(self._ids)
        return Delivered(message_id, thread_id)

    async def find_existing(
        self, guild_id: int, channel_id: int, day: date, pace: Pace
    ) -> int | None:
        await self._request(guild_id, pace)
        return next((m for d, m in reversed(self.channels[channel_id]) if d == day), None)

    async def tell_moderators(
        self, guild_id: int, channel_id: int, reason: PauseReason, pace: Pace
    ) -> None:
        await pace()
        self.request_times.append(time.monotonic())
        self.notices.append((guild_id, reason))

    def posts_for(self, guild_id: int) -> list[OutgoingPost]:
        return [post for post, _ in self.posts if post.guild_id == guild_id]
