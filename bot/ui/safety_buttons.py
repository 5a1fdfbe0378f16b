"""The safety buttons (they survive restarts) and the one way to build a member's private reply.

NudgeButton sits on the public nudge and opens the private reply for its author only;
RevealButton sits on a member's private reply about something flagged (a check-in, the reply
the nudge opens, the safety DM) and lets the author ask a moderator to reach out; it works from
a DM too (the server is the offer's). Both match the clicker by the offer's keyed tag.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import discord

from bot.client import Bridgeline, bridgeline_of
from bot.errors import send_private
from bot.i18n import DEFAULT_LANG, LANGS, member_lang, pick_lang, t
from bot.notify import notify_moderators
from bot.safety_service import alerts, held, offers
from bot.safety_service.offers import TOKEN_PATTERN, offer_key
from bot.safety_service.policy import Flag
from bot.safety_service.regions import member_region
from bot.safety_service.replies import ReplyText, compose_reply, emergency_line
from bot.storage import audit
from bot.storage.guilds import GuildSettings, get_settings
from bot.ui.safety_embeds import member_reply_embed, reveal_embed
from bot.ui.views import guarded, persistent_view

#: A language code kept in a safety button's custom_id (the reply's language).
LANG_PATTERN = "|".join(LANGS)
#: The audit trail's actor for a reveal: the member is named only in the request to moderators.
ANONYMOUS_ACTOR = 0


async def compose_for(
    bot: Bridgeline,
    guild_id: int,
    user_id: int,
    flag: Flag,
    lang: str = DEFAULT_LANG,
    *,
    server_region: str | None = None,
) -> ReplyText:
    """The member's private reply in `lang`, with their (or the server's) region's lines, or
    the language's regions' lines when neither is set (`server_region`: see member_region)."""
    region = await member_region(
        bot.db, bot.settings.secret, guild_id, user_id, server_region=server_region
    )
    responses = bot.content.in_lang(lang).safety.responses
    return compose_reply(bot.content, responses, region, flag, lang)


async def interaction_lang(bot: Bridgeline, interaction: discord.Interaction) -> str:
    """member_lang with the server's /setup language (a button press is an interaction)."""
    guild_id = interaction.guild.id if interaction.guild else None
    server = (await get_settings(bot.db, guild_id)).language if guild_id else None
    return member_lang(interaction, server)


def _offer_button(
    kind: str,
    label_key: str,
    token: str,
    label: str | None,
    lang: str | None,
    style: discord.ButtonStyle,
) -> discord.ui.Button[Any]:
    """An offer's button (`bl:safety:<kind>:<token>[:<lang>]`): the reply's language rides in
    the custom_id; a button rebuilt from a click keeps the label it already shows."""
    suffix = f":{lang}" if lang else ""
    return discord.ui.Button(
        label=label or t(lang or DEFAULT_LANG, label_key),
        style=style,
        custom_id=f"bl:safety:{kind}:{token}{suffix}",
    )


class NudgeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"bl:safety:nudge:(?P<token>{TOKEN_PATTERN})(?::(?P<lang>{LANG_PATTERN}))?",
):
    """On a public nudge: only its author gets the private reply (checked by the offer's tag),
    in the language their message was written in (kept in the custom_id; older nudges have
    none and use the member's Discord language)."""

    def __init__(self, token: str, label: str | None = None, lang: str | None = None) -> None:
        super().__init__(
            _offer_button(
                "nudge", "safety.buttons.open", token, label, lang, discord.ButtonStyle.secondary
            )
        )
        self.token = token
        self.lang = lang

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NudgeButton:
        return cls(match["token"], getattr(item, "label", None), match["lang"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        bot = bridgeline_of(interaction)
        lang = self.lang or await interaction_lang(bot, interaction)
        offer = await offers.get_offer(bot.db, self.token, "nudge")
        if offer is None or interaction.guild is None or interaction.guild.id != offer.guild_id:
            await send_private(interaction, t(lang, "safety.buttons.expired"))
            return
        if not offer.is_for(bot.settings.secret, interaction.user.id):
            await send_private(interaction, t(lang, "safety.buttons.not_yours"))
            return
        reply = await compose_for(bot, offer.guild_id, interaction.user.id, offer.flag, lang)
        embed = member_reply_embed(reply, interaction.guild.name, lang)
        if offer.alert_id is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:  # the same "ask a moderator to reach out" offer as a flagged check-in gets
            view = await reveal_view(
                bot, offer.guild_id, offer.alert_id, interaction.user.id, offer.flag, lang
            )
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
        await offers.mark_used(bot.db, self.token, bot.clock.now())


class RevealButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"bl:safety:reveal:(?P<token>{TOKEN_PATTERN})(?::(?P<lang>{LANG_PATTERN}))?",
):
    """On the private reply to a flagged check-in: the author may choose to be contacted.
    Answers in the reply's language (kept in the custom_id, like the nudge's)."""

    def __init__(self, token: str, label: str | None = None, lang: str | None = None) -> None:
        super().__init__(
            _offer_button(
                "reveal", "safety.buttons.reveal", token, label, lang, discord.ButtonStyle.primary
            )
        )
        self.token = token
        self.lang = lang

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RevealButton:
        return cls(match["token"], getattr(item, "label", None), match["lang"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._reveal(interaction))

    async def _reveal(self, interaction: discord.Interaction) -> None:
        bot = bridgeline_of(interaction)
        offer = await offers.get_offer(bot.db, self.token, "reveal")
        # Pressed in a DM (the private safety reply): the server is the offer's.
        guild = interaction.guild or (await bot.server(offer.guild_id) if offer else None)
        # Read once for this press: its reply, the request to moderators and the alert's post.
        settings = await get_settings(bot.db, guild.id) if guild else None
        lang = self.lang or member_lang(interaction, settings.language if settings else None)
        if (
            offer is None
            or offer.alert_id is None
            or guild is None
            or settings is None
            or guild.id != offer.guild_id
        ):
            await send_private(interaction, t(lang, "safety.buttons.expired"))
            return
        if not offer.is_for(bot.settings.secret, interaction.user.id):
            await send_private(interaction, t(lang, "safety.buttons.not_yours"))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await offers.mark_used(bot.db, self.token, bot.clock.now()):
            await interaction.followup.send(t(lang, "safety.buttons.already_asked"), ephemeral=True)
            return
        # A held check-in alert goes out now (no reason to wait). It takes its number first,
        # so the request names it by that, and is posted after it, showing that they asked.
        number = await held.release_now(bot.db, offer.alert_id)
        try:
            await self._tell_moderators(
                interaction, guild, number or offer.alert_id, lang, settings
            )
        finally:
            if number is not None:
                bot.dispatch("safety_alert", number, settings=settings)

    async def _tell_moderators(
        self,
        interaction: discord.Interaction,
        guild: discord.Guild,
        alert_id: int,
        lang: str,
        settings: GuildSettings,
    ) -> None:
        """`settings`: the server's, as this press read them."""
        bot = bridgeline_of(interaction)
        alert = await alerts.get_alert(bot.db, alert_id)
        assert alert is not None
        region = await member_region(
            bot.db,
            bot.settings.secret,
            guild.id,
            interaction.user.id,
            server_region=settings.region,
        )
        danger = emergency_line(bot.content, region, lang)
        # The member's id goes to the moderators on Discord only: the database keeps that they
        # asked, never who they are, so a copy of it cannot tie them to their check-ins.
        mods_lang = pick_lang(settings.language)
        posted = await notify_moderators(
            bot.db,
            guild,
            embed=reveal_embed(alert, interaction.user.id, mods_lang),
            settings=settings,
        )
        if posted is None:
            await offers.release(bot.db, self.token)
            await interaction.followup.send(
                t(lang, "safety.buttons.reveal_failed", danger=danger), ephemeral=True
            )
            return
        await alerts.set_revealed(bot.db, alert.id)
        await audit.record(
            bot.db,
            guild.id,
            ANONYMOUS_ACTOR,
            "alert.reveal",
            target=alert.label,
            detail="the author asked a moderator to reach out",
        )
        bot.dispatch("safety_alert_changed", alert.id, settings=settings)
        await interaction.followup.send(
            t(lang, "safety.buttons.revealed", danger=danger), ephemeral=True
        )


async def reveal_view(
    bot: Bridgeline,
    guild_id: int,
    alert_id: int,
    user_id: int,
    flag: Flag,
    lang: str = DEFAULT_LANG,
    *,
    now: datetime | None = None,
) -> discord.ui.View:
    """A one-member "Ask a moderator to reach out" button for this alert (consent by press).
    The offer holds only a tag of its own for the member (`offer_key`), never their id; `now`:
    the time to store with it (a check-in alert's coarse time), else the clock's."""
    token = await offers.create_offer(
        bot.db,
        guild_id=guild_id,
        alert_id=alert_id,
        kind="reveal",
        key=offer_key(bot.settings.secret, guild_id, user_id),
        flag=flag,
        now=now or bot.clock.now(),
    )
    return persistent_view(RevealButton(token, t(lang, "safety.buttons.reveal"), lang))


DYNAMIC_ITEMS = (NudgeButton, RevealButton)
