"""Safety: notice crisis, danger and abuse signs in messages and check-ins, answer the member
privately (per the server's mode), and hand a moderator alert to cogs/alerts.py.

Order matters: the alert row is stored first, the member is answered, then the alert is posted
(event `safety_alert`), in a `finally`, so a failed reply never loses the alert.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import discord
from discord.ext import commands, tasks

from bot.client import Bridgeline
from bot.i18n import member_lang, pick_lang, t
from bot.i18n.detect import UNKNOWN, detect_language
from bot.i18n.languages_in_use import server_lang
from bot.jobs import one_runner
from bot.safety.context import Context
from bot.safety.scanner import reads_message
from bot.safety_service import alerts, offers
from bot.safety_service.alert_timing import coarse, hold_until
from bot.safety_service.cooldown import claim_reply, cooldown_key
from bot.safety_service.cooldown import forget_before as forget_cooldowns_before
from bot.safety_service.offers import offer_key
from bot.safety_service.policy import (
    DetectionLike,
    Flag,
    Route,
    flag_from_detection,
    member_plan,
    outcome_label,
)
from bot.safety_service.regions import member_region
from bot.safety_service.replies import compose_reply, compose_supporter
from bot.storage.feature_settings import in_staff_thread
from bot.storage.guilds import GuildSettings, get_settings
from bot.ui.safety_buttons import (
    DYNAMIC_ITEMS,
    NudgeButton,
    compose_for,
    reveal_view,
)
from bot.ui.safety_embeds import member_reply_embed
from bot.ui.views import persistent_view

log = logging.getLogger(__name__)

OFFERS_KEPT = timedelta(days=30)
RESOLVED_MESSAGE_KEPT = timedelta(days=30)  # a resolved alert's link to the flagged message
DM_GUILD = 0  # cooldown key for messages sent to the bot in DMs (no server)
_logged: set[tuple[int, str]] = set()


async def message_lang(text: str, server_language: str | None) -> str:
    """A reply to a chat message: the language it is written in when it is one of ours, else
    the server's /setup language, else English. (The identifier's model loads on first use,
    in a thread, so the event loop never waits on it.)"""
    detected = await asyncio.to_thread(detect_language, text)
    return detected if detected != UNKNOWN else pick_lang(server_language)


def _log_once(guild_id: int, reason: str) -> None:
    if (guild_id, reason) not in _logged:
        _logged.add((guild_id, reason))
        log.warning("Safety reply problem in guild %s: %s", guild_id, reason)


def answered(message: discord.Message) -> Context | None:
    """The message a reply answers, as the scanner's context (None: not a reply, or the
    other message is gone, a bot's, or without text). Discord sends it with the reply, so
    nothing is fetched and no message cache is kept."""
    ref = message.reference
    if ref is None:
        return None
    parent = ref.resolved if isinstance(ref.resolved, discord.Message) else ref.cached_message
    if parent is None or parent.author.bot or not parent.content:
        return None
    return Context(parent.content, same_author=parent.author.id == message.author.id)


class Safety(commands.Cog):
    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.forget_old_offers.start()

    async def cog_unload(self) -> None:
        self.forget_old_offers.cancel()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    @tasks.loop(hours=24)
    async def forget_old_offers(self) -> None:
        try:
            async with one_runner(self.bot.db, "forget-old-offers") as mine:
                if mine:
                    now = self.bot.clock.now()
                    await offers.delete_before(self.bot.db, now - OFFERS_KEPT)
                    await forget_cooldowns_before(self.bot.db, now)
                    await alerts.forget_messages_before(self.bot.db, now - RESOLVED_MESSAGE_KEPT)
        except Exception:
            log.exception("Could not forget old safety offers; will try again tomorrow")

    # --- events -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        async with self.bot.in_flight.hold():
            await self.handle_message(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        if "content" in payload.data:
            async with self.bot.in_flight.hold():
                await self.handle_message(payload.message)

    @commands.Cog.listener()
    async def on_checkin_flagged(
        self, interaction: discord.Interaction, detection: DetectionLike, checkin_ref: str
    ) -> None:
        async with self.bot.in_flight.hold():
            await self.handle_checkin(interaction, detection, str(checkin_ref))

    # --- messages ---------------------------------------------------------------------------

    async def handle_message(self, message: discord.Message) -> None:
        if not reads_message(
            message.content, from_bot=message.author.bot, webhook_id=message.webhook_id
        ):
            return
        if message.guild is None:
            if isinstance(message.channel, discord.DMChannel):
                await self._handle_dm(message)
            return
        detection = await self.bot.scanner.scan_in_context(
            message.content, answered(message), message.guild.id
        )
        flag = flag_from_detection(detection) if detection.flagged else None
        if not (flag and flag.categories) and not detection.for_someone_else:
            return
        guild = message.guild
        settings = await get_settings(self.bot.db, guild.id)
        if message.channel.id == settings.alerts_channel_id:
            return  # moderators discussing an alert are not the person at risk
        if await in_staff_thread(self.bot.db, message.channel, settings.alerts_channel_id):
            return  # nor moderators answering an /ask-mods conversation (scanned on its own)
        if not (flag and flag.categories):
            await self._support_the_supporter(message, settings.safety_mode, settings.language)
            return
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
        with self.bot.answering(alert_id):
            try:
                lang = await message_lang(message.content, settings.language)
                outcome, note = await self._answer(message, flag, alert_id, settings, lang)
            except Exception:
                log.exception("Safety reply failed for alert %s", alert_id)
            finally:
                await alerts.set_member_reply(self.bot.db, alert_id, outcome, note)
                # The settings read above travel with the alert: one read per alert (posting
                # it does not read them again), never kept beyond it.
                self.bot.dispatch("safety_alert", alert_id, settings=settings)

    async def _support_the_supporter(
        self, message: discord.Message, mode: str, server_language: str | None
    ) -> None:
        """A member worried about someone else gets how-to-help and the crisis lines by DM,
        at most once per cooldown, and no alert: it is not their own risk. Not in `mods`
        mode (the server chose no member-facing replies), and nothing public if DMs are closed."""
        assert message.guild is not None
        if mode not in ("dm", "nudge"):
            return
        guild_id, author = message.guild.id, message.author
        key = cooldown_key(self.bot.settings.secret, guild_id, author.id)
        someone = Flag({"crisis": "concern"})
        claimed = await claim_reply(
            self.bot.db, guild_id, key, someone, self.bot.clock.now(), scope="supporter"
        )
        if not claimed.categories:
            return
        lang = await message_lang(message.content, server_language)
        region = await member_region(self.bot.db, self.bot.settings.secret, guild_id, author.id)
        responses = self.bot.content.in_lang(lang).safety.responses
        reply = compose_supporter(self.bot.content, responses, region, lang)
        try:
            await author.send(embed=member_reply_embed(reply, message.guild.name, lang))
        except discord.HTTPException as exc:
            log.info("Supporter note not delivered in guild %s (HTTP %s)", guild_id, exc.status)

    async def _scan(self, text: str, guild_id: int | None = None) -> Flag | None:
        detection = await self.bot.scanner.scan_async(text, guild_id)
        if not detection.flagged:
            return None
        flag = flag_from_detection(detection)
        return flag if flag.categories else None

    async def _answer(
        self,
        message: discord.Message,
        flag: Flag,
        alert_id: int,
        settings: GuildSettings,
        lang: str,
    ) -> tuple[str, str | None]:
        """Tries the routes of `member_plan` in order (bot/safety_service/policy.py), with the
        server's settings as this alert read them."""
        plan = member_plan(settings.safety_mode, flag)
        if not plan.routes:
            return plan.quiet or "mods", None
        assert message.guild is not None
        guild_id, author = message.guild.id, message.author
        key = cooldown_key(self.bot.settings.secret, guild_id, author.id)
        allowed = await claim_reply(self.bot.db, guild_id, key, plan.flag, self.bot.clock.now())
        if not allowed.categories:
            return "cooldown", None
        dm_failed = False
        for route in plan.routes:
            if route == "dm":
                if await self._dm(message, allowed, alert_id, lang, settings.region):
                    return outcome_label("dm", allowed, dm_failed=False), None
                dm_failed = True
                continue
            outcome, note = await self._nudge(message, allowed, alert_id, lang, settings.language)
            used: Route | None = "nudge" if outcome == "nudge" else None
            return (outcome_label(used, allowed, dm_failed) if used else outcome), note
        return outcome_label(None, allowed, dm_failed), None

    async def _dm(
        self, message: discord.Message, flag: Flag, alert_id: int, lang: str, server_region: str
    ) -> bool:
        """The private reply by DM, with "Ask a moderator to reach out" for this alert; False
        when DMs are closed (50007) or Discord failed."""
        assert message.guild is not None
        guild_id, author = message.guild.id, message.author
        reply = await compose_for(
            self.bot, guild_id, author.id, flag, lang, server_region=server_region
        )
        view = await reveal_view(self.bot, guild_id, alert_id, author.id, flag, lang)
        try:
            await author.send(embed=member_reply_embed(reply, message.guild.name, lang), view=view)
            return True
        except discord.Forbidden:
            return False
        except discord.HTTPException as exc:
            log.warning("Safety DM failed in guild %s (HTTP %s)", guild_id, exc.status)
            return False

    async def _nudge(
        self,
        message: discord.Message,
        flag: Flag,
        alert_id: int,
        lang: str,
        server_language: str | None,
    ) -> tuple[str, str | None]:
        """A short neutral message; its button opens the private reply for the author only.
        A failure is noted for moderators in the server's language (`server_language`)."""
        assert message.guild is not None
        guild_id = message.guild.id
        responses = self.bot.content.in_lang(lang).safety.responses
        token = await offers.create_offer(
            self.bot.db,
            guild_id=guild_id,
            alert_id=alert_id,
            kind="nudge",
            key=offer_key(self.bot.settings.secret, guild_id, message.author.id),
            flag=flag,
            now=self.bot.clock.now(),
        )
        view = persistent_view(NudgeButton(token, responses.nudge_button, lang))
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
            mods = pick_lang(server_language)
            return "failed", t(mods, "safety.alerts.nudge_forbidden", channel=message.channel.id)
        except discord.HTTPException as exc:
            log.warning("Safety nudge failed in guild %s (HTTP %s)", guild_id, exc.status)
            return "failed", t(pick_lang(server_language), "safety.alerts.nudge_failed")

    async def _handle_dm(self, message: discord.Message) -> None:
        """A DM to the bot: answer in the DM; there is no server to alert."""
        flag = await self._scan(message.content)
        if flag is None:
            return
        key = cooldown_key(self.bot.settings.secret, DM_GUILD, message.author.id)
        allowed = await claim_reply(self.bot.db, DM_GUILD, key, flag, self.bot.clock.now())
        if not allowed.categories:
            return
        lang = await message_lang(message.content, None)
        responses = self.bot.content.in_lang(lang).safety.responses
        reply = compose_reply(self.bot.content, responses, "INTL", allowed, lang)
        try:
            await message.channel.send(embed=member_reply_embed(reply, None, lang))
        except discord.HTTPException as exc:
            log.warning("Safety reply in a DM failed (HTTP %s)", exc.status)

    # --- check-ins --------------------------------------------------------------------------

    async def handle_checkin(
        self, interaction: discord.Interaction, detection: DetectionLike, checkin_ref: str
    ) -> None:
        """Private resources as an ephemeral followup (whatever the server's mode: the author is
        anonymous, so this is their only way to ask for contact), and an alert without identity:
        unless imminent, it reaches moderators after a random delay, and the row keeps only a
        quarter hour (bot/safety_service/alert_timing.py)."""
        guild = interaction.guild
        flag = flag_from_detection(detection)
        if guild is None or not flag.categories:
            return
        now = self.bot.clock.now()
        held_until = hold_until(now, flag.severity, self.bot.settings.checkin_alert_delay)
        shown = coarse(held_until or now)
        alert_id = await alerts.create_alert(
            self.bot.db,
            guild_id=guild.id,
            source="checkin",
            flag=flag,
            now=shown,
            channel_id=None,  # the channel would help moderators guess who wrote it
            checkin_ref=checkin_ref,
            held_until=held_until,
        )
        if alert_id is None:
            return
        outcome, note = "failed", None
        settings: GuildSettings | None = None
        with self.bot.answering(alert_id):
            try:
                settings = await get_settings(self.bot.db, guild.id)
                outcome = await self._checkin_reply(
                    interaction, guild, flag, alert_id, shown, settings
                )
            except discord.HTTPException as exc:
                log.warning(
                    "Check-in safety reply failed in guild %s (HTTP %s)", guild.id, exc.status
                )
                mods = (
                    pick_lang(settings.language)
                    if settings is not None
                    else await server_lang(self.bot.db, guild.id)
                )
                note = t(mods, "safety.alerts.checkin_expired")
            except Exception:
                log.exception("Check-in safety reply failed for alert %s", alert_id)
            finally:
                current = await alerts.set_checkin_member_reply(
                    self.bot.db, guild.id, checkin_ref, outcome, note
                )
                # Its id now (released meanwhile?) and whether it is still held, from the
                # same statement; the settings as this alert read them.
                self.bot.dispatch(
                    "safety_alert",
                    alert_id if current is None else current.id,
                    settings=settings,
                    alert=current,
                )

    async def _checkin_reply(
        self,
        interaction: discord.Interaction,
        guild: discord.Guild,
        flag: Flag,
        alert_id: int,
        shown: datetime,
        settings: GuildSettings,
    ) -> str:
        """`shown`: the alert's coarse time, also the offer's (it names the alert);
        `settings`: the server's, read once for this alert."""
        user_id = interaction.user.id
        secret = self.bot.settings.secret
        now = self.bot.clock.now()
        key = cooldown_key(secret, guild.id, user_id)
        allowed = await claim_reply(self.bot.db, guild.id, key, flag, now, scope="checkin")
        lang = member_lang(interaction, settings.language)
        view = await reveal_view(self.bot, guild.id, alert_id, user_id, flag, lang, now=shown)
        kwargs: dict[str, Any] = {"view": view, "ephemeral": True}
        if allowed.categories:
            reply = await compose_for(
                self.bot, guild.id, user_id, allowed, lang, server_region=settings.region
            )
            kwargs["embed"] = member_reply_embed(reply, guild.name, lang)
        else:
            kwargs["content"] = t(lang, "safety.buttons.short_checkin")
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)
        # The same answer for moderators either way: "they had resources recently" would tell
        # them that this check-in's author also wrote an earlier flagged one.
        return "ephemeral"


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Safety(bot))
