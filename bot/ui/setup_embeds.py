"""Replies of /setup, /admin and the join welcome; every one goes through build_embed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.content import ContentProblem
from bot.setup_service import (
    SETTING_LABELS,
    Change,
    ChannelCheck,
    format_value,
)
from bot.storage.audit import AuditEntry
from bot.storage.guilds import GuildSettings
from bot.storage.purge import parse_stamp
from bot.ui.embeds import Tone, build_embed

AUDIT_PAGE_SIZE = 10
MAX_PROBLEMS_SHOWN = 15


PUBLIC_ALERTS = (
    "everyone in the server can read it, and alerts link to members' messages and say what "
    "worried the bot. Choose a channel only moderators can see."
)
NOT_SCANNED = "Messages posted there are never scanned for safety concerns."


def check_line(check: ChannelCheck) -> str:
    """One line per channel, saying exactly what to fix."""
    label = check.purpose.label
    if check.status == "not_set":
        return f"➖ **{label}**: not set ({check.purpose.why})."
    where = f"<#{check.channel_id}>"
    if check.status == "not_found":
        return f"❌ **{label}** {where}: I can't find or see this channel. Choose another one."
    note = f" {NOT_SCANNED}" if check.purpose.private else ""
    if check.public:
        note = f" ⚠️ Not private: {PUBLIC_ALERTS}{note}"
    if check.status == "missing":
        return f"⚠️ **{label}** {where}: I'm missing **{', '.join(check.missing)}** there.{note}"
    icon = "⚠️" if check.public else "✅"
    return f"{icon} **{label}** {where}: all the permissions I need.{note}"


def public_alerts_embed(channel_id: int) -> discord.Embed:
    """Asked before a channel @everyone can read becomes the alerts channel."""
    return build_embed(
        "Everyone can read that channel",
        f"<#{channel_id}> is visible to @everyone: {PUBLIC_ALERTS}\n\n"
        "Use it anyway only if you will restrict it right after. " + NOT_SCANNED,
        tone=Tone.SUPPORT,
    )


def report_text(checks: Sequence[ChannelCheck]) -> str:
    lines = [check_line(c) for c in checks]
    if any(c.status == "missing" for c in checks):
        lines.append(
            "To fix: channel settings → Permissions → add the Bridgeline role and allow "
            "what is listed, then run `/setup show` to check again."
        )
    return "\n".join(lines)


def _anonymous_summary(settings: GuildSettings) -> str:
    return (
        f"Random delay {format_value('anon_delay_max_s', settings.anon_delay_max_s)}, "
        f"{settings.anon_rate_per_hour} per member per hour, "
        f"daily tag {format_value('anon_daily_tag', settings.anon_daily_tag)}, "
        f"approval queue {format_value('approval_queue', settings.approval_queue)}"
    )


def settings_fields(settings: GuildSettings, region_name: str) -> list[tuple[str, str]]:
    role = format_value("moderator_role_id", settings.moderator_role_id)
    if settings.moderator_role_id is None:
        role += " (members with Manage Messages are moderators)"
    return [
        ("Check-in channel", format_value("checkin_channel_id", settings.checkin_channel_id)),
        ("Alerts channel", format_value("alerts_channel_id", settings.alerts_channel_id)),
        ("Moderator role", role),
        ("Region", f"{region_name} ({settings.region})"),
        ("Timezone", settings.timezone),
        ("Safety replies", format_value("safety_mode", settings.safety_mode)),
        ("Anonymous posts", _anonymous_summary(settings)),
        ("Check-in retention", format_value("retention_days", settings.retention_days)),
    ]


def summary_embed(
    guild_name: str,
    settings: GuildSettings,
    checks: Sequence[ChannelCheck],
    region_name: str,
    *,
    title: str | None = None,
) -> discord.Embed:
    ready = all(c.ok for c in checks)
    return build_embed(
        title or f"Bridgeline settings for {guild_name}",
        report_text(checks),
        tone=Tone.CARE if ready else Tone.SUPPORT,
        fields=settings_fields(settings, region_name),
        footer="Change one thing with /setup <setting>, or run /setup start again.",
    )


def changes_embed(changes: Sequence[Change], checks: Sequence[ChannelCheck] = ()) -> discord.Embed:
    if changes:
        lines = [f"**{SETTING_LABELS[c.setting]}**: {c.describe()}" for c in changes]
        title, text = "Saved", "\n".join(lines)
    else:
        title, text = "Nothing changed", "That is already the current setting."
    if checks:
        text += "\n\n" + report_text(checks)
    ready = all(c.ok for c in checks)
    return build_embed(title, text, tone=Tone.CARE if ready else Tone.SUPPORT)


def _when(created_at: str) -> str:
    moment = parse_stamp(created_at)
    return created_at if moment is None else f"<t:{int(moment.timestamp())}:f>"


def audit_pages(entries: Sequence[AuditEntry]) -> list[discord.Embed]:
    """Newest first, ten to a page; actors are mentions (they render without pinging)."""
    pages = []
    for start in range(0, len(entries), AUDIT_PAGE_SIZE):
        chunk = entries[start : start + AUDIT_PAGE_SIZE]
        lines = []
        for e in chunk:
            actor = f"<@{e.actor_id}>" if e.actor_id else "a member (not named)"
            line = f"{_when(e.created_at)} · {actor} · `{e.action}`"
            if e.target:
                line += f" · {e.target}"
            if e.detail:
                line += f"\n  {e.detail}"
            lines.append(line)
        pages.append(
            build_embed(
                "Recent changes and moderator actions",
                "\n".join(lines),
                tone=Tone.NEUTRAL,
                footer=f"Entries {start + 1}-{start + len(chunk)} of {len(entries)}",
            )
        )
    return pages


def welcome_embed(guild_name: str) -> discord.Embed:
    return build_embed(
        f"Thanks for adding Bridgeline to {guild_name}",
        "Bridgeline gives your members calm, private tools for when a partner goes quiet: "
        "coping strategies, private or anonymous check-ins and a daily prompt, and it points "
        "people to real help when a message sounds like a crisis.\n\n"
        "**Next step (about two minutes):** someone with *Manage Server* runs `/setup start` "
        "to choose the check-in and alerts channels, the moderator role, your region and "
        "timezone. `/setup show` tells you if I'm missing any permission.",
        tone=Tone.CARE,
        footer="If Bridgeline is removed, this server's data is kept 30 days, then deleted.",
    )


def wizard_embed(
    step: int, guild_name: str, proposal: tuple[str, str] | None = None
) -> discord.Embed:
    """`proposal`: (timezone, region name) when step 2 proposes the region's timezone."""
    if step == 1:
        text = (
            "**Step 1 of 2.** Choose the channel for anonymous check-ins, the channel where "
            "moderators get safety alerts (best kept private to moderators), the moderator "
            "role and your region (used for helpline numbers). Leave a menu as it is to keep "
            "the current choice, then press **Next**."
        )
    else:
        text = (
            "**Step 2 of 2.** Choose the server's timezone (for the daily prompt; any other "
            "IANA zone with `/setup timezone`) and how Bridgeline answers a message that "
            "sounds like a crisis, then press **Finish**. Nothing is saved before that."
        )
        if proposal:
            zone, region = proposal
            text += (
                f"\n\nProposed for {region}: **{zone}**. If your members are mostly elsewhere "
                "in it, choose their zone from the menu."
            )
    return build_embed(f"Set up Bridgeline for {guild_name}", text, tone=Tone.INFO)


def reload_failed_embed(problems: Sequence[ContentProblem]) -> discord.Embed:
    shown = [f"• {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown.append(
            f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more (`bridgeline check-content`)"
        )
    return build_embed(
        f"Content not reloaded: {len(problems)} problem(s)",
        "The bot keeps the content it had. Fix these and try again:\n" + "\n".join(shown),
        tone=Tone.ALERT,
    )


def reload_done_embed(summary: str) -> discord.Embed:
    return build_embed("Content reloaded", summary, tone=Tone.CARE)


def synced_embed(count: int, scope: str, at: datetime) -> discord.Embed:
    where = "in this server (available now)" if scope == "here" else "globally (up to an hour)"
    return build_embed(
        "Commands synced",
        f"{count} commands registered {where}.",
        tone=Tone.CARE,
        footer=f"At {at:%Y-%m-%d %H:%M} UTC",
    )
