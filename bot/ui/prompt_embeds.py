"""Embeds of the daily prompts: the post itself, previews, setup/status replies, the notice
to moderators when prompts pause, and the list of a server's own prompts.

The post's footer carries a marker with the local date. After a crash between claiming a day
and confirming its post, the scheduler looks for this marker among the channel's recent bot
messages before it sends again, so the marker's wording must stay stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.daily_prompts.models import PAUSE_REASONS, CustomPrompt, PostRecord, Schedule
from bot.scheduling import format_time_of_day, utc_offset_label
from bot.ui.embeds import Tone, build_embed

MARKER = "Daily reflection"
LIST_PAGE_SIZE = 10
POST_FOOTER_HINT = "Share in the thread if you like, or keep it to yourself."
# Without a thread there is nowhere the post invites sharing, so the hint must not mention one.
POST_FOOTER_HINT_NO_THREAD = "Take it at your own pace; there is no need to share."


def marker(day: date) -> str:
    return f"{MARKER} · {day.isoformat()}"


def has_marker(footer: str | None, day: date) -> bool:
    return bool(footer) and str(footer).startswith(marker(day))


def thread_name(day: date) -> str:
    return f"Reflections · {day:%a %d %b}"


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def local_and_utc(moment: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """('Tue 02 Jun 2026, 09:00 (Europe/London, UTC+01:00)', 'Tue 02 Jun 2026, 08:00 UTC')."""
    local = moment.astimezone(zone)
    utc = moment.astimezone(ZoneInfo("UTC"))
    return (
        f"{local:%a %d %b %Y, %H:%M} ({zone.key}, {utc_offset_label(moment, zone)})",
        f"{utc:%a %d %b %Y, %H:%M} UTC",
    )


def prompt_post_embed(
    text: str,
    day: date,
    *,
    late_by: timedelta | None = None,
    due: datetime | None = None,
    zone: ZoneInfo | None = None,
    use_thread: bool = False,
) -> discord.Embed:
    """The daily post. `late_by` (only when over an hour) adds an honest note."""
    fields: list[tuple[str, str]] = []
    if late_by is not None:
        when = f" at {due.astimezone(zone):%H:%M} ({zone.key})" if due and zone else ""
        fields.append(
            (
                "Posted late",
                f"This was due{when}; Bridgeline was offline, so it arrives "
                f"{_duration(late_by)} late. Sorry for the wait.",
            )
        )
    return build_embed(
        f"Today's reflection · {day:%A %d %B}",
        text,
        tone=Tone.CARE,
        fields=fields,
        footer=f"{marker(day)} · {POST_FOOTER_HINT if use_thread else POST_FOOTER_HINT_NO_THREAD}",
    )


def preview_embed(text: str, key: str, schedule: Schedule | None) -> discord.Embed:
    source = "one of this server's own prompts" if key.startswith("g:") else "a shipped prompt"
    if schedule is None:
        when = "Prompts are not set up yet: use `/prompts setup`."
    elif schedule.paused:
        when = "Prompts are paused; `/prompts resume` to continue."
    else:
        local, utc = local_and_utc(schedule.next_run_at, schedule.zone)
        when = f"It goes out {local} ({utc}) in <#{schedule.channel_id}>."
    return build_embed(
        "Preview of the next prompt",
        text,
        tone=Tone.NEUTRAL,
        fields=[("When", when), ("Source", source)],
        footer="Only you can see this preview.",
    )


def _options_text(schedule: Schedule) -> str:
    thread = "a thread for each prompt" if schedule.use_thread else "no threads"
    ping = f"pings <@&{schedule.ping_role_id}>" if schedule.ping_role_id else "no ping"
    button = "“Reflect privately” button" if schedule.reflect_button else "no private button"
    return f"{thread}, {ping}, {button}"


def schedule_fields(schedule: Schedule) -> list[tuple[str, str]]:
    fields = [
        ("Channel", f"<#{schedule.channel_id}>"),
        ("Time", f"{format_time_of_day(schedule.post_time)} in {schedule.timezone}"),
        ("Options", _options_text(schedule)),
    ]
    if schedule.paused:
        reason = PAUSE_REASONS.get(schedule.pause_reason or "", "paused")
        fields.append(("Paused", f"{reason}. `/prompts resume` when it's fixed."))
    else:
        local, utc = local_and_utc(schedule.next_run_at, schedule.zone)
        stamp = int(schedule.next_run_at.timestamp())
        fields.append(("Next post", f"{local}\n{utc}\n(your own time: <t:{stamp}:F>)"))
    return fields


def setup_done_embed(schedule: Schedule, warnings: Sequence[str] = ()) -> discord.Embed:
    fields = schedule_fields(schedule)
    if warnings:
        fields.append(("Check", "\n".join(f"⚠️ {w}" for w in warnings)))
    return build_embed(
        "Daily prompts are set up",
        "A reflection prompt will be posted every day at this local time; daylight-saving "
        "changes keep the local time.",
        tone=Tone.CARE,
        fields=fields,
        footer="A time that the clocks skip posts when they jump; a time that happens twice "
        "posts the first time.",
    )


def _history_line(record: PostRecord) -> str:
    when = f"{record.local_date:%a %d %b}"
    if record.status == "sent":
        late = " (late)" if record.late else ""
        return f"✅ {when}: posted{late}"
    if record.status == "missed":
        return f"➖ {when}: missed ({MISS_REASONS.get(record.reason or '', record.reason)})"
    return f"⏳ {when}: being posted (attempt {record.attempts})"


MISS_REASONS: dict[str, str] = {
    "offline": "the bot was offline",
    "too_late": "the bot was offline",
    "discord_error": "Discord kept failing",
    "error": "an error on our side",
    "channel_missing": "channel missing",
    "no_permission": "no permission",
    "bot_removed": "bot removed",
    "paused": "paused",
    "no_prompts": "no prompts to post",
}


def status_embed(
    schedule: Schedule | None,
    recent: Sequence[PostRecord],
    seen: int,
    total: int,
    custom_count: int,
) -> discord.Embed:
    if schedule is None:
        return build_embed(
            "Daily prompts are not set up",
            "Use `/prompts setup` to choose a channel, a time and a time zone.",
            tone=Tone.NEUTRAL,
        )
    fields = schedule_fields(schedule)
    fields.append(
        (
            "Rotation",
            f"{seen} of {total} prompts seen in this round ({custom_count} of the {total} are "
            "this server's own); none repeats until all have been posted.",
        )
    )
    if recent:
        fields.append(("Recent days", "\n".join(_history_line(r) for r in recent)))
    return build_embed("Daily prompts", None, tone=Tone.INFO, fields=fields)


def paused_notice_embed(reason: str, channel_id: int) -> discord.Embed:
    """To moderators (alerts channel, else the owner's DM) when prompts pause by themselves."""
    why = PAUSE_REASONS.get(reason, reason)
    return build_embed(
        "Daily prompts are paused",
        f"Today's prompt could not be posted in <#{channel_id}>: {why}. Nothing more will be "
        "posted until a moderator fixes it: give me View Channel, Send Messages and Embed Links "
        "there (and Create Public Threads if threads are on), or choose another channel with "
        "`/prompts setup`, then `/prompts resume`.",
        tone=Tone.ALERT,
    )


def custom_added_embed(prompt: CustomPrompt, total: int) -> discord.Embed:
    return build_embed(
        f"Added prompt #{prompt.id}",
        prompt.text,
        tone=Tone.CARE,
        footer=f"This server now has {total} prompt(s) of its own in the rotation.",
    )


def custom_list_pages(prompts: Sequence[CustomPrompt]) -> list[discord.Embed]:
    if not prompts:
        return [
            build_embed(
                "This server's own prompts",
                "None yet. Add one with `/prompts add`; it joins the rotation straight away.",
                tone=Tone.NEUTRAL,
            )
        ]
    pages = []
    for start in range(0, len(prompts), LIST_PAGE_SIZE):
        chunk = prompts[start : start + LIST_PAGE_SIZE]
        pages.append(
            build_embed(
                "This server's own prompts",
                None,
                tone=Tone.INFO,
                fields=[(f"#{p.id}", p.text) for p in chunk],
                footer=f"{len(prompts)} in all · remove one with /prompts remove",
            )
        )
    return pages
