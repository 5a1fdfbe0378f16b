"""Telling a server's moderators something: the alerts channel, else the owner by DM.

One place for it, so every feature fails the same way: a missing channel or permission is
logged once per guild and reason, never raised into a loop.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from bot.storage.db import Database
from bot.storage.guilds import GuildSettings, settings_for

log = logging.getLogger(__name__)
_already_logged: set[tuple[int, str]] = set()


def _log_once(guild_id: int, reason: str) -> None:
    if (guild_id, reason) not in _already_logged:
        _already_logged.add((guild_id, reason))
        log.warning("Cannot reach moderators of guild %s: %s", guild_id, reason)


async def notify_moderators(
    db: Database,
    guild: discord.Guild,
    *,
    embed: discord.Embed | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    content: str | None = None,
    allowed_mentions: discord.AllowedMentions | None = None,
    owner_fallback: bool = True,
    settings: GuildSettings | None = None,
) -> discord.Message | None:
    """Returns the message sent, or None when nobody could be reached (logged once).

    `content`/`allowed_mentions` let an urgent alert ping the moderator role in the channel;
    the owner's DM gets the same embed and buttons without the ping. `embeds`: several in one
    post (a digest of alerts), instead of `embed`. `settings`: the server's, when the caller
    read them for this same alert or post a moment ago (not a copy kept from earlier: another
    process or /setup may have moved the alerts channel since)."""
    shown = [embed] if embed is not None else list(embeds)
    settings = await settings_for(db, guild.id, settings)
    channel = guild.get_channel(settings.alerts_channel_id) if settings.alerts_channel_id else None
    if isinstance(channel, discord.TextChannel | discord.Thread):
        try:
            mentions = allowed_mentions or discord.AllowedMentions.none()
            if view is not None:
                return await channel.send(
                    content, embeds=shown, view=view, allowed_mentions=mentions
                )
            return await channel.send(content, embeds=shown, allowed_mentions=mentions)
        except discord.Forbidden:
            _log_once(guild.id, "missing permission in the alerts channel")
        except discord.NotFound:
            _log_once(guild.id, "the alerts channel was deleted")
        except discord.HTTPException as exc:
            log.warning("Alerts channel send failed in guild %s (HTTP %s)", guild.id, exc.status)
    elif settings.alerts_channel_id:
        _log_once(guild.id, "the alerts channel no longer exists")
    if not owner_fallback or guild.owner_id is None:
        return None
    return await _dm_owner(guild, shown, view)


async def _dm_owner(
    guild: discord.Guild, embeds: list[discord.Embed], view: discord.ui.View | None
) -> discord.Message | None:
    client_user = guild.me
    try:
        owner = guild.owner or await guild.fetch_member(guild.owner_id)  # type: ignore[arg-type]
        if owner is None or client_user is None:
            return None
        if view is not None:
            return await owner.send(embeds=embeds, view=view)
        return await owner.send(embeds=embeds)
    except discord.Forbidden:
        _log_once(guild.id, "the owner does not accept DMs from the bot")
    except discord.HTTPException as exc:
        log.warning("Owner DM failed in guild %s (HTTP %s)", guild.id, exc.status)
    return None
