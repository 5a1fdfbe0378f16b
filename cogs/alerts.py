"""Moderator alerts: posting them (with retries), the "I'm on it" / "Resolved" buttons, which
survive restarts, and /alerts open.

cogs/safety.py stores an alert row and dispatches `safety_alert`; this cog posts it through
bot.notify (alerts channel, else the owner by DM). Anything not delivered stays in the table,
is retried every few minutes and is listed in /alerts open, so an alert is never lost.

A held check-in alert (bot/safety_service/alert_timing.py) is posted by the release loop when
its time comes, on the bot's clock; the loop runs at start too, so a restart loses none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.checkins.timing import wait_until
from bot.checks import Level, has_level, moderator_only, refuse
from bot.client import Bridgeline, bridgeline_of
from bot.coalesce import Coalescer
from bot.errors import UserFacingError
from bot.i18n import DEFAULT_LANG, pick_lang, t
from bot.i18n.languages_in_use import server_lang
from bot.notify import notify_moderators
from bot.safety_service import alerts, held
from bot.safety_service.alerts import Alert
from bot.storage import audit
from bot.storage.guilds import GuildSettings, settings_for
from bot.ui.safety_embeds import alert_embed, alert_posts, open_alerts_pages, post_ping
from bot.ui.views import BaseView, ConfirmView, Paginator, guarded, persistent_view

log = logging.getLogger(__name__)
RETRY_EVERY_MINUTES = 5.0
HELD_EVENT = "safety_alert_held"  # (alert_id): held back, not posted yet (tests wait on it)
RELEASE_PASS_EVENT = "safety_alert_release_pass"  # (clock time the pass looked at)
#: (guild_id): an alert waits for the post under way in its server, and will go out with the
#: others that piled up meanwhile (tests wait on it).
QUEUED_EVENT = "safety_alert_queued"
ACTIONS = ("claim", "resolve")
#: What a delivery did: posted now, posted before, held back, or not posted (gone, resolved,
#: server unknown here, nobody reachable).
Delivery = Literal["posted", "delivered", "held", "not_posted"]


class AlertButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bl:alert:(?P<action>claim|resolve):(?P<id>[0-9]{1,18})",
):
    def __init__(
        self,
        action: str,
        alert_id: int,
        *,
        disabled: bool = False,
        lang: str = DEFAULT_LANG,
        numbered: bool = False,
        row: int | None = None,
    ) -> None:
        """`numbered`: the label names its alert (a post with several alerts); `row`: its
        alert's row of buttons in such a post."""
        style = discord.ButtonStyle.primary if action == "claim" else discord.ButtonStyle.success
        label = t(lang, f"safety.alerts.buttons.{action}")
        super().__init__(
            discord.ui.Button(
                label=f"#{alert_id} · {label}" if numbered else label,
                style=style,
                custom_id=f"bl:alert:{action}:{alert_id}",
                disabled=disabled,
                row=row,
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
            await refuse(interaction, Level.MODERATOR)
            return
        bot = bridgeline_of(interaction)
        lang = await server_lang(bot.db, interaction.guild_id or 0)
        current = await alerts.get_alert(bot.db, self.alert_id)
        if current is None or interaction.guild_id != current.guild_id:
            raise UserFacingError(t(lang, "safety.alerts.buttons.gone"))
        now = bot.clock.now()
        if self.action == "claim":
            updated = await alerts.claim(bot.db, self.alert_id, interaction.user.id, now)
            fresh = await alerts.get_alert(bot.db, self.alert_id) if updated is None else None
            other = alerts.claimed_by_other(fresh, interaction.user.id) if fresh else None
            if other is not None:  # another moderator is on it: ask first
                await self._take_over(interaction, bot, other, lang)
                return
        else:
            updated = await alerts.resolve(bot.db, self.alert_id, interaction.user.id, now)
        if updated is None:
            await _show_post(interaction, bot, current, lang)
            await interaction.followup.send(
                t(lang, "safety.alerts.buttons.already_resolved"), ephemeral=True
            )
            return
        await audit.record(
            bot.db,
            updated.guild_id,
            interaction.user.id,
            "alert.claimed" if self.action == "claim" else "alert.resolved",
            target=updated.label,
        )
        await _show_post(interaction, bot, updated, lang)

    async def _take_over(
        self, interaction: discord.Interaction, bot: Bridgeline, other: int, lang: str
    ) -> None:
        """Another moderator is on it: ask before taking the alert over from them."""
        confirm = ConfirmView(
            interaction.user.id, confirm_label=t(lang, "safety.alerts.buttons.take_over")
        )
        await interaction.response.send_message(
            t(lang, "safety.alerts.buttons.take_over_question", other=other), view=confirm,
            ephemeral=True, allowed_mentions=discord.AllowedMentions.none(),
        )  # fmt: skip
        if await confirm.wait() or confirm.confirmed is None:
            await interaction.edit_original_response(
                content=t(lang, "safety.alerts.buttons.no_answer"), view=None
            )
            return
        if not confirm.confirmed:
            return
        me = interaction.user.id
        updated = await alerts.claim(bot.db, self.alert_id, me, bot.clock.now(), replacing=other)
        if updated is None:
            await confirm.interaction.response.edit_message(
                content=t(lang, "safety.alerts.buttons.changed_meanwhile"), view=None
            )
            return
        await audit.record(bot.db, updated.guild_id, me, "alert.taken_over", target=updated.label,
                           detail=f"from <@{other}>")  # fmt: skip
        await confirm.interaction.response.edit_message(
            content=t(lang, "safety.alerts.buttons.taken_over", other=other), view=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )  # fmt: skip
        bot.dispatch("safety_alert_changed", updated.id)


def post_view(shown: Sequence[Alert], lang: str = DEFAULT_LANG) -> BaseView:
    """Each alert's two buttons, a row each; disabled once resolved (the post keeps showing
    who resolved it). In a post with several alerts each button names its alert."""
    numbered = len(shown) > 1
    buttons = [
        AlertButton(
            action, a.id, disabled=a.status == "resolved", lang=lang, numbered=numbered, row=row
        )
        for row, a in enumerate(shown)
        for action in ACTIONS
    ]
    return persistent_view(*buttons)


def render_post(
    shown: Sequence[Alert], guidance: Mapping[str, str], lang: str
) -> tuple[list[discord.Embed], BaseView]:
    """A moderators' post as it stands: an embed per alert, and their buttons."""
    return [alert_embed(a, guidance, lang) for a in shown], post_view(shown, lang)


async def _post_of(bot: Bridgeline, alert: Alert) -> list[Alert]:
    """Every alert in `alert`'s post as stored now (itself alone if its post is not known)."""
    post = alert.alert_message_id
    shown = await alerts.in_post(bot.db, post) if post is not None else []
    return shown if any(a.id == alert.id for a in shown) else [alert]


async def rendered_post(
    bot: Bridgeline, alert: Alert, lang: str
) -> tuple[list[discord.Embed], BaseView]:
    """`alert`'s post as it stands now: it and the others in it, in the server's language."""
    guidance = bot.content.in_lang(lang).safety.responses.mod_alert
    return render_post(await _post_of(bot, alert), guidance, lang)


async def _show_post(
    interaction: discord.Interaction, bot: Bridgeline, alert: Alert, lang: str
) -> None:
    """The pressed post, re-rendered with `alert` as it is now and the others in it."""
    embeds, view = await rendered_post(bot, alert, lang)
    await interaction.response.edit_message(embeds=embeds, view=view)


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
        self._poke = asyncio.Event()
        self._release_task: asyncio.Task[None] | None = None
        self._posts: Coalescer[int, tuple[Alert, GuildSettings | None], Delivery] = Coalescer(
            self._post, on_wait=lambda guild_id: bot.dispatch(QUEUED_EVENT, guild_id)
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AlertButton)
        self.retry_loop.start()
        self._release_task = asyncio.create_task(self._release_held(), name="alerts-release")

    async def cog_unload(self) -> None:
        self.retry_loop.cancel()
        if self._release_task is not None:
            self._release_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._release_task
        self.bot.remove_dynamic_items(AlertButton)

    # --- delivery ---------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_safety_alert(
        self, alert_id: int, *, settings: GuildSettings | None = None, alert: Alert | None = None
    ) -> None:
        """`settings`: the server's, read by the path that stored the alert a moment ago (so
        this one alert reads them once); `alert`: the row as that path last wrote it."""
        async with self.bot.in_flight.hold():  # the bot's close() lets this finish first
            try:
                if alert is not None and alert.id == alert_id and alert.held:
                    outcome: Delivery = "held"  # nothing to read: it waits for its time
                else:
                    outcome = await self._deliver(alert_id, settings)
                if outcome == "held":
                    self._poke.set()  # the release loop posts it when its time comes
                    self.bot.dispatch(HELD_EVENT, alert_id)
            except Exception:  # the row stays pending: the retry loop and /alerts open post it
                log.exception("Alert %s not posted yet; it stays pending and is retried", alert_id)

    @commands.Cog.listener()
    async def on_safety_alert_changed(
        self, alert_id: int, *, settings: GuildSettings | None = None
    ) -> None:
        await self.refresh(alert_id, settings)

    async def deliver(self, alert_id: int, settings: GuildSettings | None = None) -> bool:
        """Posts the alert once; True if it is (now or already) delivered."""
        return await self._deliver(alert_id, settings) in ("posted", "delivered")

    async def _deliver(self, alert_id: int, settings: GuildSettings | None) -> Delivery:
        """Under the alert's lock, the row is read and its attempt counted in one statement,
        so two tasks never post it twice."""
        lock = self._locks.setdefault(alert_id, asyncio.Lock())
        try:
            async with lock:
                alert = await alerts.start_attempt(self.bot.db, alert_id)
                if alert is None:  # not to be posted: say why
                    current = await alerts.get_alert(self.bot.db, alert_id)
                    if current is None or current.status == "resolved":
                        return "not_posted"
                    return "held" if current.held else "delivered"
                # Posted with whatever else piles up for this server meanwhile (a raid).
                return await self._posts.submit(alert.guild_id, (alert, settings))
        finally:
            if not lock.locked():
                self._locks.pop(alert_id, None)

    async def _post(
        self, guild_id: int, pending: list[tuple[Alert, GuildSettings | None]]
    ) -> list[Delivery]:
        """Posts the alerts that piled up for a server (one, unless it is busy), in as few
        posts as Discord allows, and records each as delivered. `pending` carries the
        settings a caller read a moment ago, if it did."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return ["not_posted"] * len(pending)
        known = next((s for _, s in pending if s is not None), None)
        settings = await settings_for(self.bot.db, guild_id, known)
        lang = pick_lang(settings.language)
        guidance = self.bot.content.in_lang(lang).safety.responses.mod_alert
        role_id = settings.moderator_role_id
        mentions = discord.AllowedMentions(
            roles=[discord.Object(role_id)] if role_id else False, everyone=False, users=False
        )
        shown = sorted((alert for alert, _ in pending), key=lambda a: a.id)  # by number
        embeds = [alert_embed(a, guidance, lang) for a in shown]
        outcome: dict[int, Delivery] = {}
        for post in alert_posts(embeds):
            group = shown[post.start : post.stop]
            now = self.bot.clock.now()  # when it appears (not after the round trip)
            posted = await notify_moderators(
                self.bot.db, guild, embeds=embeds[post.start : post.stop],
                view=post_view(group, lang), content=post_ping(group, role_id, lang),
                allowed_mentions=mentions, settings=settings,
            )  # fmt: skip
            if posted is None:
                outcome.update((alert.id, "not_posted") for alert in group)
                continue
            ids = [alert.id for alert in group]
            stored = await alerts.mark_delivered(
                self.bot.db, ids, posted.channel.id, posted.id, now
            )
            for alert_id in ids:
                outcome[alert_id] = "posted"
                self.bot.dispatch(alerts.POSTED_EVENT, alert_id, alert=stored.get(alert_id))
        return [outcome[alert.id] for alert, _ in pending]

    async def refresh(self, alert_id: int, settings: GuildSettings | None = None) -> None:
        """Re-renders a delivered alert post (e.g. after the author asked for contact);
        `settings`: the server's, when the change that calls for it has just read them."""
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
        lang = pick_lang((await settings_for(self.bot.db, alert.guild_id, settings)).language)
        embeds, view = await rendered_post(self.bot, alert, lang)
        try:
            await channel.get_partial_message(alert.alert_message_id or 0).edit(
                embeds=embeds, view=view
            )
        except discord.HTTPException as exc:
            log.warning("Could not update alert %s (HTTP %s)", alert_id, exc.status)

    async def retry_pending(self, guild_id: int | None = None) -> int:
        """Delivers what is still pending; returns how many went out."""
        sent = 0
        for alert in await alerts.undelivered(self.bot.db):
            if not self.bot.owns_guild(alert.guild_id):
                continue  # its shard's process posts it
            if alert.id in self.bot.alerts_being_answered:
                continue  # posted by its own path once the member's reply is recorded
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

    async def _release_held(self) -> None:
        """Posts held check-in alerts when due: at start (those that fell due while the bot
        was down), then at each next due time, when poked, or when a test clock moves."""
        await self.bot.wait_until_ready()
        while True:
            self._poke.clear()
            now = self.bot.clock.now()
            when = None
            try:
                for alert_id in await held.release_due(self.bot.db, now):
                    self.bot.dispatch("safety_alert", alert_id)
                when = await held.next_release(self.bot.db)
            except Exception:
                log.exception("Releasing held check-in alerts failed; trying again shortly")
            self.bot.dispatch(RELEASE_PASS_EVENT, now)
            await wait_until(self.bot.clock, when, self._poke, max_sleep=RETRY_EVERY_MINUTES * 60)

    # --- /alerts open -----------------------------------------------------------------------

    @group.command(name="open", description="Unresolved safety alerts, oldest first")
    @moderator_only
    async def open_alerts(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        found = await alerts.unresolved(self.bot.db, interaction.guild.id)
        lang = await server_lang(self.bot.db, interaction.guild.id)
        pages = open_alerts_pages(found, self.bot.clock.now(), lang)
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=True)
        else:
            view = Paginator(interaction.user.id, pages, lang=lang)
            await interaction.response.send_message(embed=view.current, view=view, ephemeral=True)
        if any(not a.delivered for a in found):
            await self.retry_pending(interaction.guild.id)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Alerts(bot))
