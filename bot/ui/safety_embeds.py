"""Embeds for safety replies and moderator alerts: one builder per kind of message.

Alerts show where and how serious, never the member's words (safe-messaging R1: moderators get
the minimum they need, and never the content of an abuse disclosure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import discord

from bot.escalation.rules import waited
from bot.i18n import DEFAULT_LANG, t
from bot.safety_service.alerts import Alert
from bot.safety_service.replies import ReplyText
from bot.ui.embeds import Tone, build_embed
from bot.ui.strategy_embeds import RESOURCES_FOOTER, script_support_note_embed

CATEGORY_LABELS: dict[str, str] = {
    "crisis": "Crisis (suicidal thoughts or self-harm)",
    "danger": "Danger (violence, threats or fear of a partner)",
    "abuse_sign": "Signs of abuse or coercive control",
}
SEVERITY_LABELS: dict[str, str] = {
    "concern": "concern",
    "high": "high",
    "imminent": "IMMINENT: may be in danger now",
}
MEMBER_REPLY_LABELS: dict[str, str] = {
    "pending": "Not answered yet",
    "dm": "Sent private resources by DM",
    "nudge": "Posted a neutral nudge; only the author can open the private resources",
    "dm_closed_nudge": "DMs are closed, so a neutral nudge was posted instead",
    "ephemeral": (
        "Shown private resources right after the check-in (a short note instead if they had "
        "them recently), with a button to ask a moderator to reach out"
    ),
    "dm_reply": "Answered privately in the DM",
    "mods": "No reply to the member (server set to moderators only)",
    "cooldown": "No reply: the member got resources recently (cooldown)",
    "cooldown_short": "Got resources recently; offered only the 'reach out' button this time",
    "failed": "Could not reach the member",
    "guess": (
        "No public nudge: this was recognised by its resemblance to examples, not by a known "
        "phrase, so it may be a false alarm. Please read it, and reach out if it worries you"
    ),
    "guess_dm": (
        "Sent private resources by DM, and nothing public: this was recognised by its "
        "resemblance to examples, not by a known phrase, so it may be a false alarm. Please "
        "read it, and reach out if it worries you"
    ),
    "guess_dm_closed": (
        "DMs are closed, and this was recognised by resemblance, not by a known phrase, so "
        "nothing was posted publicly. Please read it, and reach out if it worries you"
    ),
}
STATUS_LABELS: dict[str, str] = {"open": "Open", "claimed": "Claimed", "resolved": "Resolved"}
PAGE_SIZE = 8
REVEALED_FIELD = (
    "Yes: Bridgeline's request to the moderators names them (the name is not stored "
    "anywhere else). It is about this check-in only."
)
# The command whose typed text was answered with support -> what it would have given.
SUPPORT_INSTEAD_WHAT: dict[str, str] = {"faq": "what_faq", "prompts add": "what_prompt"}


def support_instead_embed(command: str, lang: str = DEFAULT_LANG) -> discord.Embed:
    """Under the private reply when a command's typed text was answered with support."""
    if command == "script":
        return script_support_note_embed()
    what = t(lang, f"safety.support_instead.{SUPPORT_INSTEAD_WHAT.get(command, 'what_other')}")
    return build_embed(
        t(lang, "safety.support_instead.title"),
        t(lang, "safety.support_instead.text", what=what, command=command),
        tone=Tone.NEUTRAL,
        footer=RESOURCES_FOOTER,
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


IMMINENT_PING = "**Imminent safety alert #{id}**: a member may be in danger now. Please look now."


def alert_ping(alert: Alert, moderator_role_id: int | None) -> str | None:
    """The line above an imminent alert (the moderator role is pinged, if the server has one),
    so it stands out in notifications; nothing for other severities. Never the member's words."""
    if alert.severity != "imminent":
        return None
    line = IMMINENT_PING.format(id=alert.id)
    return f"<@&{moderator_role_id}> {line}" if moderator_role_id else line


def age(created: datetime, now: datetime) -> str:
    seconds = max(0, int((now - created).total_seconds()))
    if seconds < 3600:
        return f"{max(1, seconds // 60)} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def where(alert: Alert) -> str:
    if alert.source == "checkin":
        # A check-in is private, not anonymous; its channel and exact time would narrow down
        # who wrote it, so neither is named (the alert row keeps no channel either).
        return f"A member's private check-in `{alert.checkin_ref}`"
    if alert.guild_id == 0 or alert.channel_id is None:
        return "Direct message to the bot"
    return f"<#{alert.channel_id}>"


def status_text(alert: Alert) -> str:
    if alert.status == "resolved" and alert.resolved_by:
        return f"Resolved by <@{alert.resolved_by}>"
    if alert.status == "claimed" and alert.claimed_by:
        return f"<@{alert.claimed_by}> is on it"
    return STATUS_LABELS.get(alert.status, alert.status)


def alert_embed(alert: Alert, guidance: Mapping[str, str]) -> discord.Embed:
    """The post in the alerts channel; edited in place as moderators claim and resolve it."""
    categories = ", ".join(CATEGORY_LABELS.get(c, c) for c in alert.categories)
    primary = next((c for c in alert.categories if c in guidance), None)
    fields = [
        ("Category", categories),
        ("Severity", SEVERITY_LABELS.get(alert.severity, alert.severity)),
        ("Where", where(alert)),
    ]
    if alert.jump_url:
        fields.append(("Message", f"[Jump to the message]({alert.jump_url})"))
    fields.append(("Member", MEMBER_REPLY_LABELS.get(alert.member_reply, alert.member_reply)))
    if alert.note:
        fields.append(("Note", alert.note))
    if alert.revealed:
        fields.append(("Author asked for contact", REVEALED_FIELD))
    fields.append(("Status", status_text(alert)))
    resolved = alert.status == "resolved"
    kind = alert.categories[0].replace("_", " ") if alert.categories else "safety"
    marker = " · IMMINENT" if alert.severity == "imminent" else ""
    return build_embed(
        f"Safety alert #{alert.id}: {kind}{marker}",
        guidance.get(primary, "") if primary else None,
        tone=Tone.NEUTRAL if resolved else Tone.ALERT,
        fields=fields,
        footer=f"alert-{alert.id} · the message text is never copied here",
    )


def reveal_embed(alert: Alert, user_id: int) -> discord.Embed:
    """Posted only after the author pressed "Ask a moderator to reach out"."""
    return build_embed(
        f"A member asked a moderator to reach out (alert #{alert.id})",
        (
            f"The author behind this alert ({where(alert)}) chose to share who they are: "
            f"<@{user_id}>.\n\n"
            "This is about this one check-in: it does not tell you which anonymous posts are "
            "theirs, and please don't try to find out. Reach out privately and gently, and "
            "don't mention what they wrote in public. Use “I'm on it” on the alert so others "
            "know."
        ),
        tone=Tone.SUPPORT,
        footer=f"alert-{alert.id}",
    )


def open_alerts_pages(alerts: Sequence[Alert], now: datetime) -> list[discord.Embed]:
    """/alerts open: unresolved alerts, oldest first, with jump links and age."""
    if not alerts:
        return [build_embed("Open safety alerts", "No open alerts. 🌿", tone=Tone.INFO)]
    pages: list[discord.Embed] = []
    for start in range(0, len(alerts), PAGE_SIZE):
        chunk = alerts[start : start + PAGE_SIZE]
        fields = [(_alert_heading(a, now), _alert_summary(a, now)) for a in chunk]
        pages.append(
            build_embed(
                f"Open safety alerts ({len(alerts)})",
                "Oldest first. Use the buttons on each alert post to claim or resolve it.",
                tone=Tone.ALERT,
                fields=fields,
            )
        )
    return pages


def _alert_heading(alert: Alert, now: datetime) -> str:
    cats = ", ".join(c.replace("_", " ") for c in alert.categories)
    return f"#{alert.id} · {cats} · {alert.severity} · {age(alert.created_at, now)}"


def _alert_summary(alert: Alert, now: datetime) -> str:
    parts = [where(alert)]
    if alert.status == "open":
        parts.append(f"⏳ waiting {waited(alert.created_at, now)}, nobody on it yet")
    if alert.jump_url:
        parts.append(f"[message]({alert.jump_url})")
    parts.append(status_text(alert))
    if alert.alert_message_id and alert.alert_channel_id:
        parts.append(
            f"[alert post](https://discord.com/channels/{alert.guild_id}/"
            f"{alert.alert_channel_id}/{alert.alert_message_id})"
        )
    else:
        parts.append("⚠ not delivered to the alerts channel yet (retrying)")
    return " · ".join(parts)
