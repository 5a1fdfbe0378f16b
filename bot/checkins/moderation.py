"""Moderating anonymous posts without unmasking: remove, block, approve, reject, report.

Moderators only ever see the post's own label (random, one per post: `AnonPost.label`), so
nothing they see links two posts of one author, and a reveal about one check-in exposes no
other post. The audit trail records that label as the target. Members' reports name nobody.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

import discord

from bot import member_notes
from bot.checkins import notices, repo
from bot.checkins.flow import QUEUED_EVENT, author_of
from bot.checkins.models import AnonPost, PostStatus
from bot.checkins.rules import due_time
from bot.checks import Level, has_level
from bot.client import Bridgeline, bridgeline_of
from bot.errors import UserFacingError
from bot.i18n import member_lang, t
from bot.i18n.languages_in_use import server_lang
from bot.member_notes import Note
from bot.notify import notify_moderators
from bot.public_text import sanitize_public
from bot.quoting import echo
from bot.storage import audit
from bot.storage.guilds import get_settings
from bot.ui.checkin_embeds import report_embed, review_done_embed

log = logging.getLogger(__name__)
#: Catalog keys (checkins.moderators.*, checkins.report.*) other modules raise or answer with.
NOT_A_POST = "checkins.moderators.not_a_post"
FOR_MODERATORS = "checkins.moderators.only_moderators"
GONE = "checkins.moderators.gone"
ALREADY_REMOVED = "checkins.moderators.already_removed"
OWN_POST = "checkins.report.own_post"
#: Statuses of a post visible in the channel ('sending': posted, confirmation in progress).
LIVE: tuple[PostStatus, ...] = ("sending", "posted")
_REPLY_ID = re.compile(r"bl:checkins:reply:(\d+)")


async def require_moderator(interaction: discord.Interaction) -> Bridgeline:
    if not await has_level(interaction, Level.MODERATOR):
        raise UserFacingError(key=FOR_MODERATORS)
    return bridgeline_of(interaction)


async def delete_message(
    bot: discord.Client, channel_id: int | None, message_id: int | None
) -> bool:
    """True when the message is gone (deleted now, or already); False if Discord refused."""
    if channel_id is None or message_id is None:
        return True
    try:
        await bot.get_partial_messageable(channel_id).get_partial_message(message_id).delete()
    except discord.NotFound:
        return True
    except discord.HTTPException as exc:
        log.warning("Could not delete message %s (HTTP %s)", message_id, exc.status)
        return False
    return True


def _preview(post: AnonPost) -> str:
    words = " ".join(post.body.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


async def tell_author(bot: Bridgeline, post: AnonPost, note: Note) -> None:
    """Privately, while their interaction still works; otherwise a note shown the next time
    they use a command here (by pseudonym: moderators learn nothing either way). Either way
    in the author's language."""
    if not await notices.tell(bot, post.id, note, await server_lang(bot.db, post.guild_id)):
        await member_notes.leave(bot.db, post.guild_id, post.pseudonym, note, bot.clock.now())


async def _post_for(bot: Bridgeline, guild_id: int, post_id: int) -> AnonPost:
    post = await repo.get_post(bot.db, post_id)
    if post is None or post.guild_id != guild_id:
        raise UserFacingError(key=GONE)
    return post


def post_id_on(message: discord.Message) -> int | None:
    """The post id carried by the buttons of one of our anonymous posts."""
    for row in message.components:
        for child in getattr(row, "children", []):
            found = _REPLY_ID.fullmatch(getattr(child, "custom_id", None) or "")
            if found:
                return int(found.group(1))
    return None


async def post_from_message(interaction: discord.Interaction, message: discord.Message) -> AnonPost:
    """The post shown by `message`, found by message id, or by the id on its buttons while the
    send is still being confirmed."""
    bot = await require_moderator(interaction)
    assert interaction.guild is not None
    post = await repo.post_by_message(bot.db, interaction.guild.id, message.id)
    if post is None and bot.user is not None and message.author.id == bot.user.id:
        post_id = post_id_on(message)
        post = await repo.get_post(bot.db, post_id) if post_id is not None else None
    if post is None or post.guild_id != interaction.guild.id or post.status not in LIVE:
        raise UserFacingError(key=NOT_A_POST)
    if post.message_id is None:  # still being confirmed: this is the message
        post = replace(post, message_id=message.id)
    return post


async def remove_post(interaction: discord.Interaction, post: AnonPost, lang: str) -> str:
    """Takes the post down; the moderator's confirmation in `lang`."""
    bot = await require_moderator(interaction)
    assert interaction.guild is not None
    if not await delete_message(bot, post.channel_id, post.message_id):
        raise UserFacingError(key="checkins.moderators.delete_refused")
    if not await repo.transition(bot.db, post.id, "removed", allowed_from=LIVE):
        raise UserFacingError(key=ALREADY_REMOVED)  # a second press, or another moderator
    label = post.label
    await audit.record(bot.db, interaction.guild.id, interaction.user.id, "checkins.anon_removed",
                       target=label, detail=f"post {post.id}")  # fmt: skip
    await tell_author(bot, post, Note("checkins.author_notes.removed", {"preview": _preview(post)}))
    return t(lang, "checkins.moderators.removed", label=label)


