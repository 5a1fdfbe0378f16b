"""Persistent buttons of the feature (DynamicItems: the id in the custom_id survives restarts).

Prefix `bl:checkins:`. Who may press is decided in the handlers: the author is recognised by
recomputing their pseudonym, moderators through bot.checks.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.checkins import flow, moderation, repo, reports
from bot.checkins.rules import MAX_REFLECTION, Draft, InvalidCheckin, validate_text
from bot.client import bridgeline_of
from bot.errors import UserFacingError, log_storage_trouble, storage_trouble
from bot.i18n import DEFAULT_LANG, t
from bot.i18n.languages_in_use import reply_lang
from bot.safety_guard import send_support
from bot.ui.checkin_embeds import invalid_embed, saved_embed
from bot.ui.views import BaseModal, guarded, persistent_view

log = logging.getLogger(__name__)
Button = discord.ui.Button[Any]
PREFIX = "bl:checkins"


# ---- the author's buttons ----------------------------------------------------------------------
class ShareButton(discord.ui.DynamicItem[Button], template=rf"{PREFIX}:share:(?P<ref>c[a-z0-9]+)"):
    """On the private "saved" reply: post this check-in anonymously."""

    def __init__(self, public_id: str, lang: str = DEFAULT_LANG) -> None:
        # A button rebuilt from its custom_id (a press after a restart) keeps the label the
        # message shows; the label given here matters only when the reply is first sent.
        super().__init__(discord.ui.Button(label=t(lang, "checkins.posting.post_button"), emoji="🕊️",
                         style=discord.ButtonStyle.primary,
                         custom_id=f"{PREFIX}:share:{public_id}"))  # fmt: skip
        self.public_id = public_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ShareButton:
        return cls(str(match["ref"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._share(interaction))

    async def _share(self, interaction: discord.Interaction) -> None:
        author = flow.author_of(interaction)
        checkin = await repo.get_checkin(author.bot.db, author.guild.id, self.public_id)
        if checkin is None or checkin.pseudonym != author.pseudonym:
            raise UserFacingError(key="checkins.checkin_gone")
        # The checks and the safety scan can outlast Discord's 3 s under load: answer first.
        await interaction.response.defer()
        outcome = await flow.request_post(author, interaction, checkin, review_view=review_view)
        if outcome.repeat:  # a second press: the first one's answer stays on the message
            await interaction.followup.send(outcome.text, ephemeral=True)
        elif outcome.post is None:  # refused: keep the button, so they can try again later
            await interaction.edit_original_response(content=outcome.text)
        else:
            lang = await reply_lang(author.bot.db, interaction)
            saved = saved_embed(checkin, can_share=False, lang=lang)
            await interaction.edit_original_response(content=outcome.text, embed=saved, view=None)


# ---- on every anonymous post -------------------------------------------------------------------
class ReplyButton(discord.ui.DynamicItem[Button], template=rf"{PREFIX}:reply:(?P<id>\d+)"):
    def __init__(self, post_id: int, lang: str = DEFAULT_LANG) -> None:
        super().__init__(discord.ui.Button(label=t(lang, "checkins.reply.button"),
                         style=discord.ButtonStyle.secondary,
                         custom_id=f"{PREFIX}:reply:{post_id}"))  # fmt: skip
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReplyButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        message_id = interaction.message.id if interaction.message else None
        lang = await reply_lang(bridgeline_of(interaction).db, interaction)
        await interaction.response.send_modal(ReplyModal(self.post_id, message_id, lang))


class ReportButton(discord.ui.DynamicItem[Button], template=rf"{PREFIX}:report:(?P<id>\d+)"):
    def __init__(self, post_id: int, lang: str = DEFAULT_LANG) -> None:
        super().__init__(discord.ui.Button(label=t(lang, "checkins.report.button"),
                         style=discord.ButtonStyle.secondary,
                         custom_id=f"{PREFIX}:report:{post_id}"))  # fmt: skip
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReportButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._report(interaction))

    async def _report(self, interaction: discord.Interaction) -> None:
        await reports.start_report(interaction, self.post_id, report_view)


class ReplyModal(BaseModal):
    def __init__(self, post_id: int, message_id: int | None, lang: str = DEFAULT_LANG) -> None:
        super().__init__(title=t(lang, "checkins.reply.modal_title"))
        self.post_id, self.message_id, self.lang = post_id, message_id, lang
        self.reply: discord.ui.TextInput[BaseModal] = discord.ui.TextInput(
            label=t(lang, "checkins.reply.label"),
            custom_id="checkin:reply",
            style=discord.TextStyle.paragraph,
            max_length=MAX_REFLECTION,
            placeholder=t(lang, "checkins.reply.placeholder"),
        )
        self.add_item(self.reply)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        author = flow.author_of(interaction)
        lang = self.lang
        try:
            body = validate_text(self.reply.value, what="reply")
        except InvalidCheckin as problem:
            typed = self.reply.value
            detection = (
                await author.bot.scanner.scan_async(typed, author.guild.id)
                if typed.strip()
                else None
            )
            flagged = detection is not None and detection.flagged
            shown = None if flagged else typed  # flagged text is not shown back
            await interaction.response.send_message(
                embed=invalid_embed(problem.text(lang), shown, lang), ephemeral=True
            )
            if detection is not None and detection.flagged:
                await send_support(author.bot, interaction, detection)
            return
        target = await repo.get_post(author.bot.db, self.post_id)
        live = (
            target is not None
            and target.status in moderation.LIVE
            and target.guild_id == author.guild.id
        )
        reply_to = (target.message_id if target else None) or self.message_id
        if target is None or not live or reply_to is None:
            raise UserFacingError(key="checkins.reply.post_gone")
        # Saving, the safety scan and the checks can outlast Discord's 3 s under load.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            checkin = await flow.save(author, Draft(None, body, None), kind="reply")
        except Exception as exc:
            trouble = storage_trouble(exc, lang)
            if trouble is None:
                raise
            log_storage_trouble("reply", exc)  # one line; the member keeps their words
            await interaction.edit_original_response(embed=invalid_embed(trouble, body, lang))
            return
        outcome = await flow.request_post(
            author, interaction, checkin, review_view=review_view,
            channel_id=target.channel_id, reply_to_message_id=reply_to,
        )  # fmt: skip
        await interaction.edit_original_response(
            content=t(lang, "checkins.reply.saved", ref=checkin.public_id, outcome=outcome.text)
        )
        await flow.raise_flag(author, interaction, checkin)


# ---- moderators' buttons -----------------------------------------------------------------------
class ReviewButton(
    discord.ui.DynamicItem[Button], template=rf"{PREFIX}:(?P<verdict>approve|reject):(?P<id>\d+)"
):
    def __init__(self, post_id: int, approve: bool, lang: str = DEFAULT_LANG) -> None:
        verdict = "approve" if approve else "reject"
        super().__init__(discord.ui.Button(
            label=t(lang, f"checkins.moderators.{verdict}"),
            style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
            custom_id=f"{PREFIX}:{verdict}:{post_id}",
        ))  # fmt: skip
        self.post_id, self.approve = post_id, approve

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReviewButton:
        return cls(int(match["id"]), match["verdict"] == "approve")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction, moderation.review(interaction, self.post_id, approve=self.approve)
        )


class ModerateButton(
    discord.ui.DynamicItem[Button], template=rf"{PREFIX}:(?P<action>remove|block):(?P<id>\d+)"
):
    """On a report alert: the same actions as the context menus."""

    def __init__(
        self, post_id: int, action: str, *, disabled: bool = False, lang: str = DEFAULT_LANG
    ) -> None:
        label = t(lang, f"checkins.moderators.{'remove' if action == 'remove' else 'block'}_button")
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.danger,
                         custom_id=f"{PREFIX}:{action}:{post_id}", disabled=disabled))  # fmt: skip
        self.post_id, self.action = post_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ModerateButton:
        return cls(int(match["id"]), str(match["action"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._act(interaction))

    async def _act(self, interaction: discord.Interaction) -> None:
        bot = await moderation.require_moderator(interaction)
        post = await repo.get_post(bot.db, self.post_id)
        if post is None or interaction.guild is None or post.guild_id != interaction.guild.id:
            raise UserFacingError(key=moderation.GONE)
        action: reports.Action = "remove" if self.action == "remove" else "block"
        await reports.confirm_and_act(interaction, post, action, report_view)


DYNAMIC_ITEMS = (ShareButton, ReplyButton, ReportButton, ReviewButton, ModerateButton)


def share_view(public_id: str, lang: str = DEFAULT_LANG) -> discord.ui.View:
    """The member's own private reply: their language."""
    return persistent_view(ShareButton(public_id, lang))


def public_post_view(post_id: int, lang: str = DEFAULT_LANG) -> discord.ui.View:
    """Under a public post: the server's language."""
    return persistent_view(ReplyButton(post_id, lang), ReportButton(post_id, lang))


def review_view(post_id: int, lang: str = DEFAULT_LANG) -> discord.ui.View:
    """Under a review request to moderators: the server's language."""
    return persistent_view(ReviewButton(post_id, True, lang), ReviewButton(post_id, False, lang))


def report_view(
    post_id: int, *, removed: bool = False, blocked: bool = False, lang: str = DEFAULT_LANG
) -> discord.ui.View:
    """Under a report alert to moderators: the server's language."""
    return persistent_view(
        ModerateButton(post_id, "remove", disabled=removed, lang=lang),
        ModerateButton(post_id, "block", disabled=blocked, lang=lang),
    )
