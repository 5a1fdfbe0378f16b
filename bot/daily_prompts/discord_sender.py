"""The Sender the bot uses: posts through discord.py and maps its errors to pause or retry."""

from __future__ import annotations

import logging
from datetime import date
from typing import Literal

import aiohttp
import discord

from bot.daily_prompts.models import PauseReason
from bot.daily_prompts.reflect import reflect_view
from bot.daily_prompts.sender import (
    BotRemoved,
    ChannelGone,
    Delivered,
    MissingAccess,
    OutgoingPost,
    Pace,
    TransientFailure,
)
from bot.i18n.languages_in_use import server_lang
from bot.notify import notify_moderators
from bot.scheduling import load_zone
from bot.setup_service import POSTING, THREADS, missing_permissions
from bot.storage.db import Database
from bot.ui.prompt_embeds import has_marker, paused_notice_embed, prompt_post_embed, thread_name

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440  # a day
HISTORY_LOOKBACK = 50


def post_nonce(guild_id: int, day: date) -> str:
    """The same for every attempt at one day's post, sent with enforce_nonce: Discord returns
    the first message instead of a second one for a few minutes. A second guard only; the claim
    and the channel check are what make a post unique over any span of time."""
    return f"bl{day:%Y%m%d}{guild_id % 10**15}"


class DiscordSender:
    def __init__(self, client: discord.Client, db: Database) -> None:
        self.client = client
        self.db = db

    def _channel(self, guild_id: int, channel_id: int) -> discord.TextChannel:
        """From the cache (no request); raises what the scheduler needs to decide."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            if self.client.is_ready():
                raise BotRemoved()
            raise TransientFailure("not connected yet")
        if guild.unavailable:
            raise TransientFailure("guild unavailable (Discord outage)")
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise ChannelGone()
        me = guild.me
        if me is None:
            raise TransientFailure("own member not cached")
        if missing_permissions(channel.permissions_for(me), POSTING):
            raise MissingAccess()
        return channel

    async def send(self, post: OutgoingPost, pace: Pace) -> Delivered:
        channel = self._channel(post.guild_id, post.channel_id)
        zone = load_zone(post.timezone)
        embed = prompt_post_embed(
            post.text,
            post.day,
            post.lang,
            late_by=post.late_by,
            due=post.scheduled_at,
            zone=zone,
            use_thread=post.use_thread,
        )
        role = channel.guild.get_role(post.ping_role_id) if post.ping_role_id else None
        # The content is exactly that one role mention (embeds never ping), so allowing role
        # mentions pings that role only. (`roles=[role]` would say the same, but discord.py
        # sends the id as an integer, which the spec's snowflake-string type refuses.)
        content = role.mention if role is not None else None
        mentions = (
            discord.AllowedMentions(everyone=False, users=False, roles=True, replied_user=False)
            if role is not None
            else discord.AllowedMentions.none()
        )
        nonce = post_nonce(post.guild_id, post.day)
        await pace()
        try:
            if post.reflect_button:
                message = await channel.send(
                    content,
                    embed=embed,
                    view=reflect_view(post.day, post.lang),
                    allowed_mentions=mentions,
                    nonce=nonce,
                )
            else:
                message = await channel.send(
                    content, embed=embed, allowed_mentions=mentions, nonce=nonce
                )
        except discord.NotFound as exc:
            raise ChannelGone() from exc
        except discord.Forbidden as exc:
            raise MissingAccess() from exc
        except (discord.DiscordServerError, discord.RateLimited, aiohttp.ClientError) as exc:
            raise TransientFailure(type(exc).__name__) from exc
        thread_id = await self._open_thread(message, post, pace) if post.use_thread else None
        return Delivered(message.id, thread_id)

    async def _open_thread(
        self, message: discord.Message, post: OutgoingPost, pace: Pace
    ) -> int | None:
        """A thread failing never undoes the post; the moderator sees it in /prompts status."""
        channel = message.channel
        if isinstance(channel, discord.TextChannel) and channel.guild.me is not None:
            lacking = missing_permissions(channel.permissions_for(channel.guild.me), THREADS)
            if lacking:
                log.warning("No thread for the prompt in guild %s: missing %s", post.guild_id,
                            ", ".join(lacking))  # fmt: skip
                return None
        await pace()
        try:
            thread = await message.create_thread(
                name=thread_name(post.day, post.lang), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.HTTPException as exc:
            log.warning("Prompt thread failed in guild %s (HTTP %s)", post.guild_id, exc.status)
            return None
        return thread.id

    async def find_existing(
        self, guild_id: int, channel_id: int, day: date, pace: Pace
    ) -> int | None:
        channel = self._channel(guild_id, channel_id)
        own_id = self.client.user.id if self.client.user else None
        await pace()
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if message.author.id != own_id:
                    continue
                if any(has_marker(e.footer.text, day) for e in message.embeds):
                    return message.id
        except discord.NotFound as exc:
            raise ChannelGone() from exc
        except discord.Forbidden as exc:
            raise MissingAccess() from exc
        except (discord.DiscordServerError, discord.RateLimited, aiohttp.ClientError) as exc:
            raise TransientFailure(type(exc).__name__) from exc
        return None

    async def tell_moderators(
        self, guild_id: int, channel_id: int, reason: PauseReason, pace: Pace
    ) -> None:
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return
        lang = await server_lang(self.db, guild_id)
        await pace()
        embed = paused_notice_embed(reason, channel_id, lang)
        await notify_moderators(self.db, guild, embed=embed)
