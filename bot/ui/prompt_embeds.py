"""Embeds of the daily prompts: the post itself, previews, setup/status replies, the notice
to moderators when prompts pause, and the list of a server's own prompts.

Every builder takes `lang`: the server's language for what is posted to the server (the post,
its thread, the pause notice), the moderator's own language for replies to a command. Wording
and day and month names come from the catalog (content/messages/prompts.toml).

The post's footer carries a marker with the local date. After a crash between claiming a day
and confirming its post, the scheduler looks for this marker among the channel's recent bot
messages before it sends again; `has_marker` accepts it in every language, so a server that
changed its language in between is still recognised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.daily_prompts.models import CustomPrompt, PostRecord, Schedule
from bot.i18n import LANGS, t
from bot.scheduling import format_time_of_day, utc_offset_label
from bot.ui.embeds import Tone, build_embed

LIST_PAGE_SIZE = 10


def _names(lang: str, key: str) -> list[str]:
    """Day or month names from the catalog: one space-separated text per kind."""
    return t(lang, key).split()


def format_day(day: date, lang: str, *, short: bool = False) -> str:
    """'Tuesday 02 June' (short: 'Tue 02 Jun'), in the language's own order and names."""
    if short:
        weekdays, months = "prompts.dates.weekdays_short", "prompts.dates.months_short"
    else:
        weekdays, months = "prompts.dates.weekdays", "prompts.dates.months"
    return t(
        lang,
        "prompts.dates.short" if short else "prompts.dates.long",
        weekday=_names(lang, weekdays)[day.weekday()],
        day=day.day,
        month=_names(lang, months)[day.month - 1],
    )


def format_stamp(moment: datetime, lang: str) -> str:
    """'Tue 02 Jun 2026, 09:00' for a moment already in the zone it is shown in."""
    return t(
        lang,
        "prompts.dates.stamp",
        weekday=_names(lang, "prompts.dates.weekdays_short")[moment.weekday()],
        day=moment.day,
        month=_names(lang, "prompts.dates.months_short")[moment.month - 1],
        year=moment.year,
        time=f"{moment:%H:%M}",
    )


def marker(day: date, lang: str) -> str:
    return f"{t(lang, 'prompts.post.marker')} · {day.isoformat()}"


def has_marker(footer: str | None, day: date) -> bool:
    return bool(footer) and any(str(footer).startswith(marker(day, lang)) for lang in LANGS)


def thread_name(day: date, lang: str) -> str:
    return t(lang, "prompts.post.thread_name", date=format_day(day, lang, short=True))


def _duration(delta: timedelta, lang: str) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return t(lang, "prompts.dates.hours_minutes", hours=hours, minutes=minutes)
    if hours:
        return t(lang, "prompts.dates.hours", hours=hours)
    return t(lang, "prompts.dates.minutes", minutes=minutes)


def local_and_utc(moment: datetime, zone: ZoneInfo, lang: str) -> tuple[str, str]:
    """('Tue 02 Jun 2026, 09:00 (Europe/London, UTC+01:00)', 'Tue 02 Jun 2026, 08:00 UTC')."""
    local = moment.astimezone(zone)
    utc = moment.astimezone(ZoneInfo("UTC"))
    return (
        f"{format_stamp(local, lang)} ({zone.key}, {utc_offset_label(moment, zone)})",
        f"{format_stamp(utc, lang)} UTC",
    )


def prompt_post_embed(
    text: str,
    day: date,
    lang: str,
    *,
    late_by: timedelta | None = None,
    due: datetime | None = None,
    zone: ZoneInfo | None = None,
    use_thread: bool = False,
) -> discord.Embed:
    """The daily post, in the server's language. `late_by` (only when over an hour) adds an
    honest note."""
    fields: list[tuple[str, str]] = []
    if late_by is not None:
        duration = _duration(late_by, lang)
        if due and zone:
            note = t(
                lang,
                "prompts.post.late_at",
                time=f"{due.astimezone(zone):%H:%M}",
                zone=zone.key,
                duration=duration,
            )
        else:
            note = t(lang, "prompts.post.late", duration=duration)
        fields.append((t(lang, "prompts.post.late_field"), note))
    hint = t(lang, "prompts.post.hint_thread" if use_thread else "prompts.post.hint_no_thread")
    return build_embed(
        t(lang, "prompts.post.title", date=format_day(day, lang)),
        text,
        tone=Tone.CARE,
        fields=fields,
        footer=f"{marker(day, lang)} · {hint}",
    )


def preview_embed(text: str, key: str, schedule: Schedule | None, lang: str) -> discord.Embed:
    own = key.startswith("g:")
    source = t(lang, "prompts.preview.source_own" if own else "prompts.preview.source_shipped")
    if schedule is None:
        when = t(lang, "prompts.preview.not_set_up")
    elif schedule.paused:
        when = t(lang, "prompts.preview.paused")
    else:
        local, utc = local_and_utc(schedule.next_run_at, schedule.zone, lang)
        channel = f"<#{schedule.channel_id}>"
        when = t(lang, "prompts.preview.goes_out", local=local, utc=utc, channel=channel)
    return build_embed(
        t(lang, "prompts.preview.title"),
        text,
        tone=Tone.NEUTRAL,
        fields=[
            (t(lang, "prompts.preview.when_field"), when),
            (t(lang, "prompts.preview.source_field"), source),
        ],
        footer=t(lang, "prompts.preview.footer"),
    )


