"""Members' reports of anonymous posts, and moderators acting on them.

- Report opens a modal with an optional reason. An author pressing Report on their own post
  (same pseudonym) is told privately and nobody else hears of it, so moderators learn nothing.
- Remove and Block ask the moderator to confirm first, from the context menus and from the
  buttons of a report alert alike.
- After either action every report alert about the post is edited in place: who handled it,
  and the buttons that no longer apply are disabled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

import discord

from bot.checkins import moderation, repo
from bot.checkins.flow import author_of
from bot.checkins.models import AnonPost
from bot.client import Bridgeline
from bot.errors import UserFacingError, send_private
from bot.storage import audit
from bot.ui.checkin_embeds import report_handled_embed
from bot.ui.views import BaseModal, ConfirmView

log = logging.getLogger(__name__)
Action = Literal["remove", "block"]
#: Builds a report alert's buttons: (post id, removed=..., blocked=...).
ReportViewFactory = Callable[..., discord.ui.View]

REASON_LIMIT = 300
REASON_ID = "checkin:report_reason"
OWN_POST = moderation.OWN_POST
TAKEN_DOWN = "Thanks. That post has already been taken down."
ALREADY = "You already reported this post. Moderators have been told."
QUESTIONS: dict[Action, str] = {
    "remove": "Remove this anonymous post by `{label}`? It is deleted from the channel for "
    "everyone.",
    "block": "Block the author of `{label}` from posting anonymously? Their posts on their way "
    "are cancelled (posts awaiting approval stay yours to decide); they can still check in "
    "privately. `/checkin unblock {label}` undoes it.",
}
CONFIRM_LABELS: dict[Action, str] = {"remove": "Remove post", "block": "Block author"}
NO_ANSWER = "No answer, so nothing changed."
HANDLED_ACTIONS = {
    "checkins.anon_removed": "Post removed by <@{actor}>",
    "checkins.anon_blocked": "Author blocked by <@{actor}>",
}


# ---- members ---------------------------------------------------------------------------------
async def _refusal(bot: Bridgeline, post: AnonPost, reporter: str) -> str | None:
    """Why this member's report goes no further, or None."""
    if post.status not in moderation.LIVE:
        return TAKEN_DOWN
    if post.pseudonym == reporter:
        return OWN_POST
    if await repo.has_report(bot.db, post.id, reporter):
        return ALREADY
    return None


class ReportModal(BaseModal, title="Report this anonymous post"):
    reason: discord.ui.TextInput[BaseModal] = discord.ui.TextInput(
        label="What's the problem? (optional)",
        custom_id=REASON_ID,
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=REASON_LIMIT,
        placeholder="Moderators read this. Your name is not shown to them.",
    )

    def __init__(self, post_id: int, view_factory: ReportViewFactory) -> None:
        super().__init__()
        self.post_id, self.view_factory = post_id, view_factory

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = await moderation.report(
            interaction, self.post_id, self.view_factory(self.post_id), reason=self.reason.value
        )
        await send_private(interaction, text)


async def start_report(
    interaction: discord.Interaction, post_id: int, view_factory: ReportViewFactory
) -> None:
    """The Report button: refuse early (own post, already reported, gone) or ask for a reason."""
    author = author_of(interaction)
    post = await repo.get_post(author.bot.db, post_id)
    if post is None or post.guild_id != author.guild.id:
        raise UserFacingError(moderation.GONE)
    refusal = await _refusal(author.bot, post, author.pseudonym)
    if refusal is not None:
        await send_private(interaction, refusal)
        return
    await interaction.response.send_modal(ReportModal(post_id, view_factory))


# ---- moderators ------------------------------------------------------------------------------
async def confirm_and_act(
    interaction: discord.Interaction,
    post: AnonPost,
    action: Action,
    view_factory: ReportViewFactory,
) -> None:
    """Asks first, then removes the post or blocks its author, then updates the report alerts."""
    bot = await moderation.require_moderator(interaction)
    if action == "remove" and post.status not in moderation.LIVE:
        raise UserFacingError(moderation.ALREADY_REMOVED)
    label = post.label
    confirm = ConfirmView(interaction.user.id, confirm_label=CONFIRM_LABELS[action], danger=True)
    await interaction.response.send_message(
        QUESTIONS[action].format(label=label), view=confirm, ephemeral=True
    )
    if await confirm.wait() or confirm.confirmed is None:
        await interaction.edit_original_response(content=NO_ANSWER, view=None)
        return
    if not confirm.confirmed:
        return
    done = confirm.interaction
    try:
        text = await _act(done, bot, post, action)
    except UserFacingError as problem:
        await done.response.edit_message(content=str(problem), view=None)
        return
    await done.response.edit_message(content=text, view=None)
    await refresh_report_alerts(bot, post.id, view_factory)


async def _act(
    interaction: discord.Interaction, bot: Bridgeline, post: AnonPost, action: Action
) -> str:
    current = await repo.get_post(bot.db, post.id)
    if current is None:
        raise UserFacingError(moderation.GONE)
    # A post still being confirmed has no message id stored yet: keep the one we were given.
    current = replace(current, message_id=current.message_id or post.message_id)
    if action == "block":
        return await moderation.block_author(interaction, current)
    if current.status not in moderation.LIVE or current.message_id is None:
        raise UserFacingError(moderation.ALREADY_REMOVED)
    return await moderation.remove_post(interaction, current)


async def handled_lines(bot: Bridgeline, post: AnonPost) -> list[str]:
    """Who removed the post or blocked its author, from the audit trail."""
    entries = await audit.for_detail(bot.db, post.guild_id, f"post {post.id}", HANDLED_ACTIONS)
    # Only what was done from this post: a block made from another post is not mentioned,
    # since it would tell moderators that the two posts share an author.
    return [HANDLED_ACTIONS[e.action].format(actor=e.actor_id) for e in entries]


async def refresh_report_alerts(
    bot: Bridgeline, post_id: int, view_factory: ReportViewFactory
) -> int:
    """Edits every report alert about the post; returns how many were updated."""
    post = await repo.get_post(bot.db, post_id)
    if post is None:
        return 0
    removed = post.status not in moderation.LIVE
    blocked = await repo.label_blocked(bot.db, post.guild_id, post.label)
    lines = await handled_lines(bot, post)
    updated = 0
    for channel_id, message_id in await repo.report_alerts(bot.db, post.id):
        message = bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            shown = await message.fetch()
            embed = report_handled_embed(shown.embeds[0], lines, removed=removed)
            view: Any = view_factory(post.id, removed=removed, blocked=blocked)
            await message.edit(embed=embed, view=view)
        except (discord.HTTPException, IndexError) as exc:
            log.warning("Could not update report alert %s: %s", message_id, type(exc).__name__)
            continue
        updated += 1
    return updated
