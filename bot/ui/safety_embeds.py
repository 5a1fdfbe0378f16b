"""Embeds for safety replies and moderator alerts: one builder per kind of message.

Alerts show where and how serious, never the member's words (safe-messaging R1: moderators get
the minimum they need, and never the content of an abuse disclosure).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime

import discord

from bot.escalation.rules import waited
from bot.i18n import DEFAULT_LANG, t
from bot.safety_service.alerts import Alert
from bot.safety_service.replies import ReplyText
from bot.ui.embeds import TOTAL_LIMIT, Tone, build_embed
from bot.ui.strategy_embeds import script_support_note_embed

PAGE_SIZE = 8
#: A moderators' post holds at most this many alerts (a digest, when they pile up in a raid):
#: each has its own row of buttons, and a message has five rows.
ALERTS_PER_POST = 5
#: Discord's limit on the characters of all a message's embeds together.
EMBED_CHARS_PER_POST = TOTAL_LIMIT
ALERT_CATEGORIES = ("crisis", "danger", "abuse_sign")
ALERT_SEVERITIES = ("concern", "high", "imminent")
ALERT_STATUSES = ("open", "claimed", "resolved")
MEMBER_REPLY_OUTCOMES = (
    "pending", "dm", "nudge", "dm_closed_nudge", "ephemeral", "dm_reply", "mods", "cooldown",
    "cooldown_short", "failed", "guess", "guess_dm", "guess_dm_closed",
)  # fmt: skip
# The command whose typed text was answered with support -> what it would have given.
SUPPORT_INSTEAD_WHAT: dict[str, str] = {"faq": "what_faq", "prompts add": "what_prompt"}


def support_instead_embed(command: str, lang: str = DEFAULT_LANG) -> discord.Embed:
    """Under the private reply when a command's typed text was answered with support."""
    if command == "script":
        return script_support_note_embed(lang)
    what = t(lang, f"safety.support_instead.{SUPPORT_INSTEAD_WHAT.get(command, 'what_other')}")
    return build_embed(
        t(lang, "safety.support_instead.title"),
        t(lang, "safety.support_instead.text", what=what, command=command),
        tone=Tone.NEUTRAL,
        footer=t(lang, "safety.support_instead.footer"),
    )


def member_reply_embed(
    reply: ReplyText, server: str | None, lang: str = DEFAULT_LANG
) -> discord.Embed:
    """The private reply (DM, ephemeral after a nudge, or after a check-in), in `lang`."""
    footer = (
        t(lang, "safety.reply.footer_in", server=server)
        if server
        else t(lang, "safety.reply.footer")
    )
    return build_embed(reply.title, reply.body, tone=Tone.CARE, footer=footer)


def _label(lang: str, table: str, value: str, known: Sequence[str]) -> str:
    """A stored value's label in `lang` (the value itself when it has none)."""
    return t(lang, f"safety.alerts.{table}.{value}") if value in known else value


def member_reply_label(lang: str, outcome: str) -> str:
    """What the member was shown, for the alert's Member field."""
    return _label(lang, "member_reply", outcome, MEMBER_REPLY_OUTCOMES)


def post_ping(alerts: Sequence[Alert], moderator_role_id: int | None, lang: str) -> str | None:
    """The line above a post: one ping line per imminent alert in it, the role pinged once."""
    lines = [t(lang, "safety.alerts.ping", id=a.id) for a in alerts if a.severity == "imminent"]
    if not lines:
        return None
    text = "\n".join(lines)
    return f"<@&{moderator_role_id}> {text}" if moderator_role_id else text


def alert_posts(embeds: Sequence[discord.Embed]) -> list[range]:
    """Alerts (by their embeds, in order) grouped into as few posts as Discord allows: at most
    `ALERTS_PER_POST` to a post, and their embeds within `EMBED_CHARS_PER_POST` together."""
    posts: list[range] = []
    start, chars = 0, 0
    for i, embed in enumerate(embeds):
        size = len(embed)
        if i > start and (i - start == ALERTS_PER_POST or chars + size > EMBED_CHARS_PER_POST):
            posts.append(range(start, i))
            start, chars = i, 0
        chars += size
    if embeds:
        posts.append(range(start, len(embeds)))
    return posts