async def block_author(interaction: discord.Interaction, post: AnonPost, lang: str) -> str:
    """Blocks the post's author; the moderator's confirmation in `lang`."""
    bot = await require_moderator(interaction)
    assert interaction.guild is not None
    guild_id, label = interaction.guild.id, post.label
    if not await repo.block(bot.db, guild_id, label, post.pseudonym, bot.clock.now()):
        return t(lang, "checkins.moderators.already_blocked", label=label)
    # How many of their posts were on their way is not said, and posts waiting for approval are
    # left to the moderators (their review messages untouched): either would tell the moderator
    # that this author has written other posts. Only the author hears of it, privately.
    cancelled = await repo.cancel_pending_of(bot.db, guild_id, post.pseudonym)
    await audit.record(bot.db, guild_id, interaction.user.id, "checkins.anon_blocked",
                       target=label, detail=f"post {post.id}")  # fmt: skip
    if cancelled:
        which = "blocked_one" if cancelled == 1 else "blocked_many"
        note = Note(f"checkins.author_notes.{which}", {"count": cancelled})
        await member_notes.leave(bot.db, guild_id, post.pseudonym, note, bot.clock.now())
    return t(lang, "checkins.moderators.blocked", label=label)


async def unblock(interaction: discord.Interaction, label: str, lang: str) -> str:
    """Lifts a block; the moderator's confirmation in `lang`."""
    bot = await require_moderator(interaction)
    assert interaction.guild is not None
    guild_id, wanted = interaction.guild.id, label.strip().lower()
    if not await repo.unblock(bot.db, guild_id, wanted):
        raise UserFacingError(key="checkins.moderators.no_such_block", label=echo(wanted))
    await audit.record(bot.db, guild_id, interaction.user.id, "checkins.anon_unblocked",
                       target=wanted)  # fmt: skip
    return t(lang, "checkins.moderators.unblocked", label=wanted)


async def blocked_labels(bot: Bridgeline, guild_id: int) -> list[str]:
    return await repo.blocked_labels(bot.db, guild_id)


async def review(interaction: discord.Interaction, post_id: int, *, approve: bool) -> None:
    """Approve (queue with the usual random delay) or reject a post in the approval queue."""
    bot = await require_moderator(interaction)
    assert interaction.guild is not None
    post = await _post_for(bot, interaction.guild.id, post_id)
    label = post.label
    if approve:
        settings = await get_settings(bot.db, post.guild_id)
        due = due_time(bot.clock.now(), settings.anon_delay_max_s)
        done = await repo.transition(bot.db, post.id, "queued", allowed_from=("awaiting_approval",),
                                     due_at=due)  # fmt: skip
    else:
        done = await repo.transition(bot.db, post.id, "rejected",
                                     allowed_from=("awaiting_approval",))  # fmt: skip
    if not done:
        raise UserFacingError(key="checkins.moderators.already_handled")
    verdict = "approved" if approve else "rejected"
    await audit.record(bot.db, post.guild_id, interaction.user.id, f"checkins.anon_{verdict}",
                       target=label, detail=f"post {post.id}")  # fmt: skip
    server = await server_lang(bot.db, post.guild_id)  # the review message is the team's
    embed = review_done_embed(post, label, verdict, interaction.user.mention, server)
    await interaction.response.edit_message(embed=embed, view=None)
    if approve:
        bot.dispatch(QUEUED_EVENT)
    else:
        await tell_author(
            bot, post, Note("checkins.author_notes.rejected", {"preview": _preview(post)})
        )


async def report(
    interaction: discord.Interaction, post_id: int, view: discord.ui.View, *, reason: str = ""
) -> str:
    """A member tells moderators about a post; neither side learns the other's identity. An
    author reporting their own post is answered privately and nothing is sent or stored.
    Returns the reply to the member, in their language."""
    author = author_of(interaction)
    bot, guild = author.bot, author.guild
    server = await server_lang(bot.db, guild.id)
    lang = member_lang(interaction, server)
    post = await _post_for(bot, guild.id, post_id)
    if post.status not in LIVE:
        return t(lang, "checkins.report.taken_down")
    if post.pseudonym == author.pseudonym:
        return t(lang, OWN_POST)
    if not await repo.add_report(bot.db, post, author.pseudonym, bot.clock.now()):
        return t(lang, "checkins.report.already")
    jump = None
    message_id = post.message_id or (interaction.message.id if interaction.message else None)
    if message_id:
        jump = f"https://discord.com/channels/{guild.id}/{post.channel_id}/{message_id}"
    given = sanitize_public(reason).text.strip() if reason.strip() else None
    embed = report_embed(post, post.label, jump, given, server)
    sent = await notify_moderators(bot.db, guild, embed=embed, view=view, owner_fallback=False)
    if sent is None:
        return t(lang, "checkins.report.unreachable")
    await repo.set_report_alert(bot.db, post.id, author.pseudonym, sent.channel.id, sent.id)
    log.info("Anonymous post %s reported in guild %s", post.id, guild.id)
    return t(lang, "checkins.report.sent")
