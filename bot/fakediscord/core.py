"""State, lookups, and waiting shared by the REST routes, the gateway and the driver."""

# Waiting helpers take ``timeout`` on purpose: tests read better than wrapping each call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .faults import Faults
from .gateway import INTENT_MESSAGE_CONTENT, PRIVILEGED, Gateway
from .interactions import HANG_GUARD, Interaction
from .messages import FakeMessage
from .spec import Violation
from .state import DM_PERMISSIONS, Channel, Guild, Member, Role, User, snowflake

T = TypeVar("T")
ChannelRef = Channel | int | str
UserRef = User | Member | int | str
MENTION_RE = re.compile(r"<@!?(\d+)>")
#: Seconds between re-checks of a wait condition that depends on state outside the fake.
POLL = 0.01


@dataclass
class RequestRecord:
    """A REST request the bot made (for assertions about traffic)."""

    method: str
    route: str
    params: dict[str, str]
    body: Any
    status: int = 0


class FakeCore:
    def __init__(
        self, *, token: str = "fake-bot-token", granted_intents: int = PRIVILEGED, shards: int = 1
    ) -> None:
        self.token = token
        #: The shard count GET /gateway/bot recommends (a bot may still IDENTIFY with another).
        self.shard_count = shards
        self.granted_intents = granted_intents
        self.application_id = snowflake()
        self.bot_user = User(self.application_id, "Bridgeline", bot=True)
        self.app_owner = User(snowflake(), "app-owner")
        self.users: dict[int, User] = {u.id: u for u in (self.bot_user, self.app_owner)}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages_by_id: dict[int, FakeMessage] = {}
        self.channel_log: dict[int, list[FakeMessage]] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.modals: dict[int, Interaction] = {}
        self.violations: list[Violation] = []
        self.requests: list[RequestRecord] = []
        #: Uploaded files by attachment id (tests decode them; the sandbox saves them).
        self.attachment_data: dict[int, bytes] = {}
        self.faults = Faults()
        self.gateway = Gateway(self)
        #: Seconds the bot has for its first callback before the fake answers 10062.
        self.response_deadline = 3.0
        #: Messages sent with ``enforce_nonce``, by (channel id, nonce): a repeat returns the
        #: first message. Discord remembers a nonce for a few minutes only; ``expire_nonces()``
        #: is those minutes passing.
        self.nonces: dict[tuple[int, str], FakeMessage] = {}
        self.base_url = ""
        self.gateway_url = ""
        self._change: asyncio.Event | None = None
        self._mark = 0

    def expire_nonces(self) -> None:
        """Forget every nonce, as Discord does a few minutes after a message was sent."""
        self.nonces.clear()

    # ---- lookups ---------------------------------------------------------------------------
    def channel(self, ref: ChannelRef) -> Channel:
        """A channel by object, id, ``"name"`` or ``"#name"`` (first match across guilds)."""
        if isinstance(ref, Channel):
            return ref
        if isinstance(ref, int):
            return self.channels[ref]
        name = ref.lstrip("#")
        for chan in self.channels.values():
            if chan.name == name and chan.type != 1:
                return chan
        raise LookupError(f"no channel named {ref!r}")

    def user(self, ref: UserRef) -> User:
        if isinstance(ref, User):
            return ref
        if isinstance(ref, Member):
            return ref.user
        if isinstance(ref, int):
            return self.users[ref]
        for user in self.users.values():
            if user.name == ref:
                return user
        raise LookupError(f"no user named {ref!r}")

    def member_of(self, guild_id: int | None, user: User) -> Member | None:
        guild = self.guilds.get(guild_id) if guild_id else None
        return guild.members.get(user.id) if guild else None

    def bot_guilds(self) -> list[Guild]:
        return [g for g in self.guilds.values() if self.bot_user.id in g.members]

    def permissions_in(self, user: User, channel: Channel) -> int:
        """Effective permissions of ``user`` in ``channel`` (DMs: the usual DM set)."""
        if channel.guild_id is None:
            return DM_PERMISSIONS
        guild = self.guilds[channel.guild_id]
        member = guild.members.get(user.id)
        return guild.channel_permissions(member, channel) if member else 0

    def guild_member_json(self, guild_id: int | None, user: User) -> dict[str, Any] | None:
        member = self.member_of(guild_id, user)
        return member.to_json(with_user=False) if member else None

    # ---- messages --------------------------------------------------------------------------
    def add_message(self, msg: FakeMessage) -> FakeMessage:
        self.messages_by_id[msg.id] = msg
        self.channel_log.setdefault(msg.channel.id, []).append(msg)
        msg.channel.last_message_id = msg.id
        self.notify()
        return msg

    def mentions_in(self, text: str) -> list[User]:
        return [self.users[int(i)] for i in MENTION_RE.findall(text) if int(i) in self.users]

    def message_event(self, msg: FakeMessage) -> dict[str, Any]:
        """MESSAGE_CREATE/UPDATE payload; hides content without the message_content intent."""
        data = self._message_json(msg)
        if msg.reference_id is not None:  # Discord resolves the reply (null: it was deleted)
            parent = self.messages_by_id.get(msg.reference_id)
            data["referenced_message"] = (
                None if parent is None or parent.deleted else self._message_json(parent)
            )
        return data

    def _message_json(self, msg: FakeMessage) -> dict[str, Any]:
        """One message as a bot sees it: with its member, content hidden without the intent."""
        data = msg.to_json()
        member = self.guild_member_json(msg.guild_id, msg.author)
        if member is not None:
            data["member"] = member
        hidden = (
            msg.guild_id is not None
            and msg.author.id != self.bot_user.id
            and not self.gateway.intents & INTENT_MESSAGE_CONTENT
            and self.bot_user not in msg.mentions
        )
        if hidden:
            data.update(content="", embeds=[], attachments=[], components=[])
        return data

    def messages(
        self, channel: ChannelRef, *, as_user: UserRef | None = None, deleted: bool = False
    ) -> list[FakeMessage]:
        """The channel as a person sees it, oldest first; ephemeral replies only for their
        recipient (``as_user``)."""
        chan = self.channel(channel)
        viewer = self.user(as_user) if as_user is not None else None
        return [
            m
            for m in self.channel_log.get(chan.id, [])
            if (deleted or not m.deleted) and (m.visible_to is None or m.visible_to is viewer)
        ]

    def ephemeral_messages(self, user: UserRef) -> list[FakeMessage]:
        """Every ephemeral reply shown to ``user``, oldest first."""
        who = self.user(user)
        return [m for m in self.messages_by_id.values() if m.visible_to is who and not m.deleted]

    # ---- waiting ---------------------------------------------------------------------------
    def notify(self) -> None:
        """Wake every waiter; they re-check their condition."""
        if self._change is not None:
            self._change.set()
        self._change = asyncio.Event()

    async def wait_until(
        self, check: Callable[[], T | None], timeout: float = HANG_GUARD, what: str = "condition"
    ) -> T:
        """Return ``check()`` once it is not None. Re-checked on every change the fake sees and
        every ``POLL`` seconds, so ``check`` may also look at the bot's own state."""
        if self._change is None:
            self._change = asyncio.Event()
        # The deadline is checked on every pass rather than left to a cancellation: Python
        # 3.11's wait_for can swallow a cancellation that lands as its inner wait finishes,
        # and a busy fake (many waiters, many changes) then waited forever.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._change
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fakediscord: no {what} within {timeout}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(POLL, remaining))

    def mark(self) -> int:
        """Remember 'now' so waits only see bot messages created after the last driver action."""
        self._mark = snowflake()
        return self._mark

    async def wait_for_message(
        self,
        channel: ChannelRef | None = None,
        predicate: Callable[[FakeMessage], bool] | None = None,
        *,
        timeout: float = HANG_GUARD,
        after: FakeMessage | int | None = None,
        author: UserRef | None = None,
        include_ephemeral: bool = False,
    ) -> FakeMessage:
        """First message by the bot (or ``author``) in ``channel`` (any channel if None) newer
        than ``after`` (default: the last driver action) that satisfies ``predicate``."""
        chan = self.channel(channel) if channel is not None else None
        who = self.user(author) if author is not None else self.bot_user
        since = after.id if isinstance(after, FakeMessage) else (after or self._mark)

        def check() -> FakeMessage | None:
            pool = self.channel_log.get(chan.id, []) if chan else self.messages_by_id.values()
            for m in pool:
                if m.id <= since or m.author is not who or m.deleted:
                    continue
                if m.ephemeral and not include_ephemeral:
                    continue
                if predicate is None or predicate(m):
                    return m
            return None

        where = f"#{chan.name}" if chan else "any channel"
        return await self.wait_until(check, timeout, f"message from {who.name} in {where}")

    async def wait_for_dm(
        self,
        user: UserRef,
        predicate: Callable[[FakeMessage], bool] | None = None,
        *,
        timeout: float = HANG_GUARD,
        after: FakeMessage | int | None = None,
    ) -> FakeMessage:
        """First DM from the bot to ``user`` newer than ``after`` (default: last driver action)."""
        who = self.user(user)
        since = after.id if isinstance(after, FakeMessage) else (after or self._mark)

        def check() -> FakeMessage | None:
            chan = self.dm_channels.get(who.id)
            for m in self.channel_log.get(chan.id, []) if chan else []:
                fresh = m.id > since and m.author is self.bot_user and not m.deleted
                if fresh and (predicate is None or predicate(m)):
                    return m
            return None

        return await self.wait_until(check, timeout, f"DM to {who.name}")

    def dms(self, user: UserRef) -> list[FakeMessage]:
        chan = self.dm_channels.get(self.user(user).id)
        return self.messages(chan) if chan else []

    def dm_channel(self, user: UserRef) -> Channel:
        """The bot's DM channel with ``user`` (opened on first use). Pass it as ``channel`` to
        ``slash``/``autocomplete``/``context_menu`` to act in DMs."""
        # Resolve a Member to its User: a DM's ``recipients`` are users, and a member-shaped
        # recipient makes discord.py drop the whole INTERACTION_CREATE.
        who = self.user(user)
        chan = self.dm_channels.get(who.id)
        if chan is None:
            chan = Channel(snowflake(), f"dm-{who.name}", type=1, recipient=who)
            self.dm_channels[who.id] = chan
            self.channels[chan.id] = chan
        return chan

    # ---- violations ------------------------------------------------------------------------
    def record_violations(self, found: list[Violation]) -> None:
        self.violations += found

    def assert_no_violations(self) -> None:
        """Raise AssertionError listing every invalid request the bot made (and clear them)."""
        if self.violations:
            lines = "\n  ".join(str(v) for v in self.violations)
            self.violations = []
            raise AssertionError(f"bot sent requests Discord would reject:\n  {lines}")

    def role(self, guild: Guild, name: str) -> Role:
        for role in guild.roles.values():
            if role.name == name:
                return role
        raise LookupError(f"no role {name!r} in {guild.name}")