def age(created: datetime, now: datetime, lang: str = DEFAULT_LANG) -> str:
    seconds = max(0, int((now - created).total_seconds()))
    if seconds < 3600:
        time = t(lang, "safety.time.minutes", n=max(1, seconds // 60))
    elif seconds < 2 * 86400:
        time = t(lang, "safety.time.hours", n=seconds // 3600)
    else:
        time = t(lang, "safety.time.days", n=seconds // 86400)
    return t(lang, "safety.alerts.open.ago", time=time)


def where(alert: Alert, lang: str = DEFAULT_LANG) -> str:
    if alert.source == "checkin":
        # A check-in is private, not anonymous; its channel and exact time would narrow down
        # who wrote it, so neither is named (the alert row keeps no channel either).
        return t(lang, "safety.alerts.where_checkin", ref=alert.checkin_ref)
    if alert.guild_id == 0 or alert.channel_id is None:
        return t(lang, "safety.alerts.where_dm")
    return f"<#{alert.channel_id}>"


def status_text(alert: Alert, lang: str = DEFAULT_LANG) -> str:
    if alert.status == "resolved" and alert.resolved_by:
        return t(lang, "safety.alerts.resolved_by", user=alert.resolved_by)
    if alert.status == "claimed" and alert.claimed_by:
        return t(lang, "safety.alerts.claimed_by", user=alert.claimed_by)
    return _label(lang, "status", alert.status, ALERT_STATUSES)


def _kind(alert: Alert, lang: str) -> str:
    first = alert.categories[0] if alert.categories else "safety"
    return _label(lang, "kind", first, (*ALERT_CATEGORIES, "safety"))


def alert_embed(
    alert: Alert, guidance: Mapping[str, str], lang: str = DEFAULT_LANG
) -> discord.Embed:
    """The post in the alerts channel, in the server's language (`guidance` is that language's
    mod_alert text); edited in place as moderators claim and resolve it."""
    categories = ", ".join(_label(lang, "category", c, ALERT_CATEGORIES) for c in alert.categories)
    primary = next((c for c in alert.categories if c in guidance), None)
    field = functools.partial(_field_name, lang)
    fields = [
        (field("category"), categories),
        (field("severity"), _label(lang, "severity", alert.severity, ALERT_SEVERITIES)),
        (field("where"), where(alert, lang)),
    ]
    if alert.jump_url:
        fields.append((field("message"), t(lang, "safety.alerts.jump", url=alert.jump_url)))
    if alert.source == "checkin" and alert.severity != "imminent":
        fields.append((field("timing"), t(lang, "safety.alerts.checkin_timing")))
    fields.append((field("member"), member_reply_label(lang, alert.member_reply)))
    if alert.note:
        fields.append((field("note"), alert.note))
    if alert.revealed:
        fields.append((field("revealed"), t(lang, "safety.alerts.revealed_value")))
    fields.append((field("status"), status_text(alert, lang)))
    resolved = alert.status == "resolved"
    title_key = "title_imminent" if alert.severity == "imminent" else "title"
    return build_embed(
        t(lang, f"safety.alerts.{title_key}", id=alert.id, kind=_kind(alert, lang)),
        guidance.get(primary, "") if primary else None,
        tone=Tone.NEUTRAL if resolved else Tone.ALERT,
        fields=fields,
        footer=t(lang, "safety.alerts.footer", id=alert.id),
    )


def _field_name(lang: str, name: str) -> str:
    return t(lang, f"safety.alerts.fields.{name}")


def reveal_embed(alert: Alert, user_id: int, lang: str = DEFAULT_LANG) -> discord.Embed:
    """Posted only after the author pressed "Ask a moderator to reach out"."""
    return build_embed(
        t(lang, "safety.alerts.reveal.title", id=alert.id),
        t(
            lang,
            "safety.alerts.reveal.text",
            where=where(alert, lang),
            user=user_id,
            claim=t(lang, "safety.alerts.buttons.claim"),
        ),
        tone=Tone.SUPPORT,
        footer=f"alert-{alert.id}",
    )


def open_alerts_pages(
    alerts: Sequence[Alert], now: datetime, lang: str = DEFAULT_LANG
) -> list[discord.Embed]:
    """/alerts open: unresolved alerts, oldest first, with jump links and age."""
    if not alerts:
        return [
            build_embed(
                t(lang, "safety.alerts.open.title"),
                t(lang, "safety.alerts.open.none"),
                tone=Tone.INFO,
            )
        ]
    pages: list[discord.Embed] = []
    for start in range(0, len(alerts), PAGE_SIZE):
        chunk = alerts[start : start + PAGE_SIZE]
        fields = [(_alert_heading(a, now, lang), _alert_summary(a, now, lang)) for a in chunk]
        pages.append(
            build_embed(
                t(lang, "safety.alerts.open.title_count", count=len(alerts)),
                t(lang, "safety.alerts.open.intro"),
                tone=Tone.ALERT,
                fields=fields,
            )
        )
    return pages


def _alert_heading(alert: Alert, now: datetime, lang: str) -> str:
    cats = ", ".join(_label(lang, "kind", c, ALERT_CATEGORIES) for c in alert.categories)
    severity = _label(lang, "severity_short", alert.severity, ALERT_SEVERITIES)
    return f"#{alert.id} · {cats} · {severity} · {age(alert.waiting_since, now, lang)}"


def _alert_summary(alert: Alert, now: datetime, lang: str) -> str:
    parts = [where(alert, lang)]
    if alert.status == "open":
        parts.append(
            t(lang, "safety.alerts.open.waiting", waited=waited(alert.waiting_since, now, lang))
        )
    if alert.jump_url:
        parts.append(t(lang, "safety.alerts.open.message_link", url=alert.jump_url))
    parts.append(status_text(alert, lang))
    if alert.alert_message_id and alert.alert_channel_id:
        url = (
            f"https://discord.com/channels/{alert.guild_id}/"
            f"{alert.alert_channel_id}/{alert.alert_message_id}"
        )
        parts.append(t(lang, "safety.alerts.open.post_link", url=url))
    else:
        parts.append(t(lang, "safety.alerts.open.undelivered"))
    return " · ".join(parts)
