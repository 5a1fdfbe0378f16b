"""Telling an author how their anonymous post went, while their interaction is still valid.

Only in memory and only for the interaction's 15 minutes: no link between a member and a post
is ever stored. After a restart the author sees the outcome in /checkin history instead.
"""

from __future__ import annotations

import logging
from weakref import WeakKeyDictionary

import discord

from bot.i18n import member_lang
from bot.member_notes import Note

log = logging.getLogger(__name__)
_waiting: WeakKeyDictionary[discord.Client, dict[int, discord.Interaction]] = WeakKeyDictionary()


def remember(client: discord.Client, post_id: int, interaction: discord.Interaction) -> None:
    pending = _waiting.setdefault(client, {})
    for stale in [k for k, v in pending.items() if v.is_expired()]:
        del pending[stale]
    pending[post_id] = interaction


def forget(client: discord.Client, post_id: int) -> None:
    _waiting.get(client, {}).pop(post_id, None)


async def tell(client: discord.Client, post_id: int, note: Note, server_lang: str) -> bool:
    """Sends `note` privately to the author of `post_id`, in their language, if we still can;
    True if sent."""
    interaction = _waiting.get(client, {}).pop(post_id, None)
    if interaction is None or interaction.is_expired():
        return False
    try:
        await interaction.followup.send(
            note.text(member_lang(interaction, server_lang)), ephemeral=True
        )
    except discord.HTTPException as exc:
        log.info("Could not tell an author about post %s (HTTP %s)", post_id, exc.status)
        return False
    return True
