"""Embeds for check-ins: the author's private replies, the anonymous public post, and what
moderators see (never who wrote it: only the anonymous label)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import discord

from bot.checkins.models import AnonPost, CheckIn, PostStatus
from bot.checkins.rules import MOODS, SPARK_DAYS
from bot.ui.embeds import DESCRIPTION_LIMIT, Tone, build_embed, clip

ENTRIES_PER_PAGE = 5
PREVIEW = 300
POST_FOOTER = "Posted anonymously with Bridgeline · /checkin new to write your own"
STATUS_TEXT: dict[PostStatus, str] = {
    "awaiting_approval": "anonymous post waiting for a moderator",
    "queued": "anonymous post on its way",
    "sending": "anonymous post on its way",
    "posted": "posted anonymously",
    "rejected": "anonymous post not approved",
    "removed": "anonymous post removed by a moderator",
    "failed": "anonymous post could not be sent",
}


def mood_text(mood: int | None) -> str:
    return "no mood" if mood is None else f"{mood}/5 ({MOODS[mood]})"


def saved_embed(checkin: CheckIn, *, can_share: bool) -> discord.Embed:
    """The private confirmation right after a check-in."""
    lines = [
        "Saved. Only you can see it (`/checkin history`).",
        f"Mood: {mood_text(checkin.mood)}",
    ]
    if can_share:
        lines.append(
            "\nYou can also post it anonymously in the check-in channel: it goes out as the bot, "
            "after a short random delay, and moderators and members aren't shown who wrote it. "
            "Whoever runs the bot could find out, and Discord knows who pressed the button: "
            "`/privacy about` explains."
        )
    return build_embed(
        "Check-in saved",
        "\n".join(lines),
        tone=Tone.CARE,
        footer=f"Reference {checkin.public_id} · /checkin delete removes it",
    )


def invalid_embed(problem: str, draft: str | None) -> discord.Embed:
    """A refusal that gives the member their text back, so nothing they wrote is lost."""
    description = f"{problem}\nNothing was saved yet."
    fields = []
    if draft and draft.strip():
        description += " Your text is below to copy, or press **Try again**."
        fields.append(("Your text", clip(draft, 1000)))
    return build_embed("Not saved yet", description, tone=Tone.NEUTRAL, fields=fields)


def anon_post_embed(post: AnonPost) -> discord.Embed:
    """The public post: the sanitised text, the day's tag if any, and nothing about the author."""
    kind = "Anonymous reply" if post.reply_to_message_id else "Anonymous check-in"
    title = f"{kind} · {post.tag}" if post.tag else kind
    fields = [] if post.mood is None else [("Mood", mood_text(post.mood))]
    body = post.body
    if post.reply_to_message_id:
        url = f"https://discord.com/channels/{post.guild_id}/{post.channel_id}/{post.reply_to_message_id}"
        body = f"↪ In reply to [this post]({url})\n\n{body}"
    return build_embed(
        title, clip(body, DESCRIPTION_LIMIT), tone=Tone.CARE, fields=fields, footer=POST_FOOTER
    )


def review_embed(post: AnonPost, label: str) -> discord.Embed:
    return build_embed(
        "Anonymous post waiting for approval",
        post.body,
        tone=Tone.SUPPORT,
        fields=[
            ("Author", f"`{label}` (anonymous: moderators aren't shown who this is)"),
            ("Mood", mood_text(post.mood)),
            ("Goes to", f"<#{post.channel_id}>"),
        ],
        footer="Approve posts it after a short random delay; Reject keeps it private.",
    )


def review_done_embed(post: AnonPost, label: str, verdict: str, moderator: str) -> discord.Embed:
    return build_embed(
        f"Anonymous post {verdict}",
        clip(post.body, PREVIEW),
        tone=Tone.NEUTRAL,
        fields=[("Author", f"`{label}`"), ("By", moderator)],
    )


REPORT_HANDLED = "Handled"


def report_embed(
    post: AnonPost, label: str, jump_url: str | None, reason: str | None = None
) -> discord.Embed:
    fields = [("Author", f"`{label}` (anonymous)")]
    if reason:
        fields.append(("Reason given", clip(reason, 1000)))
    if jump_url:
        fields.append(("Post", jump_url))
    return build_embed(
        "An anonymous post was reported",
        clip(post.body, PREVIEW * 2),
        tone=Tone.ALERT,
        fields=fields,
        footer="The reporter is not named. Remove the post or block its author below; "
        "neither tells you who wrote it.",
    )


def report_handled_embed(
    shown: discord.Embed, handled: Sequence[str], *, removed: bool
) -> discord.Embed:
    """A report alert as posted, with who handled it; a removed post loses its dead link."""
    embed = shown.copy()
    kept = [
        (f.name, f.value)
        for f in shown.fields
        if f.name != REPORT_HANDLED and not (removed and f.name == "Post")
    ]
    embed.clear_fields()
    for name, value in kept:
        embed.add_field(name=name, value=value, inline=False)
    if handled:
        embed.add_field(name=REPORT_HANDLED, value=clip("\n".join(handled), 1024), inline=False)
    if removed:
        embed.title = "A reported anonymous post was removed"
        embed.colour = Tone.NEUTRAL.value
    return embed


def _entry_line(checkin: CheckIn, post: AnonPost | None, tz: ZoneInfo) -> tuple[str, str]:
    when = checkin.created_at.astimezone(tz).strftime("%a %d %b %Y, %H:%M")
    kind = "Reply" if checkin.kind == "reply" else mood_text(checkin.mood)
    where = STATUS_TEXT[post.status] if post else "private"
    body = clip(checkin.body, PREVIEW)
    if checkin.help_text:
        body += f"\n*What would help:* {clip(checkin.help_text, 120)}"
    return f"{when} · {kind} · {where}", f"{body}\n`{checkin.public_id}`"


def history_pages(
    entries: Sequence[CheckIn],
    posts: dict[int, AnonPost],
    *,
    spark: str,
    streak_days: int,
    tz: ZoneInfo,
) -> list[discord.Embed]:
    """Newest first, a few entries per page; every page repeats the mood line."""
    summary = (
        f"Mood, last {SPARK_DAYS} days (oldest → today, · = no check-in):\n`{spark}`\n"
        f"Streak: **{streak_days}** day{'s' if streak_days != 1 else ''}"
    )
    if not entries:
        return [
            build_embed(
                "Your check-ins",
                f"{summary}\n\nNo check-ins yet. `/checkin new` starts one; only you see it.",
                tone=Tone.CARE,
            )
        ]
    chunks = [entries[i : i + ENTRIES_PER_PAGE] for i in range(0, len(entries), ENTRIES_PER_PAGE)]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        pages.append(
            build_embed(
                "Your check-ins",
                summary,
                tone=Tone.CARE,
                fields=[_entry_line(c, posts.get(c.id), tz) for c in chunk],
                footer=f"Page {number} of {len(chunks)} · only you can see this · "
                f"times in {tz.key} · /checkin delete <reference>",
            )
        )
    return pages
