"""Raising unclaimed alerts again: once each, pinging the moderator role, through the same
path as the alert itself (the alerts channel, else the owner by DM)."""

from __future__ import annotations

import logging
from datetime import datetime

import discord

from bot.askmods import service as askmods_service
from bot.askmods import store as askmods_store
from bot.askmods.store import Conversation
from bot.client import Bridgeline
from bot.escalation import rules, store
from bot.i18n import DEFAULT_LANG, t
from bot.i18n.languages_in_use import server_lang
from bot.notify import notify_moderators
from bot.safety_service import alerts
from bot.safety_service.alerts import Alert
from bot.storage.feature_settings import get_feature_settings
from bot.storage.guilds import get_settings
from bot.ui.embeds import Tone, build_embed

log = logging.getLogger(__name__)


def reraise_embed(alert: Alert, now: datetime, lang: str = DEFAULT_LANG) -> discord.Embed:
    """Points at the alert post (claim it there); never repeats what the member wrote."""
    severity = t(
        lang,
        "safety.escalation.alert_imminent"
        if alert.severity == "imminent"
        else "safety.escalation.alert_concern",
    )
    text = t(
        lang,
        "safety.escalation.alert_text",
        severity=severity,
        waited=rules.waited(alert.waiting_since, now, lang),
    )
    if alert.revealed:
        text += " " + t(lang, "safety.escalation.asked")
    if alert.alert_channel_id and alert.alert_message_id:
        url = (
            f"https://discord.com/channels/{alert.guild_id}/"
            f"{alert.alert_channel_id}/{alert.alert_message_id}"
        )
        claim = t(lang, "safety.alerts.buttons.claim")
        text += "\n" + t(lang, "safety.escalation.open_link", url=url, claim=claim)
    text += "\n" + t(lang, "safety.escalation.once")
    return build_embed(
        t(lang, "safety.escalation.alert_title", id=alert.id),
        text,
        tone=Tone.ALERT,
        footer=f"alert-{alert.id}",
    )


class _UnclaimedMinutes:
    """Each server's setting, read once per pass rather than once per alert (a pass follows
    every posted alert, and in a flood the reads queued ahead of the writes storing alerts)."""

    def __init__(self, bot: Bridgeline) -> None:
        self._bot = bot
        self._known: dict[int, int] = {}

    async def __call__(self, guild_id: int) -> int:
        if guild_id not in self._known:
            settings = await get_feature_settings(self._bot.db, guild_id)
            self._known[guild_id] = settings.unclaimed_minutes
        return self._known[guild_id]


async def reraise_due(bot: Bridgeline) -> int:
    """One pass: every open alert past its time is raised again (once). Returns how many."""
    now = bot.clock.now()
    raised = 0
    minutes_of = _UnclaimedMinutes(bot)
    for alert in await store.candidates(bot.db):
        if not bot.owns_guild(alert.guild_id):
            continue  # another process runs that server's shard
        minutes = await minutes_of(alert.guild_id)
        if now < rules.due_at(alert.waiting_since, alert.severity, minutes):
            continue
        guild = bot.get_guild(alert.guild_id)
        if guild is None or not await store.claim_reraise(bot.db, alert, now):
            continue
        role_id = (await get_settings(bot.db, guild.id)).moderator_role_id
        content, mentions = None, discord.AllowedMentions.none()
        if role_id:
            content = f"<@&{role_id}>"
            mentions = discord.AllowedMentions(roles=[discord.Object(role_id)])
        posted = await notify_moderators(
            bot.db,
            guild,
            embed=reraise_embed(alert, now, await server_lang(bot.db, guild.id)),
            content=content,
            allowed_mentions=mentions,
        )
        if posted is None:
            await store.release(bot.db, alert.id)  # nobody reachable: try again next pass
            continue
        await store.set_message(bot.db, alert.id, posted.id)
        raised += 1
    return raised


async def _conversation_due(bot: Bridgeline, conversation: Conversation) -> datetime:
    minutes = (await get_feature_settings(bot.db, conversation.guild_id)).unclaimed_minutes
    return rules.conversation_due_at(
        conversation.created_at,
        conversation.flagged_severity,
        conversation.flagged_at,
        minutes,
    )


def waiting_embed(
    conversation: Conversation, now: datetime, lang: str = DEFAULT_LANG
) -> discord.Embed:
    urgent = conversation.flagged_severity == "imminent"
    what = t(
        lang,
        "safety.escalation.conversation_imminent"
        if urgent
        else "safety.escalation.conversation_message",
    )
    text = t(
        lang,
        "safety.escalation.conversation_text",
        what=what,
        waited=rules.waited(conversation.created_at, now, lang),
    )
    return build_embed(
        t(lang, "safety.escalation.conversation_title", label=conversation.label),
        f"{text}\n{t(lang, 'safety.escalation.once')}",
        tone=Tone.ALERT,
    )


async def reraise_conversations(bot: Bridgeline) -> int:
    """/ask-mods conversations nobody answered in time: raised again once, in their thread."""
    now = bot.clock.now()
    raised = 0
    for conversation in await askmods_store.unanswered(bot.db):
        if not bot.owns_guild(conversation.guild_id):
            continue  # its thread is on another process's shard
        if now < await _conversation_due(bot, conversation):
            continue
        if not await askmods_store.claim_reraise(bot.db, conversation.id, now):
            continue
        role_id = (await get_settings(bot.db, conversation.guild_id)).moderator_role_id
        if await askmods_service.post_in_thread(
            bot,
            conversation,
            waiting_embed(conversation, now, await server_lang(bot.db, conversation.guild_id)),
            ping_role=role_id,
        ):
            raised += 1
    return raised


async def due_of(bot: Bridgeline, alert_id: int, alert: Alert | None = None) -> datetime | None:
    """When this one alert falls due to be raised again; None if no pass would raise it (not
    posted yet, claimed or resolved, or another process's shard). Two reads, where a pass reads
    every open alert: a pass per posted alert was quadratic in an alert storm; one when the
    caller has the row just written by its posting (`alert`)."""
    if alert is None or alert.id != alert_id:
        alert = await alerts.get_alert(bot.db, alert_id)
    if alert is None or alert.status != "open" or alert.alert_message_id is None:
        return None
    if not bot.owns_guild(alert.guild_id):
        return None
    minutes = (await get_feature_settings(bot.db, alert.guild_id)).unclaimed_minutes
    return rules.due_at(alert.waiting_since, alert.severity, minutes)


async def next_due(bot: Bridgeline) -> datetime | None:
    """When the next alert or conversation falls due (to sleep until then)."""
    dues: list[datetime] = []
    minutes_of = _UnclaimedMinutes(bot)
    for alert in await store.candidates(bot.db):
        if not bot.owns_guild(alert.guild_id):
            continue
        minutes = await minutes_of(alert.guild_id)
        dues.append(rules.due_at(alert.waiting_since, alert.severity, minutes))
    for conversation in await askmods_store.unanswered(bot.db):
        if not bot.owns_guild(conversation.guild_id):
            continue
        dues.append(await _conversation_due(bot, conversation))
    return min(dues, default=None)
