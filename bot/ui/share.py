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

from bot.client import bridgeline_of
from bot.errors import send_private
from bot.i18n import DEFAULT_LANG, member_lang, t
from bot.i18n.languages_in_use import server_lang
from bot.ui.views import InvokerOnlyView, Paginator

log = logging.getLogger(__name__)

#: The public lines in English (tests compare with them); the server reads its own language.
SHARED_FOOTER = t(DEFAULT_LANG, "checkins.share.footer")
SHARED_NOTE = t(DEFAULT_LANG, "checkins.share.note")

EmbedSource = Callable[[], Sequence[discord.Embed]]


def public_copies(embeds: Sequence[discord.Embed], lang: str = DEFAULT_LANG) -> list[discord.Embed]:
    """Copies whose footer fits a public channel ("private to you" would be wrong there); the
    footer in the server's language `lang`."""
    copies = []
    for embed in embeds:
        copy = discord.Embed.from_dict(embed.to_dict())
        copy.set_footer(text=t(lang, "checkins.share.footer"))
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
        ("view_channel", perms.view_channel),
        ("send_messages", send_ok),
        ("embed_links", perms.embed_links),
    ]
    return [name for name, ok in needed if not ok]


async def share_in_channel(
    interaction: discord.Interaction, embeds: Sequence[discord.Embed], shared: set[str]
) -> bool:
    """Posts public copies in the interaction's channel; tells the member privately either way.

    `shared` remembers what this view already posted. Returns whether a copy was posted. The
    member reads the private replies in their language; the public copy's own lines are in the
    server's.
    """
    channel = interaction.channel
    db = bridgeline_of(interaction).db
    server = await server_lang(db, interaction.guild_id)
    lang = member_lang(interaction, server if interaction.guild_id else None)
    if interaction.guild is None or not isinstance(channel, discord.abc.Messageable):
        await send_private(interaction, t(lang, "checkins.share.only_in_server"))
        return False
    where = f"<#{interaction.channel_id}>"
    key = _fingerprint(embeds)
    if key in shared:
        await send_private(interaction, t(lang, "checkins.share.already", channel=where))
        return False
    missing = _missing_permissions(interaction)
    if missing:
        await send_private(interaction, _cant_post(lang, where, missing[0]))
        return False
    shared.add(key)  # before sending: a second press meanwhile is "already shared"
    try:
        await channel.send(
            content=t(server, "checkins.share.note"),
            embeds=public_copies(embeds, server),
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.Forbidden:
        shared.discard(key)
        log.info("Share refused by Discord in channel %s", interaction.channel_id)
        await send_private(interaction, _cant_post(lang, where, "send_messages"))
        return False
    except BaseException:
        shared.discard(key)  # not posted: pressing again may try again
        raise
    await send_private(interaction, t(lang, "checkins.share.done", channel=where))
    return True


def _cant_post(lang: str, where: str, permission: str) -> str:
    missing = t(lang, f"setup.permissions.{permission}")
    return t(lang, "checkins.share.cant_post", channel=where, missing=missing)


class ShareButton(discord.ui.Button[Any]):
    """Add to any view; `source` gives the embeds on show when the button is pressed."""

    def __init__(
        self, source: EmbedSource, *, row: int | None = None, lang: str = DEFAULT_LANG
    ) -> None:
        label = t(lang, "checkins.share.button")
        super().__init__(label=label, style=discord.ButtonStyle.primary, row=row)
        self.source = source
        self.shared: set[str] = set()

    async def callback(self, interaction: discord.Interaction) -> None:
        await share_in_channel(interaction, self.source(), self.shared)


class ShareView(InvokerOnlyView):
    """A private reply with just the share button."""

    def __init__(
        self, owner_id: int, embeds: Sequence[discord.Embed], *, lang: str = DEFAULT_LANG
    ) -> None:
        super().__init__(owner_id)
        frozen = list(embeds)
        self.add_item(ShareButton(lambda: frozen, lang=lang))


class SharePaginator(Paginator):
    """Pages with Previous/Next and a share button that posts the page on show."""

    def __init__(
        self,
        owner_id: int,
        pages: Sequence[discord.Embed],
        *,
        shareable: bool,
        lang: str = DEFAULT_LANG,
    ) -> None:
        super().__init__(owner_id, pages, lang=lang)
        if shareable:
            self.add_item(ShareButton(lambda: [self.current], lang=lang))


def can_share(interaction: discord.Interaction) -> bool:
    """Sharing needs a server channel; in DMs the button is left out."""
    return interaction.guild is not None


def share_view_for(
    interaction: discord.Interaction,
    embeds: Sequence[discord.Embed],
    lang: str | None = None,
) -> ShareView | None:
    """The share button in `lang` (the member's; without it, their Discord language)."""
    if not can_share(interaction):
        return None
    return ShareView(interaction.user.id, embeds, lang=lang or member_lang(interaction))


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
