"""'Share in channel': a public copy of a private reply, posted by the bot.

The public copy does not say who shared it. The shared text is fixed library content, so there
is nothing to attribute, while a name next to "Is the silent treatment abuse?" or the warning
signs would tell the whole server (possibly including the partner) something about that
member's relationship (safe-messaging.md, rules 1 and 14). It is posted with the channel send
endpoint, not as an interaction followup, because Discord shows who triggered a followup.
It never pings anyone, and each view posts a given page only once, so a button cannot be used
to flood a channel.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.errors import send_private
from bot.ui.views import InvokerOnlyView, Paginator

log = logging.getLogger(__name__)

SHARE_LABEL = "Share in channel"
SHARED_FOOTER = (
    "Shared from Bridgeline · try /strategy list, /script or /resources show yourself: "
    "only you will see the replies"
)
SHARED_NOTE = "Someone shared this from Bridgeline."
DONE = "Posted a copy in {channel}. It doesn't say who shared it."
ALREADY = "You already shared this in {channel}."
ONLY_IN_SERVER = "Sharing works in a server channel. You can copy the text instead."
CANT_POST = (
    "I can't post in {channel}: I'm missing the {missing} permission there. Nothing was shared. "
    "A server manager can allow it, or you can share it in another channel."
)

EmbedSource = Callable[[], Sequence[discord.Embed]]


def public_copies(embeds: Sequence[discord.Embed]) -> list[discord.Embed]:
    """Copies whose footer fits a public channel ("private to you" would be wrong there)."""
    copies = []
    for embed in embeds:
        copy = discord.Embed.from_dict(embed.to_dict())
        copy.set_footer(text=SHARED_FOOTER)
        copies.append(copy)
    return copies


def _fingerprint(embeds: Sequence[discord.Embed]) -> str:
    raw = json.dumps([e.to_dict() for e in embeds], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _missing_permissions(interaction: discord.Interaction) -> list[str]:
    perms = interaction.app_permissions
    send_ok = (
        perms.send_messages_in_threads
        if isinstance(interaction.channel, discord.Thread)
        else perms.send_messages
    )
    needed = [
        ("View Channel", perms.view_channel),
        ("Send Messages", send_ok),
        ("Embed Links", perms.embed_links),
    ]
    return [name for name, ok in needed if not ok]


async def share_in_channel(
    interaction: discord.Interaction, embeds: Sequence[discord.Embed], shared: set[str]
) -> bool:
    """Posts public copies in the interaction's channel; tells the member privately either way.

    `shared` remembers what this view already posted. Returns whether a copy was posted.
    """
    channel = interaction.channel
    if interaction.guild is None or not isinstance(channel, discord.abc.Messageable):
        await send_private(interaction, ONLY_IN_SERVER)
        return False
    where = f"<#{interaction.channel_id}>"
    key = _fingerprint(embeds)
    if key in shared:
        await send_private(interaction, ALREADY.format(channel=where))
        return False
    missing = _missing_permissions(interaction)
    if missing:
        await send_private(interaction, CANT_POST.format(channel=where, missing=missing[0]))
        return False
    shared.add(key)  # before sending: a second press meanwhile is "already shared"
    try:
        await channel.send(
            content=SHARED_NOTE,
            embeds=public_copies(embeds),
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.Forbidden:
        shared.discard(key)
        log.info("Share refused by Discord in channel %s", interaction.channel_id)
        await send_private(interaction, CANT_POST.format(channel=where, missing="Send Messages"))
        return False
    except BaseException:
        shared.discard(key)  # not posted: pressing again may try again
        raise
    await send_private(interaction, DONE.format(channel=where))
    return True


class ShareButton(discord.ui.Button[Any]):
    """Add to any view; `source` gives the embeds on show when the button is pressed."""

    def __init__(self, source: EmbedSource, *, row: int | None = None) -> None:
        super().__init__(label=SHARE_LABEL, style=discord.ButtonStyle.primary, row=row)
        self.source = source
        self.shared: set[str] = set()

    async def callback(self, interaction: discord.Interaction) -> None:
        await share_in_channel(interaction, self.source(), self.shared)


class ShareView(InvokerOnlyView):
    """A private reply with just the share button."""

    def __init__(self, owner_id: int, embeds: Sequence[discord.Embed]) -> None:
        super().__init__(owner_id)
        frozen = list(embeds)
        self.add_item(ShareButton(lambda: frozen))


class SharePaginator(Paginator):
    """Pages with Previous/Next and a share button that posts the page on show."""

    def __init__(self, owner_id: int, pages: Sequence[discord.Embed], *, shareable: bool) -> None:
        super().__init__(owner_id, pages)
        if shareable:
            self.add_item(ShareButton(lambda: [self.current]))


def can_share(interaction: discord.Interaction) -> bool:
    """Sharing needs a server channel; in DMs the button is left out."""
    return interaction.guild is not None


def share_view_for(
    interaction: discord.Interaction, embeds: Sequence[discord.Embed]
) -> ShareView | None:
    return ShareView(interaction.user.id, embeds) if can_share(interaction) else None


async def reply_privately(
    interaction: discord.Interaction,
    embeds: Sequence[discord.Embed],
    view: discord.ui.View | None = None,
) -> None:
    """An ephemeral reply (a new message when the interaction was already answered)."""
    kwargs: dict[str, Any] = {"embeds": list(embeds), "ephemeral": True}
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)
