"""Building and changing the world at runtime: guilds, channels, roles, members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from .core import ChannelRef, FakeCore, UserRef
from .messages import FakeMessage
from .state import Channel, Guild, Member, Overwrite, Role, User, perm_value, snowflake

#: What the bot's managed role grants unless a test says otherwise.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    create_private_threads=True,
    manage_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    manage_messages=True,
    moderate_members=True,
    use_application_commands=True,
)
EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    use_application_commands=True,
)


@dataclass
class StandardGuild:
    """Handles to the sandbox layout (see ``FakeDiscord.standard_guild``)."""

    guild: Guild
    general: Channel
    check_ins: Channel
    daily_prompt: Channel
    mod_alerts: Channel
    moderator_role: Role
    owner_role: Role
    you: Member
    mod: Member
    owner: Member


class WorldMixin(FakeCore):
    def add_user(
        self, name: str, *, bot: bool = False, dms_open: bool = True, locale: str = "en-US"
    ) -> User:
        user = User(snowflake(), name, bot=bot, dms_open=dms_open, locale=locale)
        self.users[user.id] = user
        return user

    async def add_guild(
        self,
        name: str,
        *,
        owner: str = "owner",
        bot_permissions: discord.Permissions | int = BOT_PERMISSIONS,
        with_bot: bool = True,
    ) -> Guild:
        """A guild with @everyone, an owner member and (unless ``with_bot``=False) the bot, whose
        joining is announced with GUILD_CREATE if the bot is connected."""
        owner_user = self.add_user(owner)
        guild = Guild(snowflake(), name, owner_id=owner_user.id)
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", EVERYONE_PERMISSIONS.value, 0)
        guild.members[owner_user.id] = Member(owner_user, guild.id)
        self.guilds[guild.id] = guild
        bot_role = Role(snowflake(), guild.id, self.bot_user.name, perm_value(bot_permissions))
        bot_role.managed = True
        guild.roles[bot_role.id] = bot_role
        if with_bot:
            await self.add_bot_to_guild(guild)
        return guild

    async def add_bot_to_guild(self, guild: Guild) -> None:
        """The bot joins ``guild`` (GUILD_CREATE, as when someone invites it)."""
        managed = [r.id for r in guild.roles.values() if r.managed]
        guild.members[self.bot_user.id] = Member(self.bot_user, guild.id, managed)
        payload = guild.to_json()
        # Without "unavailable" discord.py reports a join (on_guild_join), not availability.
        del payload["unavailable"]
        await self.gateway.dispatch("GUILD_CREATE", payload)
        self.notify()

    async def remove_bot(self, guild: Guild) -> None:
        """The bot is kicked (GUILD_DELETE without ``unavailable``)."""
        guild.members.pop(self.bot_user.id, None)
        await self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)})
        self.notify()

    async def add_channel(
        self,
        guild: Guild,
        name: str,
        *,
        overwrites: list[Overwrite] | None = None,
        topic: str | None = None,
    ) -> Channel:
        chan = Channel(
            snowflake(),
            name,
            guild_id=guild.id,
            position=len(guild.channels),
            overwrites=list(overwrites or []),
            topic=topic,
        )
        guild.channels[chan.id] = chan
        self.channels[chan.id] = chan
        await self.gateway.dispatch("CHANNEL_CREATE", chan.to_json())
        self.notify()
        return chan

    async def delete_channel(self, channel: ChannelRef) -> None:
        chan = self.channel(channel)
        self.channels.pop(chan.id, None)
        if chan.guild_id is not None:
            self.guilds[chan.guild_id].channels.pop(chan.id, None)
        event = "THREAD_DELETE" if chan.is_thread else "CHANNEL_DELETE"
        payload = chan.to_json()
        if chan.is_thread:
            payload = {k: payload[k] for k in ("id", "guild_id", "parent_id", "type")}
        await self.gateway.dispatch(event, payload)
        self.notify()

    async def add_role(
        self, guild: Guild, name: str, permissions: discord.Permissions | int | None = None
    ) -> Role:
        role = Role(snowflake(), guild.id, name, perm_value(permissions), len(guild.roles))
        guild.roles[role.id] = role
        payload = {"guild_id": str(guild.id), "role": role.to_json()}
        await self.gateway.dispatch("GUILD_ROLE_CREATE", payload)
        return role

    async def add_member(
        self,
        guild: Guild,
        name: str,
        roles: list[Role] | None = None,
        permissions: discord.Permissions | int | None = None,
        *,
        dms_open: bool = True,
        locale: str = "en-US",
    ) -> Member:
        """A new member; ``permissions`` creates a personal role granting them; ``locale`` is
        their Discord client language (sent with each of their interactions)."""
        user = self.add_user(name, dms_open=dms_open, locale=locale)
        role_ids = [r.id for r in roles or []]
        if permissions is not None:
            role_ids.append((await self.add_role(guild, f"{name}-perms", permissions)).id)
        member = Member(user, guild.id, role_ids)
        guild.members[user.id] = member
        payload = {**member.to_json(), "guild_id": str(guild.id)}
        await self.gateway.dispatch("GUILD_MEMBER_ADD", payload)
        self.notify()
        return member

    async def remove_member(self, member: Member) -> None:
        """The member leaves the guild (GUILD_MEMBER_REMOVE)."""
        guild = self.guilds[member.guild_id]
        guild.members.pop(member.id, None)
        payload = {"guild_id": str(guild.id), "user": member.user.to_json()}
        await self.gateway.dispatch("GUILD_MEMBER_REMOVE", payload)
        self.notify()

    async def set_roles(self, member: Member, roles: list[Role]) -> None:
        member.role_ids = [r.id for r in roles]
        payload = {**member.to_json(), "guild_id": str(member.guild_id)}
        await self.gateway.dispatch("GUILD_MEMBER_UPDATE", payload)

    async def set_bot_permissions(
        self, guild: Guild, permissions: discord.Permissions | int
    ) -> None:
        """Change what the bot's managed role grants (e.g. to provoke 50013)."""
        for role in guild.roles.values():
            if role.managed:
                role.permissions = perm_value(permissions)
                payload = {"guild_id": str(guild.id), "role": role.to_json()}
                await self.gateway.dispatch("GUILD_ROLE_UPDATE", payload)

    async def set_overwrite(
        self,
        channel: ChannelRef,
        target: Role | Member | User,
        *,
        allow: discord.Permissions | int = 0,
        deny: discord.Permissions | int = 0,
    ) -> None:
        """Set (replace) the channel overwrite for a role or member; CHANNEL_UPDATE."""
        chan = self.channel(channel)
        kind = 0 if isinstance(target, Role) else 1
        chan.overwrites = [o for o in chan.overwrites if o.id != target.id]
        chan.overwrites.append(Overwrite(target.id, kind, perm_value(allow), perm_value(deny)))
        await self.gateway.dispatch("CHANNEL_UPDATE", chan.to_json())
        self.notify()

    def close_dms(self, user: UserRef) -> None:
        """The user blocks DMs from server members: the bot gets 50007."""
        self.user(user).dms_open = False

    async def standard_guild(self) -> StandardGuild:
        """The sandbox layout: "Sandbox" with #general, #check-ins, #daily-prompt, #mod-alerts
        (mods only), roles Moderator (Manage Messages) and Owner (Manage Server), members
        "you", "mod" and "owner" (the guild owner)."""
        guild = await self.add_guild("Sandbox", owner="owner", with_bot=False)
        mod_role = await self.add_role(
            guild, "Moderator", discord.Permissions(manage_messages=True, moderate_members=True)
        )
        owner_role = await self.add_role(guild, "Owner", discord.Permissions(manage_guild=True))
        owner = guild.members[guild.owner_id]
        owner.role_ids.append(owner_role.id)
        general = await self.add_channel(guild, "general")
        check_ins = await self.add_channel(guild, "check-ins")
        daily = await self.add_channel(guild, "daily-prompt")
        hidden = discord.Permissions(view_channel=True).value
        bot_role = next(r for r in guild.roles.values() if r.managed)
        mod_alerts = await self.add_channel(
            guild,
            "mod-alerts",
            overwrites=[
                Overwrite(guild.id, 0, deny=hidden),
                Overwrite(mod_role.id, 0, allow=hidden),
                Overwrite(bot_role.id, 0, allow=hidden),
            ],
        )
        you = await self.add_member(guild, "you")
        mod = await self.add_member(guild, "mod", roles=[mod_role])
        await self.add_bot_to_guild(guild)
        return StandardGuild(
            guild, general, check_ins, daily, mod_alerts, mod_role, owner_role, you, mod, owner
        )

    # ---- small helpers used by the REST routes -----------------------------------------
    def attachment(self, file: dict[str, Any], body: Any = None) -> dict[str, Any]:
        """An uploaded file as Discord shows it; ``body`` (the JSON part) may describe it."""
        aid = snowflake()
        url = f"{self.base_url}/attachments/{aid}/{file['filename']}"
        self.attachment_data[aid] = file.get("data", b"")
        shown = {
            "id": str(aid),
            "filename": file["filename"],
            "size": file["size"],
            "url": url,
            "proxy_url": url,
        }
        described = (body or {}).get("attachments") if isinstance(body, dict) else None
        for meta in described or []:
            if str(meta.get("id")) == file.get("index") and meta.get("description"):
                shown["description"] = meta["description"]
        return shown

    async def delete_message_now(self, msg: FakeMessage) -> None:
        msg.deleted = True
        self.notify()
        if msg.visible_to is None:
            payload: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel.id)}
            if msg.guild_id is not None:
                payload["guild_id"] = str(msg.guild_id)
            await self.gateway.dispatch("MESSAGE_DELETE", payload)
