"""Embeds for check-ins: the author's private replies, the anonymous public post, and what
moderators see (never who wrote it: only the anonymous label). Each takes the reader's `lang`:
the member's for private replies, the server's for the public post and moderators' messages."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import discord

from bot.checkins.models import AnonPost, CheckIn
from bot.checkins.rules import SPARK_DAYS
from bot.i18n import DEFAULT_LANG, t
from bot.ui.embeds import DESCRIPTION_LIMIT, Tone, build_embed, clip

ENTRIES_PER_PAGE = 5
PREVIEW = 300


def mood_text(mood: int | None, lang: str = DEFAULT_LANG) -> str:
    if mood is None:
        return t(lang, "checkins.mood.none")
    return t(lang, "checkins.mood.scale", mood=mood, name=t(lang, f"checkins.moods.{mood}"))


def saved_embed(checkin: CheckIn, *, can_share: bool, lang: str = DEFAULT_LANG) -> discord.Embed:
    """The private confirmation right after a check-in."""
    lines = [
        t(lang, "checkins.saved.only_you"),
        t(lang, "checkins.saved.mood", mood=mood_text(checkin.mood, lang)),
    ]
    if can_share:
        lines.append("\n" + t(lang, "checkins.saved.can_share"))
    return build_embed(
        t(lang, "checkins.saved.title"),
        "\n".join(lines),
        tone=Tone.CARE,
        footer=t(lang, "checkins.saved.footer", ref=checkin.public_id),
    )


def invalid_embed(problem: str, draft: str | None, lang: str = DEFAULT_LANG) -> discord.Embed:
    """A refusal that gives the member their text back, so nothing they wrote is lost."""
    description = f"{problem}\n{t(lang, 'checkins.invalid.nothing_saved')}"
    fields = []
    if draft and draft.strip():
        description += " " + t(lang, "checkins.invalid.copy_below")
        fields.append((t(lang, "checkins.invalid.your_text"), clip(draft, 1000)))
    return build_embed(
        t(lang, "checkins.invalid.title"), description, tone=Tone.NEUTRAL, fields=fields
    )


def anon_post_embed(post: AnonPost, lang: str = DEFAULT_LANG) -> discord.Embed:
    """The public post: the sanitised text (never translated), the day's tag if any, and
    nothing about the author; the framing is in the server's language."""
    kind = t(lang, "checkins.post.reply" if post.reply_to_message_id else "checkins.post.checkin")
    title = f"{kind} · {post.tag}" if post.tag else kind
    fields = (
        [] if post.mood is None else [(t(lang, "checkins.post.mood"), mood_text(post.mood, lang))]
    )
    body = post.body
    if post.reply_to_message_id:
        url = f"https://discord.com/channels/{post.guild_id}/{post.channel_id}/{post.reply_to_message_id}"
        body = t(lang, "checkins.post.in_reply_to", url=url) + f"\n\n{body}"
    return build_embed(
        title,
        clip(body, DESCRIPTION_LIMIT),
        tone=Tone.CARE,
        fields=fields,
        footer=t(lang, "checkins.post.footer"),
    )


def review_embed(post: AnonPost, label: str, lang: str = DEFAULT_LANG) -> discord.Embed:
    return build_embed(
        t(lang, "checkins.review.title"),
        post.body,
        tone=Tone.SUPPORT,
        fields=[
            (
                t(lang, "checkins.review.author"),
                t(lang, "checkins.review.author_value", label=label),
            ),
            (t(lang, "checkins.review.mood"), mood_text(post.mood, lang)),
            (t(lang, "checkins.review.goes_to"), f"<#{post.channel_id}>"),
        ],
        footer=t(lang, "checkins.review.footer"),
    )


def review_done_embed(
    post: AnonPost, label: str, verdict: str, moderator: str, lang: str = DEFAULT_LANG
) -> discord.Embed:
    """`verdict` is "approved" or "rejected"."""
    return build_embed(
        t(lang, f"checkins.review.{verdict}"),
        clip(post.body, PREVIEW),
        tone=Tone.NEUTRAL,
        fields=[
            (t(lang, "checkins.review.author"), f"`{label}`"),
            (t(lang, "checkins.review.by"), moderator),
        ],
    )


