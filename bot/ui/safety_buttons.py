"""The safety buttons (they survive restarts) and the one way to build a member's private reply.

NudgeButton sits on the public nudge and opens the private reply for its author only;
RevealButton sits on a member's private reply about something flagged (a check-in, the reply
the nudge opens, the safety DM) and lets the author ask a moderator to reach out; it works from
a DM too (the server is the offer's). Both match the clicker by the offer's keyed tag.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.client import Bridgeline, bridgeline_of
from bot.errors import send_private
from bot.notify import notify_moderators
from bot.safety_service import alerts, offers
from bot.safety_service.offers import TOKEN_PATTERN, offer_key
from bot.safety_service.policy import Flag
from bot.safety_service.regions import member_region
from bot.safety_service.replies import ReplyText, compose_reply, emergency_line
from bot.storage import audit
from bot.ui.safety_embeds import (
    EXPIRED,
    NOT_YOURS,
    REVEAL_LABEL,
    member_reply_embed,
    reveal_embed,
)
from bot.ui.views import guarded, persistent_view

#: The audit trail's actor for a reveal: the member is named only in the request to moderators.
ANONYMOUS_ACTOR = 0


async def compose_for(bot: Bridgeline, guild_id: int, user_id: int, flag: Flag) -> ReplyText:
    region = await member_region(bot.db, bot.settings.secret, guild_id, user_id)
    return compose_reply(bot.content, bot.content.safety.responses, region, flag)


class NudgeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"bl:safety:nudge:(?P<token>{TOKEN_PATTERN})",
):
    """On a public nudge: only its author gets the private reply (checked by the offer's tag)."""

    def __init__(self, token: str, label: str = "Open") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"bl:safety:nudge:{token}",
            )
        )
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NudgeButton:
        return cls(match["token"], getattr(item, "label", None) or "Open")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        bot = bridgeline_of(interaction)
        offer = await offers.get_offer(bot.db, self.token, "nudge")
        if offer is None or interaction.guild is None or interaction.guild.id != offer.guild_id:
            await send_private(interaction, EXPIRED)
            return
        if not offer.is_for(bot.settings.secret, interaction.user.id):
            await send_private(interaction, NOT_YOURS)
            return
        reply = await compose_for(bot, offer.guild_id, interaction.user.id, offer.flag)
        embed = member_reply_embed(reply, interaction.guild.name)
        if offer.alert_id is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:  # the same "ask a moderator to reach out" offer as a flagged check-in gets
            view = await reveal_view(
                bot, offer.guild_id, offer.alert_id, interaction.user.id, offer.flag
            )
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
        await offers.mark_used(bot.db, self.token, bot.clock.now())


class RevealButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"bl:safety:reveal:(?P<token>{TOKEN_PATTERN})",
):
    """On the private reply to a flagged check-in: the author may choose to be contacted."""

    def __init__(self, token: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=REVEAL_LABEL,
                style=discord.ButtonStyle.primary,
                custom_id=f"bl:safety:reveal:{token}",
            )
        )
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RevealButton:
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._reveal(interaction))

    async def _reveal(self, interaction: discord.Interaction) -> None:
        bot = bridgeline_of(interaction)
        offer = await offers.get_offer(bot.db, self.token, "reveal")
        # Pressed in a DM (the private safety reply): the server is the offer's.
        guild = interaction.guild or (await bot.server(offer.guild_id) if offer else None)
        if offer is None or offer.alert_id is None or guild is None or guild.id != offer.guild_id:
            await send_private(interaction, EXPIRED)
            return
        if not offer.is_for(bot.settings.secret, interaction.user.id):
            await send_private(interaction, NOT_YOURS)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await offers.mark_used(bot.db, self.token, bot.clock.now()):
            await interaction.followup.send(
                "You already asked, and the moderators were told. Someone will reach out.",
                ephemeral=True,
            )
            return
        alert = await alerts.get_alert(bot.db, offer.alert_id)
        assert alert is not None
        region = await member_region(bot.db, bot.settings.secret, guild.id, interaction.user.id)
        danger = emergency_line(bot.content, region)
        # The member's id goes to the moderators on Discord only: the database keeps that they
        # asked, never who they are, so a copy of it cannot tie them to their check-ins.
        posted = await notify_moderators(
            bot.db, guild, embed=reveal_embed(alert, interaction.user.id)
        )
        if posted is None:
            await offers.release(bot.db, self.token)
            await interaction.followup.send(
                "I couldn't reach the moderators just now, so nothing was shared. Please press "
                f"the button again in a few minutes. {danger}",
                ephemeral=True,
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
        bot.dispatch("safety_alert_changed", alert.id)
        await interaction.followup.send(
            "Thank you. The moderators have been told you'd like someone to reach out, and "
            f"only they can see who you are. {danger}",
            ephemeral=True,
        )


async def reveal_view(
    bot: Bridgeline, guild_id: int, alert_id: int, user_id: int, flag: Flag
) -> discord.ui.View:
    """A one-member "Ask a moderator to reach out" button for this alert (consent by press).
    The offer holds only a tag of its own for the member (`offer_key`), never their id."""
    token = await offers.create_offer(
        bot.db,
        guild_id=guild_id,
        alert_id=alert_id,
        kind="reveal",
        key=offer_key(bot.settings.secret, guild_id, user_id),
        flag=flag,
        now=bot.clock.now(),
    )
    return persistent_view(RevealButton(token))


DYNAMIC_ITEMS = (NudgeButton, RevealButton)
