"""What /prompts says to a moderator besides embeds: channel checks before saving a schedule,
and the outcome of /prompts post-now, in the moderator's language.

Kept out of the cog so the cog stays a thin list of commands (cogs/prompts.py).
"""

from __future__ import annotations

import discord

from bot.daily_prompts.service import PostNowResult
from bot.errors import UserFacingError
from bot.i18n import t
from bot.setup_service import POSTING, THREADS, missing_permissions

POST_NOW_KEYS = {
    "posted": "prompts.replies.posted",
    "already": "prompts.replies.already",
    "not_configured": "prompts.replies.not_set_up",
    "no_prompts": "prompts.replies.nothing_to_post",
    "paused": "prompts.replies.post_paused",
}


def jump_link(guild_id: int, channel_id: int | None, message_id: int | None, lang: str) -> str:
    if channel_id is None or message_id is None:
        return t(lang, "prompts.replies.prompt_channel")
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def post_now_text(result: PostNowResult, guild_id: int, lang: str) -> str:
    """The reply to /prompts post-now for each outcome; anything else is 'retrying'."""
    key = POST_NOW_KEYS.get(result.outcome, "prompts.replies.retrying")
    link = jump_link(guild_id, result.channel_id, result.message_id, lang)
    return t(lang, key, link=link)  # texts without {link} ignore it


def channel_warnings(
    channel: discord.TextChannel, use_thread: bool, role: discord.Role | None, lang: str
) -> list[str]:
    """What would stop the post (refused: UserFacingError) vs. what only weakens it (warned)."""
    me = channel.guild.me
    if me is None:
        return []
    granted = channel.permissions_for(me)
    lacking = missing_permissions(granted, POSTING)
    if lacking:
        raise UserFacingError(
            t(
                lang,
                "prompts.setup.cant_post",
                channel=channel.mention,
                permissions=", ".join(lacking),
            )
        )
    warnings = []
    thread_gaps = missing_permissions(granted, THREADS) if use_thread else ()
    if thread_gaps:
        warnings.append(
            t(
                lang,
                "prompts.setup.thread_gaps",
                channel=channel.mention,
                permissions=", ".join(thread_gaps),
            )
        )
    if role is not None and not role.mentionable and not granted.mention_everyone:
        warnings.append(t(lang, "prompts.setup.role_not_mentionable", role=role.mention))
    return warnings
