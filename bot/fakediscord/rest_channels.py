"""REST routes for login, channels, messages, DMs, threads and reactions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from .messages import FakeMessage
from .routing import HTTPError, Reply, Req, route
from .state import Channel, snowflake

if TYPE_CHECKING:
    from .fake import FakeDiscord

P = discord.Permissions
VIEW = P(view_channel=True).value
SEND = P(send_messages=True).value
SEND_THREAD = P(send_messages_in_threads=True).value
HISTORY = P(read_message_history=True).value
MANAGE_MESSAGES = P(manage_messages=True).value
PUBLIC_THREADS = P(create_public_threads=True).value
PRIVATE_THREADS = P(create_private_threads=True).value
MANAGE_THREADS = P(manage_threads=True).value
REACT = P(add_reactions=True).value
MANAGE_CHANNELS = P(manage_channels=True).value


def channel_or_404(fake: FakeDiscord, req: Req) -> Channel:
    chan = fake.channels.get(req.id("channel_id"))
    if chan is None:
        raise HTTPError(404, 10003)
    return chan


def require(fake: FakeDiscord, chan: Channel, perms: int) -> None:
    have = fake.permissions_in(fake.bot_user, chan)
    if not have & VIEW:
        raise HTTPError(403, 50001)
    if have & perms != perms:
        raise HTTPError(403, 50013)


def message_or_404(fake: FakeDiscord, chan: Channel, req: Req) -> FakeMessage:
    msg = fake.messages_by_id.get(req.id("message_id"))
    if msg is None or msg.channel is not chan or msg.deleted:
        raise HTTPError(404, 10008)
    return msg


@route("GET", "/users/@me")
async def get_me(fake: FakeDiscord, req: Req) -> Reply:
    return 200, {**fake.bot_user.to_json(), "verified": True, "mfa_enabled": False}


@route("GET", "/users/{user_id}")
async def get_user(fake: FakeDiscord, req: Req) -> Reply:
    user = fake.users.get(req.id("user_id"))
    if user is None:
        raise HTTPError(404, 10013, "Unknown User")
    return 200, user.to_json()


@route("GET", "/oauth2/applications/@me")
async def get_application(fake: FakeDiscord, req: Req) -> Reply:
    return 200, {
        "id": str(fake.application_id),
        "name": fake.bot_user.name,
        "icon": None,
        "description": "",
        "summary": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "owner": fake.app_owner.to_json(),
        "team": None,
        "bot": fake.bot_user.to_json(),
    }


@route("GET", "/channels/{channel_id}")
async def get_channel(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    require(fake, chan, VIEW)
    return 200, chan.to_json()


@route("PATCH", "/channels/{channel_id}")
async def edit_channel(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    body = req.body or {}
    own_thread = chan.is_thread and chan.owner_id == fake.bot_user.id
    need = MANAGE_THREADS if chan.is_thread else MANAGE_CHANNELS
    require(fake, chan, 0 if own_thread else need)
    if "name" in body:
        chan.name = body["name"]
    if "archived" in body:
        chan.archived = bool(body["archived"])
    if "topic" in body:
        chan.topic = body["topic"]
    event = "THREAD_UPDATE" if chan.is_thread else "CHANNEL_UPDATE"
    await fake.gateway.dispatch(event, chan.to_json())
    fake.notify()
    return 200, chan.to_json()


@route("POST", "/channels/{channel_id}/messages")
async def create_message(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    if chan.type == 1:
        assert chan.recipient is not None
        if not chan.recipient.dms_open:
            raise HTTPError(403, 50007)
    else:
        require(fake, chan, SEND_THREAD if chan.is_thread else SEND)
    body: dict[str, Any] = req.body or {}
    nonce = str(body["nonce"]) if body.get("enforce_nonce") and body.get("nonce") else None
    if nonce is not None and (chan.id, nonce) in fake.nonces:
        return 200, fake.nonces[(chan.id, nonce)].to_json()  # the first one, not a second post
    ref = (body.get("message_reference") or {}).get("message_id")
    msg = FakeMessage(
        id=snowflake(),
        channel=chan,
        author=fake.bot_user,
        content=body.get("content") or "",
        embeds=list(body.get("embeds") or []),
        components=list(body.get("components") or []),
        flags=int(body.get("flags") or 0),
        guild_id=chan.guild_id,
        reference_id=int(ref) if ref else None,
        mentions=fake.mentions_in(body.get("content") or ""),
        attachments=[fake.attachment(f, req.body) for f in req.files],
    )
    if nonce is not None:
        fake.nonces[(chan.id, nonce)] = msg
    fake.add_message(msg)
    await fake.gateway.dispatch("MESSAGE_CREATE", fake.message_event(msg))
    return 200, msg.to_json()


@route("GET", "/channels/{channel_id}/messages")
async def list_messages(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    require(fake, chan, HISTORY)
    msgs = [m for m in fake.messages(chan)]
    if "before" in req.query:
        msgs = [m for m in msgs if m.id < int(req.query["before"])]
    if "after" in req.query:
        msgs = [m for m in msgs if m.id > int(req.query["after"])]
    limit = int(req.query.get("limit", "50"))
    newest_first = list(reversed(msgs))
    if "after" in req.query:
        newest_first = list(reversed(msgs[:limit]))
    return 200, [m.to_json() for m in newest_first[:limit]]


@route("GET", "/channels/{channel_id}/messages/{message_id}")
async def get_message(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    require(fake, chan, HISTORY)
    msg = message_or_404(fake, chan, req)
    if msg.visible_to is not None:
        raise HTTPError(404, 10008)
    return 200, msg.to_json()


@route("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def edit_message(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    msg = message_or_404(fake, chan, req)
    if msg.author is not fake.bot_user:
        raise HTTPError(403, 50005, "Cannot edit a message authored by another user")
    msg.apply_edit(req.body or {})
    fake.notify()
    await fake.gateway.dispatch("MESSAGE_UPDATE", fake.message_event(msg))
    return 200, msg.to_json()


@route("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def delete_message(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    msg = message_or_404(fake, chan, req)
    if msg.author is not fake.bot_user:
        require(fake, chan, MANAGE_MESSAGES)
    await fake.delete_message_now(msg)
    return 204, None


@route("POST", "/channels/{channel_id}/messages/bulk-delete")
async def bulk_delete(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    require(fake, chan, MANAGE_MESSAGES)
    ids = [int(i) for i in (req.body or {}).get("messages") or []]
    found = [fake.messages_by_id.get(i) for i in ids]
    for msg in found:
        if msg is not None and msg.channel is chan:
            msg.deleted = True
    payload: dict[str, Any] = {"ids": [str(i) for i in ids], "channel_id": str(chan.id)}
    if chan.guild_id is not None:
        payload["guild_id"] = str(chan.guild_id)
    await fake.gateway.dispatch("MESSAGE_DELETE_BULK", payload)
    fake.notify()
    return 204, None


@route("POST", "/users/@me/channels")
async def create_dm(fake: FakeDiscord, req: Req) -> Reply:
    user = fake.users.get(int((req.body or {}).get("recipient_id") or 0))
    if user is None:
        raise HTTPError(400, 50033, "Invalid Recipient(s)")
    return 200, fake.dm_channel(user).to_json()


async def _new_thread(fake: FakeDiscord, parent: Channel, tid: int, kind: int, name: str) -> Reply:
    thread = Channel(
        tid,
        name,
        type=kind,
        guild_id=parent.guild_id,
        parent_id=parent.id,
        owner_id=fake.bot_user.id,
    )
    fake.channels[tid] = thread
    if parent.guild_id is not None:
        fake.guilds[parent.guild_id].channels[tid] = thread
    await fake.gateway.dispatch("THREAD_CREATE", {**thread.to_json(), "newly_created": True})
    fake.notify()
    return 201, thread.to_json()


@route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
async def thread_from_message(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    require(fake, chan, PUBLIC_THREADS)
    msg = message_or_404(fake, chan, req)
    if msg.thread_id is not None:
        raise HTTPError(400, 160004, "A thread has already been created for this message")
    msg.thread_id = msg.id
    return await _new_thread(fake, chan, msg.id, 11, (req.body or {})["name"])


@route("POST", "/channels/{channel_id}/threads")
async def thread_without_message(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    body = req.body or {}
    kind = int(body.get("type") or 12)
    require(fake, chan, PRIVATE_THREADS if kind == 12 else PUBLIC_THREADS)
    return await _new_thread(fake, chan, snowflake(), kind, body["name"])


@route("PUT", "/channels/{channel_id}/thread-members/{user_id}")
async def add_thread_member(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    if not chan.is_thread:
        raise HTTPError(400, 50024, "Cannot execute action on this channel type")
    chan.thread_members.add(req.id("user_id"))
    fake.notify()
    return 204, None


@route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def add_reaction(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    require(fake, chan, REACT | HISTORY)
    msg = message_or_404(fake, chan, req)
    msg.reactions.setdefault(req.params["emoji"], set()).add(fake.bot_user.id)
    fake.notify()
    return 204, None


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def remove_reaction(fake: FakeDiscord, req: Req) -> Reply:
    chan = channel_or_404(fake, req)
    msg = message_or_404(fake, chan, req)
    msg.reactions.get(req.params["emoji"], set()).discard(fake.bot_user.id)
    fake.notify()
    return 204, None
