"""REST routes for guilds, roles and members."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from .routing import HTTPError, Reply, Req, route
from .state import Guild

if TYPE_CHECKING:
    from .fake import FakeDiscord

MODERATE = discord.Permissions(moderate_members=True).value
MANAGE_ROLES = discord.Permissions(manage_roles=True).value


def guild_or_404(fake: FakeDiscord, req: Req) -> Guild:
    guild = fake.guilds.get(req.id("guild_id"))
    if guild is None or fake.bot_user.id not in guild.members:
        raise HTTPError(404, 10004, "Unknown Guild")
    return guild


@route("GET", "/guilds/{guild_id}")
async def get_guild(fake: FakeDiscord, req: Req) -> Reply:
    data = guild_or_404(fake, req).to_json()
    for key in ("channels", "threads", "members", "joined_at", "large", "member_count"):
        data.pop(key, None)
    return 200, data


@route("GET", "/guilds/{guild_id}/roles")
async def list_roles(fake: FakeDiscord, req: Req) -> Reply:
    return 200, [r.to_json() for r in guild_or_404(fake, req).roles.values()]


@route("GET", "/guilds/{guild_id}/channels")
async def list_channels(fake: FakeDiscord, req: Req) -> Reply:
    guild = guild_or_404(fake, req)
    return 200, [c.to_json() for c in guild.channels.values() if not c.is_thread]


@route("GET", "/guilds/{guild_id}/members")
async def list_members(fake: FakeDiscord, req: Req) -> Reply:
    guild = guild_or_404(fake, req)
    after = int(req.query.get("after", "0"))
    limit = int(req.query.get("limit", "1"))
    members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
    return 200, [m.to_json() for m in members[:limit]]


@route("GET", "/guilds/{guild_id}/members/{user_id}")
async def get_member(fake: FakeDiscord, req: Req) -> Reply:
    guild = guild_or_404(fake, req)
    member = guild.members.get(req.id("user_id"))
    if member is None:
        raise HTTPError(404, 10007, "Unknown Member")
    return 200, member.to_json()


@route("PATCH", "/guilds/{guild_id}/members/{user_id}")
async def edit_member(fake: FakeDiscord, req: Req) -> Reply:
    guild = fake.guilds.get(req.id("guild_id"))
    member = guild.members.get(req.id("user_id")) if guild else None
    if guild is None or member is None:
        raise HTTPError(404, 10007, "Unknown Member")
    body = req.body or {}
    bot = guild.members[fake.bot_user.id]
    have = guild.base_permissions(bot)
    need = (MODERATE if "communication_disabled_until" in body else 0) | (
        MANAGE_ROLES if "roles" in body else 0
    )
    if have & need != need or member.id == guild.owner_id:
        raise HTTPError(403, 50013)
    if "communication_disabled_until" in body:
        member.timeout_until = body["communication_disabled_until"]
    if "roles" in body:
        member.role_ids = [int(r) for r in body["roles"] or []]
    if "nick" in body:
        member.nick = body["nick"]
    await fake.gateway.dispatch(
        "GUILD_MEMBER_UPDATE", {**member.to_json(), "guild_id": str(guild.id)}
    )
    fake.notify()
    return 200, member.to_json()