def report_embed(
    post: AnonPost,
    label: str,
    jump_url: str | None,
    reason: str | None = None,
    lang: str = DEFAULT_LANG,
) -> discord.Embed:
    fields = [
        (t(lang, "checkins.alert.author"), t(lang, "checkins.alert.author_value", label=label))
    ]
    if reason:
        fields.append((t(lang, "checkins.alert.reason"), clip(reason, 1000)))
    if jump_url:
        fields.append((t(lang, "checkins.alert.post"), jump_url))
    return build_embed(
        t(lang, "checkins.alert.title"),
        clip(post.body, PREVIEW * 2),
        tone=Tone.ALERT,
        fields=fields,
        footer=t(lang, "checkins.alert.footer"),
    )


def report_handled_embed(
    shown: discord.Embed, handled: Sequence[str], *, removed: bool, lang: str = DEFAULT_LANG
) -> discord.Embed:
    """A report alert as posted, with who handled it; a removed post loses its dead link."""
    embed = shown.copy()
    handled_name, post_name = t(lang, "checkins.alert.handled"), t(lang, "checkins.alert.post")
    kept = [
        (f.name, f.value)
        for f in shown.fields
        if f.name != handled_name and not (removed and f.name == post_name)
    ]
    embed.clear_fields()
    for name, value in kept:
        embed.add_field(name=name, value=value, inline=False)
    if handled:
        embed.add_field(name=handled_name, value=clip("\n".join(handled), 1024), inline=False)
    if removed:
        embed.title = t(lang, "checkins.alert.removed_title")
        embed.colour = Tone.NEUTRAL.value
    return embed


def _entry_line(
    checkin: CheckIn, post: AnonPost | None, tz: ZoneInfo, lang: str
) -> tuple[str, str]:
    when = checkin.created_at.astimezone(tz).strftime(t(lang, "checkins.history.when_format"))
    if checkin.kind == "reply":
        kind = t(lang, "checkins.history.reply")
    else:
        kind = mood_text(checkin.mood, lang)
    if post:
        where = t(lang, f"checkins.history.status.{post.status}")
    else:
        where = t(lang, "checkins.history.private")
    body = clip(checkin.body, PREVIEW)
    if checkin.help_text:
        help_line = t(lang, "checkins.history.what_would_help", text=clip(checkin.help_text, 120))
        body += f"\n{help_line}"
    return f"{when} · {kind} · {where}", f"{body}\n`{checkin.public_id}`"


def history_pages(
    entries: Sequence[CheckIn],
    posts: dict[int, AnonPost],
    *,
    spark: str,
    streak_days: int,
    tz: ZoneInfo,
    lang: str = DEFAULT_LANG,
) -> list[discord.Embed]:
    """Newest first, a few entries per page; every page repeats the mood line."""
    streak = "streak_one" if streak_days == 1 else "streak_many"
    summary = (
        t(lang, "checkins.history.summary", days=SPARK_DAYS, spark=spark)
        + "\n"
        + t(lang, f"checkins.history.{streak}", days=streak_days)
    )
    title = t(lang, "checkins.history.title")
    if not entries:
        empty = t(lang, "checkins.history.empty")
        return [build_embed(title, f"{summary}\n\n{empty}", tone=Tone.CARE)]
    chunks = [entries[i : i + ENTRIES_PER_PAGE] for i in range(0, len(entries), ENTRIES_PER_PAGE)]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        pages.append(
            build_embed(
                title,
                summary,
                tone=Tone.CARE,
                fields=[_entry_line(c, posts.get(c.id), tz, lang) for c in chunk],
                footer=t(
                    lang, "checkins.history.footer", page=number, pages=len(chunks), tz=tz.key
                ),
            )
        )
    return pages
