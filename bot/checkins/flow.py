"""The author's side: saving a check-in, then (if they choose) queueing its anonymous post.

Order matters: the check-in is saved first, so any refusal or failure afterwards (blocked,
rate limit, missing channel or permission) leaves it saved privately and says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from weakref import WeakValueDictionary

import discord

from bot.checkins import notices, repo
from bot.checkins.models import AnonPost, CheckIn, Kind
from bot.checkins.rules import (
    RATE_WINDOW,
    Draft,
    daily_tag,
    due_time,
    local_day,
    next_allowed,
    zone,
)
from bot.client import Bridgeline
from bot.errors import UserFacingError
from bot.i18n import pick_lang, t
from bot.i18n.languages_in_use import reply_lang
from bot.notify import notify_moderators
from bot.privacy import pseudonym
from bot.public_text import sanitize_public
from bot.storage.guilds import GuildSettings, get_settings
from bot.ui.checkin_embeds import review_embed

log = logging.getLogger(__name__)
QUEUED_EVENT = "checkin_post_queued"  # the cog's sender wakes up on it
REVIEW_SEVERITIES = frozenset({"high", "imminent"})
#: Builds a review request's buttons: (post id, the server's language).
ReviewViewFactory = Callable[[int, str], discord.ui.View]

#: A second identical entry this soon is the member's retry of one whose reply never reached
#: them (an interaction's token lives 15 minutes): it is the same check-in, saved once.
SAME_ENTRY_WINDOW = timedelta(minutes=15)
# One request_post at a time per check-in, so a double press sees the first one's post.
_posting: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()


@dataclass(frozen=True)
class Author:
    """The bot, the server and the invoking member's pseudonym: everything the flow needs."""

    bot: Bridgeline
    guild: discord.Guild
    pseudonym: str


@dataclass(frozen=True)
class PostOutcome:
    text: str
    post: AnonPost | None = None
    #: The check-in already had a post (a second press): nothing new happened.
    repeat: bool = False


def author_of(interaction: discord.Interaction) -> Author:
    client = interaction.client
    if not isinstance(client, Bridgeline):
        raise TypeError("check-ins need the Bridgeline client")
    guild = interaction.guild
    if guild is None:
        raise UserFacingError(key="checkins.dm_only")
    return Author(client, guild, pseudonym(client.settings.secret, guild.id, interaction.user.id))


async def save(
    author: Author, draft: Draft, *, prompt: str | None = None, kind: Kind = "checkin"
) -> CheckIn:
    """Stores the entry; the same words again within SAME_ENTRY_WINDOW return the first."""
    now = author.bot.clock.now()
    checkin = await repo.add_checkin(
        author.bot.db,
        guild_id=author.guild.id,
        pseudonym=author.pseudonym,
        body=draft.body,
        mood=draft.mood,
        help_text=draft.help_text,
        prompt=prompt,
        kind=kind,
        now=now,
        same_since=now - SAME_ENTRY_WINDOW,
    )
    log.info("Check-in %s saved in guild %s", checkin.public_id, author.guild.id)
    return checkin


async def severity_of(author: Author, text: str) -> str | None:
    detection = await author.bot.scanner.scan_async(text, author.guild.id)
    return detection.severity if detection.flagged else None


def typed_text(checkin: CheckIn) -> str:
    """Everything the member typed into the check-in: the reflection and "what would help"."""
    return "\n".join(part for part in (checkin.body, checkin.help_text) if part)


async def raise_flag(author: Author, interaction: discord.Interaction, checkin: CheckIn) -> None:
    """After the member has had their reply: the safety cog follows up with resources. Reads
    every field they typed (the optional "what would help" too), with the one scanner."""
    detection = await author.bot.scanner.scan_async(typed_text(checkin), author.guild.id)
    if detection.flagged:
        log.info("Check-in %s flagged (%s)", checkin.public_id, detection.severity)
        author.bot.dispatch("checkin_flagged", interaction, detection, checkin.public_id)


def _missing_permission(
    channel: discord.abc.GuildChannel | discord.Thread, me: discord.Member
) -> str | None:
    perms = channel.permissions_for(me)
    needed = ["view_channel", "embed_links"]
    needed.append(
        "send_messages_in_threads" if isinstance(channel, discord.Thread) else "send_messages"
    )
    missing = [name for name in needed if not getattr(perms, name)]
    return missing[0] if missing else None


def _when(max_delay_s: int, lang: str) -> str:
    if max_delay_s <= 5:
        return t(lang, "checkins.posting.in_a_moment")
    if max_delay_s <= 90:
        return t(lang, "checkins.posting.within_seconds", seconds=max_delay_s)
    return t(lang, "checkins.posting.within_minutes", minutes=round(max_delay_s / 60))


