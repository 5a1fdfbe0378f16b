"""Replies of /setup, /admin and the join welcome; every one goes through build_embed.

Managers and the bot owner read them in the server's language (`lang`, computed by the cog);
the wording is in content/messages/setup.toml.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.content import Content, ContentProblem, safety_categories
from bot.i18n import t
from bot.setup_service import (
    Change,
    ChannelCheck,
    ChannelPurpose,
    format_value,
    permission_label,
    setting_label,
)
from bot.storage.audit import AuditEntry
from bot.storage.guilds import GuildSettings
from bot.storage.purge import parse_stamp
from bot.ui.embeds import Tone, build_embed

AUDIT_PAGE_SIZE = 10
MAX_PROBLEMS_SHOWN = 15


def _purpose(purpose: ChannelPurpose, lang: str, part: str) -> str:
    return t(lang, f"setup.channels.{purpose.key}.{part}")


def check_line(check: ChannelCheck, lang: str) -> str:
    """One line per channel, saying exactly what to fix."""
    label = _purpose(check.purpose, lang, "label")
    if check.status == "not_set":
        return t(
            lang, "setup.report.not_set", label=label, why=_purpose(check.purpose, lang, "why")
        )
    where = f"<#{check.channel_id}>"
    if check.status == "not_found":
        return t(lang, "setup.report.not_found", label=label, where=where)
    note = " " + t(lang, "setup.report.not_scanned") if check.purpose.private else ""
    if check.public:
        exposed = t(lang, "setup.report.not_private", why=t(lang, "setup.report.public_alerts"))
        note = f" {exposed}{note}"
    if check.status == "missing":
        permissions = ", ".join(permission_label(p, lang) for p in check.missing)
        return t(
            lang,
            "setup.report.missing",
            label=label,
            where=where,
            permissions=permissions,
            note=note,
        )
    icon = "⚠️" if check.public else "✅"
    return t(lang, "setup.report.ok", icon=icon, label=label, where=where, note=note)


def public_alerts_embed(channel_id: int, lang: str) -> discord.Embed:
    """Asked before a channel @everyone can read becomes the alerts channel."""
    return build_embed(
        t(lang, "setup.public_alerts.title"),
        t(
            lang,
            "setup.public_alerts.text",
            channel=f"<#{channel_id}>",
            why=t(lang, "setup.report.public_alerts"),
            not_scanned=t(lang, "setup.report.not_scanned"),
        ),
        tone=Tone.SUPPORT,
    )


def report_text(checks: Sequence[ChannelCheck], lang: str) -> str:
    lines = [check_line(c, lang) for c in checks]
    if any(c.status == "missing" for c in checks):
        lines.append(t(lang, "setup.report.how_to_fix"))
    return "\n".join(lines)


def _anonymous_summary(settings: GuildSettings, lang: str) -> str:
    return t(
        lang,
        "setup.values.anonymous",
        delay=format_value("anon_delay_max_s", settings.anon_delay_max_s, lang),
        rate=settings.anon_rate_per_hour,
        tag=format_value("anon_daily_tag", settings.anon_daily_tag, lang),
        queue=format_value("approval_queue", settings.approval_queue, lang),
    )


def settings_fields(settings: GuildSettings, region_name: str, lang: str) -> list[tuple[str, str]]:
    role = format_value("moderator_role_id", settings.moderator_role_id, lang)
    if settings.moderator_role_id is None:
        role += " " + t(lang, "setup.values.role_default")

    def shown(setting: str) -> tuple[str, str]:
        return setting_label(setting, lang), format_value(setting, getattr(settings, setting), lang)

    return [
        shown("checkin_channel_id"),
        shown("alerts_channel_id"),
        (setting_label("moderator_role_id", lang), role),
        (setting_label("region", lang), f"{region_name} ({settings.region})"),
        (setting_label("timezone", lang), settings.timezone),
        shown("language"),
        shown("safety_mode"),
        shown("safety_sensitivity"),
        (setting_label("anonymous_posts", lang), _anonymous_summary(settings, lang)),
        shown("retention_days"),
    ]


def summary_embed(
    guild_name: str,
    settings: GuildSettings,
    checks: Sequence[ChannelCheck],
    region_name: str,
    lang: str,
    *,
    title: str | None = None,
) -> discord.Embed:
    ready = all(c.ok for c in checks)
    return build_embed(
        title or t(lang, "setup.summary.title", server=guild_name),
        report_text(checks, lang),
        tone=Tone.CARE if ready else Tone.SUPPORT,
        fields=settings_fields(settings, region_name, lang),
        footer=t(lang, "setup.summary.footer"),
    )


def changes_embed(
    changes: Sequence[Change], lang: str, checks: Sequence[ChannelCheck] = ()
) -> discord.Embed:
    if changes:
        lines = [f"**{setting_label(c.setting, lang)}**: {c.describe(lang)}" for c in changes]
        title, text = t(lang, "setup.summary.saved"), "\n".join(lines)
    else:
        title = t(lang, "setup.summary.nothing_changed")
        text = t(lang, "setup.summary.already_current")
    if checks:
        text += "\n\n" + report_text(checks, lang)
    ready = all(c.ok for c in checks)
    return build_embed(title, text, tone=Tone.CARE if ready else Tone.SUPPORT)


def _when(created_at: str) -> str:
    moment = parse_stamp(created_at)
    return created_at if moment is None else f"<t:{int(moment.timestamp())}:f>"


def audit_pages(entries: Sequence[AuditEntry], lang: str) -> list[discord.Embed]:
    """Newest first, ten to a page; actors are mentions (they render without pinging). The
    entries themselves (action, detail) are records and stay as written."""
    pages = []
    for start in range(0, len(entries), AUDIT_PAGE_SIZE):
        chunk = entries[start : start + AUDIT_PAGE_SIZE]
        lines = []
        for e in chunk:
            actor = f"<@{e.actor_id}>" if e.actor_id else t(lang, "setup.audit.unnamed_member")
            line = f"{_when(e.created_at)} · {actor} · `{e.action}`"
            if e.target:
                line += f" · {e.target}"
            if e.detail:
                line += f"\n  {e.detail}"
            lines.append(line)
        pages.append(
            build_embed(
                t(lang, "setup.audit.title"),
                "\n".join(lines),
                tone=Tone.NEUTRAL,
                footer=t(
                    lang,
                    "setup.audit.footer",
                    first=start + 1,
                    last=start + len(chunk),
                    total=len(entries),
                ),
            )
        )
    return pages


def welcome_embed(guild_name: str, lang: str) -> discord.Embed:
    return build_embed(
        t(lang, "setup.welcome.title", server=guild_name),
        t(lang, "setup.welcome.text"),
        tone=Tone.CARE,
        footer=t(lang, "setup.welcome.footer"),
    )


def wizard_embed(
    step: int, guild_name: str, lang: str, proposal: tuple[str, str] | None = None
) -> discord.Embed:
    """`proposal`: (timezone, region name) when step 2 proposes the region's timezone."""
    if step == 1:
        text = t(lang, "setup.wizard.step1")
    else:
        text = t(lang, "setup.wizard.step2")
        if proposal:
            zone, region = proposal
            text += "\n\n" + t(lang, "setup.wizard.proposal", region=region, zone=zone)
    return build_embed(t(lang, "setup.wizard.title", server=guild_name), text, tone=Tone.INFO)


