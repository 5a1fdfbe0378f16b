"""The driver API: what a test (or the sandbox) does as a person using Discord."""

# Waiting helpers take ``timeout`` on purpose: tests read better than wrapping each call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from typing import Any

from .core import ChannelRef, UserRef
from .interactions import DEFAULT_TIMEOUT, Interaction
from .messages import FakeMessage, walk_components
from .modals import ModalAnswer
from .options import OptionBuilder, find_command, resolve_select_value, split_path
from .state import Channel, Member, User, snowflake
from .world import WorldMixin

#: Loop iterations yielded before a click/select/modal submit (see ``settle``).
SETTLE_ITERATIONS = 5


class DriverMixin(WorldMixin):
    # ---- plain messages ---------------------------------------------------------------------
    async def send_message(
        self,
        channel: ChannelRef,
        author: UserRef,
        text: str,
        *,
        reply_to: FakeMessage | None = None,
    ) -> FakeMessage:
        """``author`` posts ``text`` in ``channel`` (MESSAGE_CREATE to the bot)."""
        chan = self.channel(channel)
        user = self.user(author)
        msg = FakeMessage(
            id=snowflake(),
            channel=chan,
            author=user,
            content=text,
            guild_id=chan.guild_id,
            mentions=self.mentions_in(text),
            reference_id=reply_to.id if reply_to else None,
        )
        self.mark()
        self.add_message(msg)
        await self.gateway.dispatch("MESSAGE_CREATE", self.message_event(msg))
        return msg

    async def send_dm(self, author: UserRef, text: str) -> FakeMessage:
        """``author`` writes to the bot in DMs."""
        return await self.send_message(self.dm_channel(self.user(author)), author, text)

    async def edit_message(self, message: FakeMessage, text: str) -> FakeMessage:
        self.mark()
        message.apply_edit({"content": text})
        message.mentions = self.mentions_in(text)
        self.notify()
        await self.gateway.dispatch("MESSAGE_UPDATE", self.message_event(message))
        return message

    async def delete_message(self, message: FakeMessage) -> None:
        self.mark()
        await self.delete_message_now(message)

    async def react(self, message: FakeMessage, emoji: str, user: UserRef) -> None:
        who = self.user(user)
        message.reactions.setdefault(emoji, set()).add(who.id)
        payload: dict[str, Any] = {
            "user_id": str(who.id),
            "channel_id": str(message.channel.id),
            "message_id": str(message.id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
        }
        if message.guild_id is not None:
            payload["guild_id"] = str(message.guild_id)
            payload["member"] = self.member_of(message.guild_id, who).to_json()  # type: ignore[union-attr]
        self.mark()
        await self.gateway.dispatch("MESSAGE_REACTION_ADD", payload)

    # ---- interactions ------------------------------------------------------------------------
    def _default_channel(self, user: User) -> Channel:
        for guild in self.guilds.values():
            if user.id in guild.members:
                for chan in guild.channels.values():
                    if chan.type == 0 and self.permissions_in(user, chan) & 1024:
                        return chan
        return self.dm_channel(user)

    async def _send_interaction(
        self,
        kind: int,
        user: UserRef,
        channel: ChannelRef | None,
        data: dict[str, Any],
        message: FakeMessage | None = None,
    ) -> Interaction:
        who = self.user(user)
        if message is not None:
            chan = message.channel
        else:
            chan = self.channel(channel) if channel is not None else self._default_channel(who)
        member = self.member_of(chan.guild_id, who)
        if chan.guild_id is not None and member is None:
            raise LookupError(f"{who.name} is not a member of the channel's guild")
        inter = Interaction(self, kind, who, chan, member, data, message)
        payload: dict[str, Any] = {
            "id": str(inter.id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": inter.token,
            "version": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
            "locale": who.locale,
            "entitlements": [],
            "app_permissions": str(self.permissions_in(self.bot_user, chan)),
            "channel_id": str(chan.id),
            "channel": chan.to_json(),
            "data": data,
        }
        if chan.guild_id is not None:
            assert member is not None
            guild_locale = self.guilds[chan.guild_id].preferred_locale
            payload.update(
                guild_id=str(chan.guild_id),
                guild_locale=guild_locale,
                guild={"id": str(chan.guild_id), "locale": guild_locale, "features": []},
                member={
                    **member.to_json(),
                    "permissions": str(self.permissions_in(who, chan)),
                },
                context=0,
                authorizing_integration_owners={"0": str(chan.guild_id)},
            )
        else:
            payload.update(user=who.to_json(), context=1, authorizing_integration_owners={"0": "0"})
        if message is not None:
            payload["message"] = message.to_json()
        inter.payload = payload
        self.interactions[inter.token] = inter
        self.mark()
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return inter

    def _command_data(
        self,
        command_path: str,
        options: dict[str, Any] | None,
        who: User,
        chan: Channel,
        focused: str | None = None,
    ) -> dict[str, Any]:
        parts = command_path.strip().lstrip("/").split()
        cmd = find_command(self, parts[0], 1, chan.guild_id)
        chain, leaf = split_path(cmd, parts[1:])
        builder = OptionBuilder(self, chan.guild_id, chan, who)
        built = builder.build(leaf, dict(options or {}), focused)
        for spec in reversed(chain):
            built = [{"name": spec["name"], "type": spec["type"], "options": built}]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": built}
        if builder.resolved:
            data["resolved"] = builder.resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return data

    async def slash(
        self,
        command_path: str,
        options: dict[str, Any] | None = None,
        user: UserRef = "you",
        channel: ChannelRef | None = None,
    ) -> Interaction:
        """Run ``/command_path`` (e.g. ``"strategy show"``) with ``options`` by name."""
        who = self.user(user)
        chan = self.channel(channel) if channel is not None else self._default_channel(who)
        data = self._command_data(command_path, options, who, chan)
        return await self._send_interaction(2, who, chan, data)

    async def autocomplete(
        self,
        command_path: str,
        options: dict[str, Any],
        focused: str,
        user: UserRef = "you",
        channel: ChannelRef | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> list[dict[str, Any]]:
        """Type into option ``focused``; returns the choices the bot offers."""
        who = self.user(user)
        chan = self.channel(channel) if channel is not None else self._default_channel(who)
        options = {focused: "", **options}
        data = self._command_data(command_path, options, who, chan, focused)
        inter = await self._send_interaction(4, who, chan, data)
        return (await inter.response(timeout)).choices

    async def context_menu(
        self,
        name: str,
        target: FakeMessage | UserRef,
        user: UserRef = "you",
        channel: ChannelRef | None = None,
    ) -> Interaction:
        """Use an app's message or user context-menu command on ``target``."""
        who = self.user(user)
        if isinstance(target, FakeMessage):
            chan = target.channel
            cmd = find_command(self, name, 3, chan.guild_id)
            resolved: dict[str, Any] = {"messages": {str(target.id): target.to_json()}}
            target_id = target.id
        else:
            chan = self.channel(channel) if channel is not None else self._default_channel(who)
            cmd = find_command(self, name, 2, chan.guild_id)
            builder = OptionBuilder(self, chan.guild_id, chan, who)
            target_id = builder.resolve_user(target)
            resolved = builder.resolved
        data = {
            "id": cmd["id"],
            "name": name,
            "type": cmd["type"],
            "target_id": str(target_id),
            "resolved": resolved,
        }
        return await self._send_interaction(2, who, chan, data)

    async def settle(self) -> None:
        """Give the bot a few loop iterations to finish reading earlier responses.

        discord.py registers a view or modal only after reading the callback response that
        carried it. The fake writes that response before it reports the callback, and before
        the next interaction frame goes out, so the bot already reads them in order; these
        iterations are a margin, not a delay (no wall-clock sleeping).
        """
        for _ in range(SETTLE_ITERATIONS):
            await asyncio.sleep(0)

    async def click(
        self, message: FakeMessage, label_or_custom_id: str, user: UserRef = "you"
    ) -> Interaction:
        """Press a button (by label or custom_id) on ``message``."""
        button = message.button(label_or_custom_id)
        if button.get("disabled"):
            raise ValueError(f"button {label_or_custom_id!r} is disabled")
        if "custom_id" not in button:
            raise ValueError(f"button {label_or_custom_id!r} is a link button")
        await self.settle()
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._send_interaction(3, user, None, data, message)

    async def select(
        self, message: FakeMessage, custom_id: str, values: list[Any], user: UserRef = "you"
    ) -> Interaction:
        """Choose ``values`` in the select menu ``custom_id`` (string, user, role or channel)."""
        menu = next((s for s in message.selects if s.get("custom_id") == custom_id), None)
        if menu is None:
            ids = [s.get("custom_id") for s in message.selects]
            raise LookupError(f"no select {custom_id!r} on message {message.id}; has {ids}")
        low, high = menu.get("min_values", 1), menu.get("max_values", 1)
        if not low <= len(values) <= high:  # Discord's client never sends such a choice
            raise ValueError(f"choose {low} to {high} value(s) in {custom_id!r}, not {len(values)}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": menu["type"]}
        if menu["type"] == 3:
            allowed = [o["value"] for o in menu.get("options") or []]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"{bad} not among the options {allowed}")
            data["values"] = [str(v) for v in values]
        else:
            builder = OptionBuilder(self, message.guild_id, message.channel, self.user(user))
            data["values"] = [str(resolve_select_value(builder, menu["type"], v)) for v in values]
            data["resolved"] = builder.resolved
        await self.settle()
        return await self._send_interaction(3, user, None, data, message)

    async def submit_modal(self, fields: dict[str, Any], user: UserRef = "you") -> Interaction:
        """Answer the most recent modal shown to ``user``. Fields by custom_id or label (for a
        component inside a Label, the Label's text); text inputs take a string, select menus a
        value or a list (users, roles, channels as objects, ids or names). See ``modals.py``."""
        who = self.user(user)
        opened = self.modals.get(who.id)
        if opened is None or opened.modal is None:
            raise LookupError(f"no modal was shown to {who.name}")
        modal = opened.modal
        answer = ModalAnswer(self, who, opened.channel, fields)
        components = answer.components(modal)
        del self.modals[who.id]
        await self.settle()
        data: dict[str, Any] = {"custom_id": modal["custom_id"], "components": components}
        if answer.resolved:
            data["resolved"] = answer.resolved
        return await self._send_interaction(
            5, who, opened.channel, data, opened.source_message if opened.type == 3 else None
        )

    async def drop_connection(self, *, wait: bool = True, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Drop the bot's websocket; with ``wait``, return once it has RESUMEd."""
        await self.gateway.drop()
        if wait:
            await self.wait_until(
                lambda: True if self.gateway.resumed.is_set() else None, timeout, "RESUME"
            )

    async def expire_session(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Drop the bot's websocket and forget its session, so it must IDENTIFY again; returns
        once it has (a new READY, so ``on_ready`` runs again)."""
        identified = self.gateway.identify_count
        await self.gateway.drop(resumable=False)
        await self.wait_until(
            lambda: True if self.gateway.identify_count > identified else None, timeout, "IDENTIFY"
        )


__all__ = ["DriverMixin", "Member", "walk_components"]
