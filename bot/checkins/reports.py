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
from bot.client import Bridgeline, bridgeline_of
from bot.errors import UserFacingError, send_private
from bot.i18n import t
from bot.i18n.languages_in_use import reply_lang, server_lang
from bot.storage import audit
from bot.ui.checkin_embeds import report_handled_embed
from bot.ui.views import BaseModal, ConfirmView

log = logging.getLogger(__name__)
Action = Literal["remove", "block"]
#: Builds a report alert's buttons: (post id, removed=..., blocked=...).
ReportViewFactory = Callable[..., discord.ui.View]

REASON_LIMIT = 300
REASON_ID = "checkin:report_reason"
#: Audit actions shown on a report alert once handled, with their catalog keys.
HANDLED_ACTIONS = {
    "checkins.anon_removed": "checkins.alert.handled_removed",
    "checkins.anon_blocked": "checkins.alert.handled_blocked",
}


# ---- members ---------------------------------------------------------------------------------
async def _refusal(bot: Bridgeline, post: AnonPost, reporter: str) -> str | None:
    """Why this member's report goes no further (a catalog key), or None."""
    if post.status not in moderation.LIVE:
        return "checkins.report.taken_down"
    if post.pseudonym == reporter:
        return moderation.OWN_POST
    if await repo.has_report(bot.db, post.id, reporter):
        return "checkins.report.already"
    return None


class ReportModal(BaseModal):
    def __init__(self, post_id: int, view_factory: ReportViewFactory, lang: str) -> None:
        super().__init__(title=t(lang, "checkins.report.modal_title"))
        self.post_id, self.view_factory = post_id, view_factory
        self.reason: discord.ui.TextInput[BaseModal] = discord.ui.TextInput(
            label=t(lang, "checkins.report.reason_label"),
            custom_id=REASON_ID,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=REASON_LIMIT,
            placeholder=t(lang, "checkins.report.reason_placeholder"),
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        team_lang = await server_lang(bridgeline_of(interaction).db, interaction.guild_id)
        view = self.view_factory(self.post_id, lang=team_lang)
        text = await moderation.report(interaction, self.post_id, view, reason=self.reason.value)
        await send_private(interaction, text)


async def start_report(
    interaction: discord.Interaction, post_id: int, view_factory: ReportViewFactory
) -> None:
    """The Report button: refuse early (own post, already reported, gone) or ask for a reason."""
    author = author_of(interaction)
    post = await repo.get_post(author.bot.db, post_id)
    if post is None or post.guild_id != author.guild.id:
        raise UserFacingError(key=moderation.GONE)
    lang = await reply_lang(author.bot.db, interaction)
    refusal = await _refusal(author.bot, post, author.pseudonym)
    if refusal is not None:
        await send_private(interaction, t(lang, refusal))
        return
    await interaction.response.send_modal(ReportModal(post_id, view_factory, lang))


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
        raise UserFacingError(key=moderation.ALREADY_REMOVED)
    lang = await reply_lang(bot.db, interaction)
    label = post.label
    confirm = ConfirmView(interaction.user.id, lang=lang, danger=True,
                          confirm_label=t(lang, f"checkins.moderators.{action}_button"))  # fmt: skip
    await interaction.response.send_message(
        t(lang, f"checkins.moderators.confirm_{action}", label=label), view=confirm, ephemeral=True
    )
    if await confirm.wait() or confirm.confirmed is None:
        no_answer = t(lang, "checkins.moderators.no_answer")
        await interaction.edit_original_response(content=no_answer, view=None)
        return
    if not confirm.confirmed:
        return
    done = confirm.interaction
    try:
        text = await _act(done, bot, post, action, lang)
    except UserFacingError as problem:
        await done.response.edit_message(content=problem.text(lang), view=None)
        return
    await done.response.edit_message(content=text, view=None)
    await refresh_report_alerts(bot, post.id, view_factory)


async def _act(
    interaction: discord.Interaction, bot: Bridgeline, post: AnonPost, action: Action, lang: str
) -> str:
    current = await repo.get_post(bot.db, post.id)
    if current is None:
        raise UserFacingError(key=moderation.GONE)
    # A post still being confirmed has no message id stored yet: keep the one we were given.
    current = replace(current, message_id=current.message_id or post.message_id)
    if action == "block":
        return await moderation.block_author(interaction, current, lang)
    if current.status not in moderation.LIVE or current.message_id is None:
        raise UserFacingError(key=moderation.ALREADY_REMOVED)
    return await moderation.remove_post(interaction, current, lang)


async def handled_lines(bot: Bridgeline, post: AnonPost, lang: str) -> list[str]:
    """Who removed the post or blocked its author, from the audit trail."""
    entries = await audit.for_detail(bot.db, post.guild_id, f"post {post.id}", HANDLED_ACTIONS)
    # Only what was done from this post: a block made from another post is not mentioned,
    # since it would tell moderators that the two posts share an author.
    return [t(lang, HANDLED_ACTIONS[e.action], actor=e.actor_id) for e in entries]


async def refresh_report_alerts(
    bot: Bridgeline, post_id: int, view_factory: ReportViewFactory
) -> int:
    """Edits every report alert about the post; returns how many were updated."""
    post = await repo.get_post(bot.db, post_id)
    if post is None:
        return 0
    removed = post.status not in moderation.LIVE
    blocked = await repo.label_blocked(bot.db, post.guild_id, post.label)
    lang = await server_lang(bot.db, post.guild_id)  # report alerts are the team's
    lines = await handled_lines(bot, post, lang)
    updated = 0
    for channel_id, message_id in await repo.report_alerts(bot.db, post.id):
        message = bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            shown = await message.fetch()
            embed = report_handled_embed(shown.embeds[0], lines, removed=removed, lang=lang)
            view: Any = view_factory(post.id, removed=removed, blocked=blocked, lang=lang)
            await message.edit(embed=embed, view=view)
        except (discord.HTTPException, IndexError) as exc:
            log.warning("Could not update report alert %s: %s", message_id, type(exc).__name__)
            continue
        updated += 1
    return updated
