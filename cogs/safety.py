"""Safety: notice crisis, danger and abuse signs in messages and check-ins, answer the member
privately (per the server's mode), and hand a moderator alert to cogs/alerts.py.

Order matters: the alert row is stored first, the member is answered, then the alert is posted
(event `safety_alert`), in a `finally`, so a failed reply never loses the alert.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands, tasks

from bot.client import Bridgeline
from bot.errors import send_private
from bot.notify import notify_moderators
from bot.privacy import pseudonym
from bot.safety_service import alerts, offers
from bot.safety_service.cooldown import claim_reply
from bot.safety_service.offers import TOKEN_PATTERN
from bot.safety_service.policy import (
    DetectionLike,
    Flag,
    flag_from_detection,
    public_nudge_allowed,
)
from bot.safety_service.regions import member_region
from bot.safety_service.replies import ReplyText, compose_reply, emergency_line
from bot.storage import audit
from bot.storage.feature_settings import in_staff_thread
from bot.storage.guilds import get_settings
from bot.ui.safety_embeds import (
    EXPIRED,
    NOT_YOURS,
    REVEAL_LABEL,
    SHORT_CHECKIN_REPLY,
    member_reply_embed,
    reveal_embed,
)
from bot.ui.views import guarded, persistent_view

log = logging.getLogger(__name__)

OFFERS_KEPT = timedelta(days=30)
DM_GUILD = 0  # cooldown key for messages sent to the bot in DMs (no server)
_logged: set[tuple[int, str]] = set()


def _log_once(guild_id: int, reason: str) -> None:
    if (guild_id, reason) not in _logged:
        _logged.add((guild_id, reason))
        log.warning("Safety reply problem in guild %s: %s", guild_id, reason)


def _bot(interaction: discord.Interaction) -> Bridgeline:
    client = interaction.client
    assert isinstance(client, Bridgeline)
    return client


async def compose_for(bot: Bridgeline, guild_id: int, user_id: int, flag: Flag) -> ReplyText:
    region = await member_region(bot.db, bot.settings.secret, guild_id, user_id)
    return compose_reply(bot.content, bot.content.safety.responses, region, flag)


class NudgeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"bl:safety:nudge:(?P<token>{TOKEN_PATTERN})",
):
    """On a public nudge: only its author gets the private reply (checked by pseudonym)."""

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
        bot = _bot(interaction)
        offer = await offers.get_offer(bot.db, self.token, "nudge")
        if offer is None or interaction.guild is None or interaction.guild.id != offer.guild_id:
            await send_private(interaction, EXPIRED)
            return
        if pseudonym(bot.settings.secret, offer.guild_id, interaction.user.id) != offer.pseudonym:
            await send_private(interaction, NOT_YOURS)
            return
        reply = await compose_for(bot, offer.guild_id, interaction.user.id, offer.flag)
        embed = member_reply_embed(reply, interaction.guild.name)
        if offer.alert_id is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:  # the same "ask a moderator to reach out" offer as a flagged check-in gets
            view = await reveal_view(
                bot, offer.guild_id, offer.alert_id, offer.pseudonym, offer.flag
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
        bot = _bot(interaction)
        offer = await offers.get_offer(bot.db, self.token, "reveal")
        # Pressed in a DM (the private safety reply): the server is the offer's.
        guild = interaction.guild or (bot.get_guild(offer.guild_id) if offer else None)
        if offer is None or offer.alert_id is None or guild is None or guild.id != offer.guild_id:
            await send_private(interaction, EXPIRED)
            return
        if pseudonym(bot.settings.secret, guild.id, interaction.user.id) != offer.pseudonym:
            await send_private(interaction, NOT_YOURS)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await offers.mark_used(bot.db, self.token, bot.clock.now()):
            await interaction.followup.send(
                "You already asked, and the moderators were told. Someone will reach out.",
                ephemeral=True,
            )
            return
        await alerts.set_revealed(bot.db, offer.alert_id, interaction.user.id)
        alert = await alerts.get_alert(bot.db, offer.alert_id)
        assert alert is not None
        await audit.record(
            bot.db,
            guild.id,
            interaction.user.id,
            "alert.reveal",
            target=alert.label,
            detail="the author asked a moderator to reach out",
        )
        posted = await notify_moderators(
            bot.db, guild, embed=reveal_embed(alert, interaction.user.id)
        )
        bot.dispatch("safety_alert_changed", alert.id)
        region = await member_region(bot.db, bot.settings.secret, guild.id, interaction.user.id)
        danger = emergency_line(bot.content, region)
        if posted is None:
            text = (
                "I couldn't reach the moderators just now; your request is saved and shows on "
                f"their open alerts. {danger}"
            )
        else:
            text = (
                "Thank you. The moderators have been told you'd like someone to reach out, and "
                f"only they can see who you are. {danger}"
            )
        await interaction.followup.send(text, ephemeral=True)


async def reveal_view(
    bot: Bridgeline, guild_id: int, alert_id: int, pseudo: str, flag: Flag
) -> discord.ui.View:
    """A one-member "Ask a moderator to reach out" button for this alert (consent by press)."""
    token = await offers.create_offer(
        bot.db,
        guild_id=guild_id,
        alert_id=alert_id,
        kind="reveal",
        pseudo=pseudo,
        flag=flag,
        now=bot.clock.now(),
    )
    return persistent_view(RevealButton(token))


class Safety(commands.Cog):
    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(NudgeButton, RevealButton)
        self.forget_old_offers.start()

    async def cog_unload(self) -> None:
        self.forget_old_offers.cancel()
        self.bot.remove_dynamic_items(NudgeButton, RevealButton)

    @tasks.loop(hours=24)
    async def forget_old_offers(self) -> None:
        try:
            await offers.delete_before(self.bot.db, self.bot.clock.now() - OFFERS_KEPT)
        except Exception:
            log.exception("Could not forget old safety offers; will try again tomorrow")

    # --- events -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        await self.handle_message(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        if "content" in payload.data:
            await self.handle_message(payload.message)

    @commands.Cog.listener()
    async def on_checkin_flagged(
        self, interaction: discord.Interaction, detection: DetectionLike, checkin_ref: str
    ) -> None:
        await self.handle_checkin(interaction, detection, str(checkin_ref))

    # --- messages ---------------------------------------------------------------------------

    async def handle_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None or not message.content:
            return
        if message.guild is None:
            if isinstance(message.channel, discord.DMChannel):
                await self._handle_dm(message)
            return
        flag = await self._scan(message.content)
        if flag is None:
            return
        guild = message.guild
        settings = await get_settings(self.bot.db, guild.id)
        if message.channel.id == settings.alerts_channel_id:
            return  # moderators discussing an alert are not the person at risk
        if await in_staff_thread(self.bot.db, message.channel, settings.alerts_channel_id):
            return  # nor moderators answering an /ask-mods conversation (scanned on its own)
        alert_id = await alerts.create_alert(
            self.bot.db,
            guild_id=guild.id,
            source="message",
            flag=flag,
            now=self.bot.clock.now(),
            channel_id=message.channel.id,
            message_id=message.id,
            jump_url=message.jump_url,
        )
        if alert_id is None:
            return  # an edit of a message that already has its alert
        outcome, note = "failed", None
        try:
            outcome, note = await self._answer(message, flag, alert_id, settings.safety_mode)
        except Exception:
            log.exception("Safety reply failed for alert %s", alert_id)
        finally:
            await alerts.set_member_reply(self.bot.db, alert_id, outcome, note)
            self.bot.dispatch("safety_alert", alert_id)

    async def _scan(self, text: str) -> Flag | None:
        detection = await self.bot.scanner.scan_async(text)
        if not detection.flagged:
            return None
        flag = flag_from_detection(detection)
        return flag if flag.categories else None

    async def _answer(
        self, message: discord.Message, flag: Flag, alert_id: int, mode: str
    ) -> tuple[str, str | None]:
        if mode == "mods":
            return "mods", None
        if mode == "nudge" and not public_nudge_allowed(flag):
            return "guess", None  # nothing public for a resemblance; the alert asks moderators
        assert message.guild is not None
        guild_id, author = message.guild.id, message.author
        pseudo = pseudonym(self.bot.settings.secret, guild_id, author.id)
        allowed = await claim_reply(self.bot.db, guild_id, pseudo, flag, self.bot.clock.now())
        if not allowed.categories:
            return "cooldown", None
        if mode == "dm":
            reply = await compose_for(self.bot, guild_id, author.id, allowed)
            view = await reveal_view(self.bot, guild_id, alert_id, pseudo, allowed)
            try:
                await author.send(embed=member_reply_embed(reply, message.guild.name), view=view)
                return "dm", None
            except discord.Forbidden:
                pass  # DMs closed (50007): fall back to the neutral nudge
            except discord.HTTPException as exc:
                log.warning("Safety DM failed in guild %s (HTTP %s)", guild_id, exc.status)
            if not public_nudge_allowed(allowed):
                return "guess_dm_closed", None
            outcome, note = await self._nudge(message, pseudo, allowed, alert_id)
            return ("dm_closed_nudge" if outcome == "nudge" else outcome), note
        return await self._nudge(message, pseudo, allowed, alert_id)

    async def _nudge(
        self, message: discord.Message, pseudo: str, flag: Flag, alert_id: int
    ) -> tuple[str, str | None]:
        """A short neutral message; its button opens the private reply for the author only."""
        assert message.guild is not None
        guild_id = message.guild.id
        responses = self.bot.content.safety.responses
        token = await offers.create_offer(
            self.bot.db,
            guild_id=guild_id,
            alert_id=alert_id,
            kind="nudge",
            pseudo=pseudo,
            flag=flag,
            now=self.bot.clock.now(),
        )
        view = persistent_view(NudgeButton(token, responses.nudge_button))
        try:
            # Named but not pinged, and not a reply: a reply would show their words again.
            await message.channel.send(
                f"{message.author.mention} {responses.nudge_text}",
                view=view,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            return "nudge", None
        except discord.Forbidden:
            _log_once(guild_id, "cannot post the safety nudge in a channel (missing permission)")
            return "failed", (
                f"I couldn't post the nudge in <#{message.channel.id}>: I'm missing permission "
                "to send messages there. Please reach out to the member privately."
            )
        except discord.HTTPException as exc:
            log.warning("Safety nudge failed in guild %s (HTTP %s)", guild_id, exc.status)
            return (
                "failed",
                "I couldn't post the nudge (Discord error). Please reach out privately.",
            )

    async def _handle_dm(self, message: discord.Message) -> None:
        """A DM to the bot: answer in the DM; there is no server to alert."""
        flag = await self._scan(message.content)
        if flag is None:
            return
        pseudo = pseudonym(self.bot.settings.secret, DM_GUILD, message.author.id)
        allowed = await claim_reply(self.bot.db, DM_GUILD, pseudo, flag, self.bot.clock.now())
        if not allowed.categories:
            return
        reply = compose_reply(self.bot.content, self.bot.content.safety.responses, "INTL", allowed)
        try:
            await message.channel.send(embed=member_reply_embed(reply, None))
        except discord.HTTPException as exc:
            log.warning("Safety reply in a DM failed (HTTP %s)", exc.status)

    # --- check-ins --------------------------------------------------------------------------

    async def handle_checkin(
        self, interaction: discord.Interaction, detection: DetectionLike, checkin_ref: str
    ) -> None:
        """Private resources as an ephemeral followup (whatever the server's mode: the author is
        anonymous, so this is their only way to ask for contact), and an alert without identity."""
        guild = interaction.guild
        flag = flag_from_detection(detection)
        if guild is None or not flag.categories:
            return
        now = self.bot.clock.now()
        alert_id = await alerts.create_alert(
            self.bot.db,
            guild_id=guild.id,
            source="checkin",
            flag=flag,
            now=now,
            channel_id=interaction.channel_id,
            checkin_ref=checkin_ref,
        )
        if alert_id is None:
            return
        outcome, note = "failed", None
        try:
            outcome = await self._checkin_reply(interaction, guild, flag, alert_id)
        except discord.HTTPException as exc:
            log.warning("Check-in safety reply failed in guild %s (HTTP %s)", guild.id, exc.status)
            note = "I couldn't show the member their private resources (the check-in had expired)."
        except Exception:
            log.exception("Check-in safety reply failed for alert %s", alert_id)
        finally:
            await alerts.set_member_reply(self.bot.db, alert_id, outcome, note)
            self.bot.dispatch("safety_alert", alert_id)

    async def _checkin_reply(
        self, interaction: discord.Interaction, guild: discord.Guild, flag: Flag, alert_id: int
    ) -> str:
        user_id = interaction.user.id
        pseudo = pseudonym(self.bot.settings.secret, guild.id, user_id)
        now = self.bot.clock.now()
        allowed = await claim_reply(self.bot.db, guild.id, pseudo, flag, now)
        token = await offers.create_offer(
            self.bot.db,
            guild_id=guild.id,
            alert_id=alert_id,
            kind="reveal",
            pseudo=pseudo,
            flag=flag,
            now=now,
        )
        view = persistent_view(RevealButton(token))
        kwargs: dict[str, Any] = {"view": view, "ephemeral": True}
        if allowed.categories:
            reply = await compose_for(self.bot, guild.id, user_id, allowed)
            kwargs["embed"] = member_reply_embed(reply, guild.name)
        else:
            kwargs["content"] = SHORT_CHECKIN_REPLY
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)
        return "ephemeral" if allowed.categories else "cooldown_short"


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Safety(bot))
