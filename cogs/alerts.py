"""Moderator alerts: posting them (with retries), the "I'm on it" / "Resolved" buttons, which
survive restarts, and /alerts open.

cogs/safety.py stores an alert row and dispatches `safety_alert`; this cog posts it through
bot.notify (alerts channel, else the owner by DM). Anything not delivered stays in the table,
is retried every few minutes and is listed in /alerts open, so an alert is never lost.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.checks import REFUSALS, Level, has_level, moderator_only
from bot.client import Bridgeline, bridgeline_of
from bot.errors import UserFacingError, send_private
from bot.notify import notify_moderators
from bot.safety_service import alerts
from bot.safety_service.alerts import Alert
from bot.storage import audit
from bot.storage.guilds import get_settings
from bot.ui.safety_embeds import alert_embed, alert_ping, open_alerts_pages
from bot.ui.views import BaseView, ConfirmView, Paginator, guarded, persistent_view

log = logging.getLogger(__name__)
RETRY_EVERY_MINUTES = 5.0
ACTIONS = {"claim": "I'm on it", "resolve": "Resolved"}


class AlertButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bl:alert:(?P<action>claim|resolve):(?P<id>[0-9]{1,18})",
):
    def __init__(self, action: str, alert_id: int, *, disabled: bool = False) -> None:
        style = discord.ButtonStyle.primary if action == "claim" else discord.ButtonStyle.success
        super().__init__(
            discord.ui.Button(
                label=ACTIONS[action],
                style=style,
                custom_id=f"bl:alert:{action}:{alert_id}",
                disabled=disabled,
            )
        )
        self.action = action
        self.alert_id = alert_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AlertButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._handle(interaction))

    async def _handle(self, interaction: discord.Interaction) -> None:
        if not await has_level(interaction, Level.MODERATOR):
            await send_private(interaction, REFUSALS[Level.MODERATOR])
            return
        bot = bridgeline_of(interaction)
        current = await alerts.get_alert(bot.db, self.alert_id)
        if current is None or interaction.guild_id != current.guild_id:
            raise UserFacingError("This alert no longer exists.")
        now = bot.clock.now()
        if self.action == "claim":
            updated = await alerts.claim(bot.db, self.alert_id, interaction.user.id, now)
            fresh = await alerts.get_alert(bot.db, self.alert_id) if updated is None else None
            other = alerts.claimed_by_other(fresh, interaction.user.id) if fresh else None
            if other is not None:  # another moderator is on it: ask first
                await self._take_over(interaction, bot, other)
                return
        else:
            updated = await alerts.resolve(bot.db, self.alert_id, interaction.user.id, now)
        if updated is None:
            await interaction.response.edit_message(
                embed=alert_embed(current, bot.content.safety.responses.mod_alert),
                view=alert_view(current),
            )
            await interaction.followup.send("This alert was already resolved.", ephemeral=True)
            return
        await audit.record(
            bot.db,
            updated.guild_id,
            interaction.user.id,
            "alert.claimed" if self.action == "claim" else "alert.resolved",
            target=updated.label,
        )
        await interaction.response.edit_message(
            embed=alert_embed(updated, bot.content.safety.responses.mod_alert),
            view=alert_view(updated),
        )

    async def _take_over(
        self, interaction: discord.Interaction, bot: Bridgeline, other: int
    ) -> None:
        """Another moderator is on it: ask before taking the alert over from them."""
        confirm = ConfirmView(interaction.user.id, confirm_label="Take over")
        await interaction.response.send_message(
            TAKE_OVER_QUESTION.format(other=other), view=confirm, ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )  # fmt: skip
        if await confirm.wait() or confirm.confirmed is None:
            await interaction.edit_original_response(content=NO_ANSWER, view=None)
            return
        if not confirm.confirmed:
            return
        me = interaction.user.id
        updated = await alerts.claim(bot.db, self.alert_id, me, bot.clock.now(), replacing=other)
        if updated is None:
            await confirm.interaction.response.edit_message(content=CHANGED_MEANWHILE, view=None)
            return
        await audit.record(bot.db, updated.guild_id, me, "alert.taken_over", target=updated.label,
                           detail=f"from <@{other}>")  # fmt: skip
        await confirm.interaction.response.edit_message(
            content=TAKEN_OVER.format(other=other), view=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )  # fmt: skip
        bot.dispatch("safety_alert_changed", updated.id)


TAKE_OVER_QUESTION = (
    "<@{other}> is already on this alert. Take it over from them? They won't be notified."
)
TAKEN_OVER = "You're on it now. <@{other}> isn't notified: tell them, so nobody doubles up."
CHANGED_MEANWHILE = "Nothing changed: the alert was resolved or claimed again in the meantime."
NO_ANSWER = "No answer, so nothing changed."


def alert_view(alert: Alert) -> BaseView:
    """Both buttons; disabled once resolved (the post keeps showing who resolved it)."""
    done = alert.status == "resolved"
    return persistent_view(
        AlertButton("claim", alert.id, disabled=done),
        AlertButton("resolve", alert.id, disabled=done),
    )


class Alerts(commands.Cog):
    group = app_commands.Group(
        name="alerts",
        description="Safety alerts (moderators)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self._locks: dict[int, asyncio.Lock] = {}

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AlertButton)
        self.retry_loop.start()

    async def cog_unload(self) -> None:
        self.retry_loop.cancel()
        self.bot.remove_dynamic_items(AlertButton)

    # --- delivery ---------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_safety_alert(self, alert_id: int) -> None:
        async with self.bot.in_flight.hold():  # the bot's close() lets this finish first
            try:
                await self.deliver(alert_id)
            except Exception:  # the row stays pending: the retry loop and /alerts open post it
                log.exception("Alert %s not posted yet; it stays pending and is retried", alert_id)

    @commands.Cog.listener()
    async def on_safety_alert_changed(self, alert_id: int) -> None:
        await self.refresh(alert_id)

    async def deliver(self, alert_id: int) -> bool:
        """Posts the alert once; True if it is (now or already) delivered."""
        lock = self._locks.setdefault(alert_id, asyncio.Lock())
        try:
            async with lock:
                alert = await alerts.get_alert(self.bot.db, alert_id)
                if alert is None or alert.status == "resolved":
                    return False
                if alert.delivered:
                    return True
                await alerts.record_attempt(self.bot.db, alert_id)
                guild = self.bot.get_guild(alert.guild_id)
                if guild is None:
                    return False
                embed = alert_embed(alert, self.bot.content.safety.responses.mod_alert)
                role_id = (await get_settings(self.bot.db, guild.id)).moderator_role_id
                posted = await notify_moderators(
                    self.bot.db,
                    guild,
                    embed=embed,
                    view=alert_view(alert),
                    content=alert_ping(alert, role_id),
                    allowed_mentions=discord.AllowedMentions(
                        roles=[discord.Object(role_id)] if role_id else False,
                        everyone=False,
                        users=False,
                    ),
                )
                if posted is None:
                    return False
                await alerts.mark_delivered(self.bot.db, alert_id, posted.channel.id, posted.id)
                return True
        finally:
            if not lock.locked():
                self._locks.pop(alert_id, None)

    async def refresh(self, alert_id: int) -> None:
        """Re-renders a delivered alert post (e.g. after the author asked for contact)."""
        alert = await alerts.get_alert(self.bot.db, alert_id)
        if alert is None or not alert.delivered:
            return
        # By id, not from the cache: the member may have pressed the button in a DM, which
        # reaches the process running shard 0, not necessarily the one that has this server.
        channel = self.bot.get_channel(alert.alert_channel_id or 0) or (
            self.bot.get_partial_messageable(alert.alert_channel_id)
            if alert.alert_channel_id
            else None
        )
        if not isinstance(
            channel, discord.TextChannel | discord.Thread | discord.PartialMessageable
        ):
            return
        embed = alert_embed(alert, self.bot.content.safety.responses.mod_alert)
        try:
            await channel.get_partial_message(alert.alert_message_id or 0).edit(
                embed=embed, view=alert_view(alert)
            )
        except discord.HTTPException as exc:
            log.warning("Could not update alert %s (HTTP %s)", alert_id, exc.status)

    async def retry_pending(self, guild_id: int | None = None) -> int:
        """Delivers what is still pending; returns how many went out."""
        sent = 0
        for alert in await alerts.undelivered(self.bot.db):
            if not self.bot.owns_guild(alert.guild_id):
                continue  # its shard's process posts it
            if guild_id is None or alert.guild_id == guild_id:
                async with self.bot.in_flight.hold():  # not cut off between post and mark
                    sent += await self.deliver(alert.id)
        return sent

    @tasks.loop(minutes=RETRY_EVERY_MINUTES)
    async def retry_loop(self) -> None:
        try:
            sent = await self.retry_pending()
        except Exception:
            log.exception("Alert retry pass failed")
            return
        if sent:
            log.info("Delivered %d pending safety alerts", sent)

    @retry_loop.before_loop
    async def _before_retry(self) -> None:
        await self.bot.wait_until_ready()

    # --- /alerts open -----------------------------------------------------------------------

    @group.command(name="open", description="Unresolved safety alerts, oldest first")
    @moderator_only
    async def open_alerts(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        found = await alerts.unresolved(self.bot.db, interaction.guild.id)
        pages = open_alerts_pages(found, self.bot.clock.now())
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=True)
        else:
            view = Paginator(interaction.user.id, pages)
            await interaction.response.send_message(embed=view.current, view=view, ephemeral=True)
        if any(not a.delivered for a in found):
            await self.retry_pending(interaction.guild.id)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Alerts(bot))