def _options_text(schedule: Schedule, lang: str) -> str:
    thread = t(
        lang, "prompts.schedule.thread_on" if schedule.use_thread else "prompts.schedule.thread_off"
    )
    if schedule.ping_role_id:
        ping = t(lang, "prompts.schedule.ping_on", role=f"<@&{schedule.ping_role_id}>")
    else:
        ping = t(lang, "prompts.schedule.ping_off")
    button = t(
        lang,
        "prompts.schedule.button_on" if schedule.reflect_button else "prompts.schedule.button_off",
    )
    return f"{thread}, {ping}, {button}"


PAUSE_REASON_KEYS = frozenset({"moderator", "channel_missing", "no_permission", "bot_removed"})
MISS_REASON_KEYS = frozenset(
    {
        "offline",
        "too_late",
        "discord_error",
        "error",
        "channel_missing",
        "no_permission",
        "bot_removed",
        "paused",
        "no_prompts",
    }
)


def pause_reason_text(reason: str | None, lang: str) -> str:
    """Why prompts are paused, for a moderator (status, the pause notice)."""
    key = f"prompts.pause_reasons.{reason}"
    return t(lang, key if reason in PAUSE_REASON_KEYS else "prompts.pause_reasons.unknown")


def schedule_fields(schedule: Schedule, lang: str) -> list[tuple[str, str]]:
    time_value = t(
        lang,
        "prompts.schedule.time_value",
        time=format_time_of_day(schedule.post_time),
        zone=schedule.timezone,
    )
    fields = [
        (t(lang, "prompts.schedule.channel_field"), f"<#{schedule.channel_id}>"),
        (t(lang, "prompts.schedule.time_field"), time_value),
        (t(lang, "prompts.schedule.options_field"), _options_text(schedule, lang)),
    ]
    if schedule.paused:
        reason = pause_reason_text(schedule.pause_reason, lang)
        fields.append(
            (
                t(lang, "prompts.schedule.paused_field"),
                t(lang, "prompts.schedule.paused_value", reason=reason),
            )
        )
    else:
        local, utc = local_and_utc(schedule.next_run_at, schedule.zone, lang)
        stamp = f"<t:{int(schedule.next_run_at.timestamp())}:F>"
        fields.append(
            (
                t(lang, "prompts.schedule.next_field"),
                t(lang, "prompts.schedule.next_value", local=local, utc=utc, stamp=stamp),
            )
        )
    return fields


def setup_done_embed(schedule: Schedule, lang: str, warnings: Sequence[str] = ()) -> discord.Embed:
    fields = schedule_fields(schedule, lang)
    if warnings:
        fields.append((t(lang, "prompts.setup.check_field"), "\n".join(f"⚠️ {w}" for w in warnings)))
    return build_embed(
        t(lang, "prompts.setup.done_title"),
        t(lang, "prompts.setup.done_text"),
        tone=Tone.CARE,
        fields=fields,
        footer=t(lang, "prompts.setup.done_footer"),
    )


def _history_line(record: PostRecord, lang: str) -> str:
    when = format_day(record.local_date, lang, short=True)
    if record.status == "sent":
        key = "prompts.status.sent_late" if record.late else "prompts.status.sent"
        return t(lang, key, date=when)
    if record.status == "missed":
        reason = record.reason or ""
        why = t(lang, f"prompts.miss_reasons.{reason}") if reason in MISS_REASON_KEYS else reason
        return t(lang, "prompts.status.missed", date=when, reason=why)
    return t(lang, "prompts.status.pending", date=when, attempts=record.attempts)


def status_embed(
    schedule: Schedule | None,
    recent: Sequence[PostRecord],
    seen: int,
    total: int,
    custom_count: int,
    lang: str,
) -> discord.Embed:
    if schedule is None:
        return build_embed(
            t(lang, "prompts.status.not_set_up_title"),
            t(lang, "prompts.status.not_set_up_text"),
            tone=Tone.NEUTRAL,
        )
    fields = schedule_fields(schedule, lang)
    rotation = t(lang, "prompts.status.rotation_value", seen=seen, total=total, custom=custom_count)
    fields.append((t(lang, "prompts.status.rotation_field"), rotation))
    if recent:
        lines = "\n".join(_history_line(r, lang) for r in recent)
        fields.append((t(lang, "prompts.status.recent_field"), lines))
    return build_embed(t(lang, "prompts.status.title"), None, tone=Tone.INFO, fields=fields)


def paused_notice_embed(reason: str, channel_id: int, lang: str) -> discord.Embed:
    """To moderators (alerts channel, else the owner's DM) when prompts pause by themselves;
    in the server's language."""
    return build_embed(
        t(lang, "prompts.paused_notice.title"),
        t(
            lang,
            "prompts.paused_notice.text",
            channel=f"<#{channel_id}>",
            reason=pause_reason_text(reason, lang),
        ),
        tone=Tone.ALERT,
    )


def custom_added_embed(prompt: CustomPrompt, total: int, lang: str) -> discord.Embed:
    return build_embed(
        t(lang, "prompts.custom.added_title", id=prompt.id),
        prompt.text,
        tone=Tone.CARE,
        footer=t(lang, "prompts.custom.added_footer", total=total),
    )


def custom_list_pages(prompts: Sequence[CustomPrompt], lang: str) -> list[discord.Embed]:
    title = t(lang, "prompts.custom.list_title")
    if not prompts:
        return [build_embed(title, t(lang, "prompts.custom.list_empty"), tone=Tone.NEUTRAL)]
    pages = []
    for start in range(0, len(prompts), LIST_PAGE_SIZE):
        chunk = prompts[start : start + LIST_PAGE_SIZE]
        pages.append(
            build_embed(
                title,
                None,
                tone=Tone.INFO,
                fields=[(f"#{p.id}", p.text) for p in chunk],
                footer=t(lang, "prompts.custom.list_footer", count=len(prompts)),
            )
        )
    return pages
