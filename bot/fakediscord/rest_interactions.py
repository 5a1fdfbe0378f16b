"""REST routes for command sync, interaction callbacks and interaction webhooks (followups)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .interactions import Callback, Interaction
from .messages import FakeMessage
from .routing import HTTPError, Reply, Req, route
from .spec import Violation
from .state import EPHEMERAL, snowflake

if TYPE_CHECKING:
    from .fake import FakeDiscord

LOADING = 128
#: Which callback types Discord accepts for each interaction type.
ALLOWED_CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}


def _check_app(fake: FakeDiscord, req: Req) -> None:
    if req.params.get("application_id", req.params.get("webhook_id")) != str(fake.application_id):
        raise HTTPError(404, 10002, "Unknown Application")


def _command_json(fake: FakeDiscord, guild_id: int | None, cmd: dict[str, Any]) -> dict[str, Any]:
    known = {(c["name"], c.get("type", 1)): c["id"] for c in fake.commands.get(guild_id, [])}
    kind = cmd.get("type", 1)
    out = {
        "id": known.get((cmd["name"], kind), str(snowflake())),
        "application_id": str(fake.application_id),
        "version": str(snowflake()),
        "type": kind,
        "description": "",
        "options": [],
        "default_member_permissions": None,
        "dm_permission": True,
        "nsfw": False,
        "integration_types": [0],
        "contexts": None,
        **cmd,
    }
    if guild_id is not None:
        out["guild_id"] = str(guild_id)
    return out


@route("PUT", "/applications/{application_id}/commands")
@route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
async def bulk_set_commands(fake: FakeDiscord, req: Req) -> Reply:
    _check_app(fake, req)
    gid = int(req.params["guild_id"]) if "guild_id" in req.params else None
    fake.commands[gid] = [_command_json(fake, gid, c) for c in req.body or []]
    fake.notify()
    return 200, fake.commands[gid]


@route("POST", "/applications/{application_id}/commands")
@route("POST", "/applications/{application_id}/guilds/{guild_id}/commands")
async def create_command(fake: FakeDiscord, req: Req) -> Reply:
    _check_app(fake, req)
    gid = int(req.params["guild_id"]) if "guild_id" in req.params else None
    cmd = _command_json(fake, gid, req.body or {})
    current = [c for c in fake.commands.get(gid, []) if c["id"] != cmd["id"]]
    fake.commands[gid] = [*current, cmd]
    fake.notify()
    return 201, cmd


@route("GET", "/applications/{application_id}/commands")
@route("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
async def list_commands(fake: FakeDiscord, req: Req) -> Reply:
    _check_app(fake, req)
    gid = int(req.params["guild_id"]) if "guild_id" in req.params else None
    return 200, fake.commands.get(gid, [])


def _interaction(fake: FakeDiscord, req: Req) -> Interaction:
    token = req.params.get("interaction_token") or req.params["webhook_token"]
    inter = fake.interactions.get(token)
    if inter is None or req.params.get("interaction_id", str(inter.id)) != str(inter.id):
        raise HTTPError(404, 10062 if "interaction_id" in req.params else 10015)
    return inter


def _bot_message(fake: FakeDiscord, inter: Interaction, data: dict[str, Any]) -> FakeMessage:
    flags = int(data.get("flags") or 0)
    return FakeMessage(
        id=snowflake(),
        channel=inter.channel,
        author=fake.bot_user,
        content=data.get("content") or "",
        embeds=list(data.get("embeds") or []),
        components=list(data.get("components") or []),
        flags=flags,
        guild_id=inter.channel.guild_id,
        interaction_id=inter.id,
        visible_to=inter.user if flags & EPHEMERAL else None,
        webhook_id=fake.application_id,
        mentions=fake.mentions_in(data.get("content") or ""),
        interaction_meta={
            "id": str(inter.id),
            "type": inter.type,
            "user": inter.user.to_json(),
            "authorizing_integration_owners": {"0": str(inter.channel.guild_id or 0)},
        },
    )


async def _publish(fake: FakeDiscord, msg: FakeMessage, event: str = "MESSAGE_CREATE") -> None:
    if msg.visible_to is None:
        await fake.gateway.dispatch(event, fake.message_event(msg))


@route("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
async def interaction_callback(fake: FakeDiscord, req: Req) -> Reply:
    inter = _interaction(fake, req)
    late = req.received - inter.created > fake.response_deadline
    if fake.faults.deadline_exceeded or late:
        raise HTTPError(404, 10062)
    if inter.acknowledged:
        raise HTTPError(400, 40060)
    body: dict[str, Any] = req.body or {}
    kind = int(body.get("type", 0))
    if kind not in ALLOWED_CALLBACKS.get(inter.type, set()):
        problem = f"callback type {kind} is not valid for interaction type {inter.type}"
        fake.record_violations([Violation(req.route, "interaction flow", "$.type", problem)])
        raise HTTPError(400, 50035, "Interaction response type invalid")
    data: dict[str, Any] = body.get("data") or {}
    callback = Callback(kind, data, at=req.received)
    if kind == 4:
        message = _bot_message(fake, inter, data)
        message.attachments = [fake.attachment(f, data) for f in req.files]
        inter.original = callback.message = fake.add_message(message)
        await _publish(fake, inter.original)
    elif kind == 5:
        placeholder = _bot_message(fake, inter, {"flags": int(data.get("flags") or 0) | LOADING})
        inter.original = callback.message = fake.add_message(placeholder)
        await _publish(fake, placeholder)
    elif kind in (6, 7):
        callback.message = inter.source_message
        if kind == 7 and inter.source_message is not None:
            inter.source_message.apply_edit(data)
            await _publish(fake, inter.source_message, "MESSAGE_UPDATE")
    elif kind == 9:
        fake.modals[inter.user.id] = inter
    inter.callbacks.append(callback)
    fake.notify()
    if "with_response" not in req.query:
        return 204, None
    resource: dict[str, Any] = {"type": kind}
    if callback.message is not None and kind in (4, 5, 7):
        resource["message"] = callback.message.to_json()
    return 200, {
        "interaction": {
            "id": str(inter.id),
            "type": inter.type,
            "activity_instance_id": None,
            "response_message_id": str(callback.message.id) if callback.message else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(callback.message and callback.message.ephemeral),
        },
        "resource": resource,
    }


def _webhook_interaction(fake: FakeDiscord, req: Req) -> Interaction:
    _check_app(fake, req)
    inter = _interaction(fake, req)
    if inter.token_expired:
        raise HTTPError(401, 50027)
    if not inter.acknowledged:
        raise HTTPError(404, 10015, "Unknown Webhook")
    return inter


def _target(fake: FakeDiscord, inter: Interaction, req: Req) -> FakeMessage:
    mid = req.params.get("message_id")
    msg = inter.original if mid is None else fake.messages_by_id.get(int(mid))
    if msg is None or msg.deleted:
        raise HTTPError(404, 10008)
    return msg


@route("POST", "/webhooks/{webhook_id}/{webhook_token}")
async def followup(fake: FakeDiscord, req: Req) -> Reply:
    inter = _webhook_interaction(fake, req)
    msg = _bot_message(fake, inter, req.body or {})
    msg.attachments = [fake.attachment(f, req.body) for f in req.files]
    inter.followup_messages.append(msg)
    fake.add_message(msg)
    await _publish(fake, msg)
    return 200, msg.to_json()


@route("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original")
@route("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def get_webhook_message(fake: FakeDiscord, req: Req) -> Reply:
    inter = _webhook_interaction(fake, req)
    return 200, _target(fake, inter, req).to_json()


@route("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original")
@route("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def edit_webhook_message(fake: FakeDiscord, req: Req) -> Reply:
    inter = _webhook_interaction(fake, req)
    msg = _target(fake, inter, req)
    msg.apply_edit(req.body or {})
    msg.flags &= ~LOADING
    fake.notify()
    await _publish(fake, msg, "MESSAGE_UPDATE")
    return 200, msg.to_json()


@route("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original")
@route("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def delete_webhook_message(fake: FakeDiscord, req: Req) -> Reply:
    inter = _webhook_interaction(fake, req)
    await fake.delete_message_now(_target(fake, inter, req))
    return 204, None