async def _refusal(
    author: Author, settings: GuildSettings, channel_id: int | None, now: datetime, lang: str
) -> str | None:
    """Why this author can't post anonymously right now, or None."""
    db, guild = author.bot.db, author.guild
    if await repo.is_blocked(db, guild.id, author.pseudonym):
        return t(lang, "checkins.posting.blocked")
    if channel_id is None:
        return t(lang, "checkins.posting.no_channel")
    channel = guild.get_channel_or_thread(channel_id)
    if not isinstance(channel, discord.TextChannel | discord.Thread):
        return t(lang, "checkins.posting.channel_gone")
    missing = _missing_permission(channel, guild.me)
    if missing:
        return t(lang, "checkins.posting.no_permission", channel=channel.mention,
                 missing=t(lang, f"setup.permissions.{missing}"))  # fmt: skip
    recent = await repo.recent_post_times(db, guild.id, author.pseudonym, now - RATE_WINDOW)
    allowed_at = next_allowed(recent, now, settings.anon_rate_per_hour)
    if allowed_at is not None:
        minutes = max(1, round((allowed_at - now).total_seconds() / 60))
        return t(lang, "checkins.posting.rate_limited", limit=settings.anon_rate_per_hour,
                 minutes=minutes)  # fmt: skip
    return None


async def request_post(
    author: Author,
    interaction: discord.Interaction,
    checkin: CheckIn,
    *,
    review_view: ReviewViewFactory,
    channel_id: int | None = None,
    reply_to_message_id: int | None = None,
) -> PostOutcome:
    """Queues the anonymous post of a saved check-in, or explains why it stays private.
    Idempotent: a second call for the same check-in (a double press, a retry) queues nothing
    and says so."""
    lang = await reply_lang(author.bot.db, interaction)
    lock = _posting.setdefault(checkin.id, asyncio.Lock())
    async with lock:
        existing = await repo.post_for_checkin(author.bot.db, checkin.id)
        if existing is not None:
            return PostOutcome(t(lang, "checkins.posting.already_chosen"), existing, repeat=True)
        return await _request_post(author, interaction, checkin, review_view=review_view,
                                   channel_id=channel_id, reply_to_message_id=reply_to_message_id,
                                   lang=lang)  # fmt: skip


async def _request_post(
    author: Author,
    interaction: discord.Interaction,
    checkin: CheckIn,
    *,
    review_view: ReviewViewFactory,
    channel_id: int | None,
    reply_to_message_id: int | None,
    lang: str,
) -> PostOutcome:
    bot, guild = author.bot, author.guild
    settings = await get_settings(bot.db, guild.id)
    channel_id = channel_id if channel_id is not None else settings.checkin_channel_id
    now = bot.clock.now()
    refusal = await _refusal(author, settings, channel_id, now, lang)
    if refusal is not None or channel_id is None:
        return PostOutcome(refusal or t(lang, "checkins.posting.no_channel"))
    public = sanitize_public(checkin.body)
    severity = await severity_of(author, checkin.body)
    flagged = severity in REVIEW_SEVERITIES
    tag = None
    # No daily tag on a check-in that raised a safety alert: if its author asks a moderator to
    # reach out, the tag would point the moderator to their other posts of the day.
    if settings.anon_daily_tag and severity is None:
        tag = daily_tag(
            bot.settings.secret, author.pseudonym, local_day(now, zone(settings.timezone))
        )
    review = settings.approval_queue or flagged
    post = await repo.add_post(
        bot.db,
        checkin=checkin,
        channel_id=channel_id,
        body=public.text,
        status="awaiting_approval" if review else "queued",
        now=now,
        due_at=None if review else due_time(now, settings.anon_delay_max_s),
        tag=tag,
        reply_to_message_id=reply_to_message_id,
    )
    if post is None:  # another process got there first; the lock covers this one
        chosen = t(lang, "checkins.posting.already_chosen")
        return PostOutcome(chosen, await repo.post_for_checkin(bot.db, checkin.id), True)
    note = t(lang, "checkins.posting.invites_note") if public.invites_removed else ""
    where = f"<#{channel_id}>"
    notices.remember(bot, post.id, interaction)
    if not review:
        bot.dispatch(QUEUED_EVENT)
        log.info("Anonymous post %s queued in guild %s", post.id, guild.id)
        when = _when(settings.anon_delay_max_s, lang)
        return PostOutcome(
            t(lang, "checkins.posting.queued", channel=where, when=when) + note, post
        )
    team_lang = pick_lang(settings.language)  # the review request is the moderators'
    embed = review_embed(post, post.label, team_lang)
    message = await notify_moderators(
        bot.db, guild, embed=embed, view=review_view(post.id, team_lang), owner_fallback=False
    )
    if message is None:
        notices.forget(bot, post.id)
        await repo.transition(bot.db, post.id, "failed", allowed_from=("awaiting_approval",),
                              failure="no_reviewers")  # fmt: skip
        return PostOutcome(t(lang, "checkins.posting.no_reviewers"))
    await repo.set_review_message(bot.db, post.id, message.channel.id, message.id)
    log.info("Anonymous post %s waiting for review in guild %s", post.id, guild.id)
    key = "in_review_flagged" if flagged and not settings.approval_queue else "in_review"
    return PostOutcome(t(lang, f"checkins.posting.{key}", channel=where) + note, post)