def reload_failed_embed(problems: Sequence[ContentProblem], lang: str) -> discord.Embed:
    """The problems themselves are for whoever edits content/ and stay in English."""
    shown = [f"• {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        shown.append(t(lang, "setup.admin.reload_failed_more", count=more))
    return build_embed(
        t(lang, "setup.admin.reload_failed_title", count=len(problems)),
        t(lang, "setup.admin.reload_failed_text") + "\n" + "\n".join(shown),
        tone=Tone.ALERT,
    )


def reload_done_embed(content: Content, lang: str) -> discord.Embed:
    """What was loaded, counted in the owner's language (the log and audit keep `summarize`)."""
    counts = t(
        lang,
        "setup.admin.reload_done_text",
        strategies=len(content.strategies),
        scripts=len(content.scripts),
        faq=len(content.faq),
        prompts=len(content.prompts),
        resources=len(content.resources),
        categories=safety_categories(content),
    )
    return build_embed(t(lang, "setup.admin.reload_done_title"), counts, tone=Tone.CARE)


def synced_embed(count: int, scope: str, at: datetime, lang: str) -> discord.Embed:
    where = "synced_here" if scope == "here" else "synced_everywhere"
    return build_embed(
        t(lang, "setup.admin.synced_title"),
        t(lang, f"setup.admin.{where}", count=count),
        tone=Tone.CARE,
        footer=t(lang, "setup.admin.synced_footer", time=f"{at:%Y-%m-%d %H:%M}"),
    )
