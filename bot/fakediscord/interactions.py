"""Interaction handles: what the driver returns, and what records the bot's answers."""

# Waiting helpers take ``timeout`` on purpose: tests read better than wrapping each call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .messages import FakeMessage
from .state import EPHEMERAL, Channel, Member, User, snowflake

if TYPE_CHECKING:
    from .core import FakeCore

#: How long any wait of the driver may take before it gives up: a guard against a hang, not an
#: expectation. Every wait returns as soon as its event happens (a few milliseconds), so the
#: bound only decides how soon a broken test fails; it is generous because a loaded 2-core
#: machine can stall a healthy test for several seconds (5 s once failed 3 runs in 6).
HANG_GUARD = 60.0
DEFAULT_TIMEOUT = HANG_GUARD


@dataclass
class Callback:
    """One interaction callback body the bot sent; ``message`` is the message it made or edited."""

    type: int
    data: dict[str, Any]
    message: FakeMessage | None = None
    #: Event-loop time the request reached the fake, before its body was read and validated
    #: (``Interaction.created`` is when the interaction was sent).
    at: float = 0.0

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL) or bool(
            self.message and self.message.ephemeral
        )

    @property
    def text(self) -> str:
        return self.message.text if self.message else str(self.data.get("content") or "")

    @property
    def choices(self) -> list[dict]:
        return list(self.data.get("choices") or [])


class Interaction:
    """An interaction the driver sent. Await its answers; never sleep."""

    def __init__(
        self,
        fake: FakeCore,
        kind: int,
        user: User,
        channel: Channel,
        member: Member | None,
        data: dict[str, Any],
        message: FakeMessage | None = None,
    ) -> None:
        self.fake = fake
        self.id = snowflake()
        self.token = "fake-" + secrets.token_urlsafe(24)
        self.type = kind
        self.user = user
        self.channel = channel
        self.member = member
        self.data = data
        self.source_message = message
        self.callbacks: list[Callback] = []
        self.original: FakeMessage | None = message if kind in (3, 5) else None
        self.followup_messages: list[FakeMessage] = []
        self.created = asyncio.get_running_loop().time()
        self.token_expired = False
        self.payload: dict[str, Any] = {}

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal (type 9 data) the bot answered with, if any."""
        for cb in self.callbacks:
            if cb.type == 9:
                return cb.data
        return None

    def expire_token(self) -> None:
        """Simulate the 15 minutes after which followups fail with 50027."""
        self.token_expired = True

    async def response(self, timeout: float = DEFAULT_TIMEOUT) -> Callback:
        """The first callback (type 4-9) the bot sent for this interaction."""
        return await self.fake.wait_until(
            lambda: self.callbacks[0] if self.callbacks else None,
            timeout,
            f"a response to interaction {self.describe()}",
        )

    async def followups(self, n: int = 1, timeout: float = DEFAULT_TIMEOUT) -> list[FakeMessage]:
        """Wait until at least ``n`` followup messages exist; return all of them."""
        return await self.fake.wait_until(
            lambda: list(self.followup_messages) if len(self.followup_messages) >= n else None,
            timeout,
            f"{n} followup(s) to interaction {self.describe()}",
        )

    async def reply(self, timeout: float = DEFAULT_TIMEOUT) -> FakeMessage:
        """The message a person sees as the answer: the response message once it has content
        (after a deferral, once the bot edits it), else the first followup."""

        def check() -> FakeMessage | None:
            if self.original is not None and self.callbacks and self.original.text:
                first = self.callbacks[0].type
                edited = self.original.edited_timestamp is not None
                if first in (4, 7) or edited:
                    return self.original
            return self.followup_messages[0] if self.followup_messages else None

        return await self.fake.wait_until(check, timeout, f"a reply to {self.describe()}")

    async def modal_shown(self, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Wait for the bot to answer with a modal (type 9); returns its data."""
        return await self.fake.wait_until(
            lambda: self.modal, timeout, f"a modal from {self.describe()}"
        )

    def describe(self) -> str:
        name = self.data.get("name") or self.data.get("custom_id") or "?"
        return f"{name!r} (type {self.type}) by {self.user.name}"

    def __repr__(self) -> str:
        return f"<Interaction {self.describe()} callbacks={[c.type for c in self.callbacks]}>"
