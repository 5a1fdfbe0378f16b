"""The check-in modal and its helpers. `open_checkin_modal` is the entry point other features
use (the daily prompt's "Reflect privately" button)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.checkins import flow
from bot.checkins.buttons import share_view
from bot.checkins.rules import MAX_HELP, MAX_REFLECTION, InvalidCheckin, validate_checkin
from bot.client import bridgeline_of
from bot.errors import log_storage_trouble, send_private, storage_trouble
from bot.i18n import DEFAULT_LANG, t
from bot.i18n.languages_in_use import reply_lang
from bot.safety_guard import send_support
from bot.storage.guilds import get_settings
from bot.ui.checkin_embeds import invalid_embed, saved_embed
from bot.ui.embeds import clip
from bot.ui.views import BaseModal, InvokerOnlyView

PROMPT_DISPLAY_LIMIT = 1500
MOOD_VALUES = ("1", "2", "3", "4", "5")
# Field ids (the modal itself gets a random id per instance): tests and the sandbox use them.
MOOD_ID, BODY_ID, HELP_ID = "checkin:mood", "checkin:body", "checkin:help"


@dataclass(frozen=True)
class Typed:
    """What the member typed, kept in memory only, to refill the modal after a refusal."""

    mood: str = ""
    body: str = ""
    help: str = ""


class CheckinModal(BaseModal):
    def __init__(
        self, *, prompt_text: str | None, typed: Typed | None = None, lang: str = DEFAULT_LANG
    ) -> None:
        super().__init__(title=t(lang, "checkins.modal.title"))
        typed = typed or Typed()
        self.prompt_text, self.lang = prompt_text, lang
        if prompt_text:
            shown = clip(prompt_text, PROMPT_DISPLAY_LIMIT)
            self.add_item(discord.ui.TextDisplay(t(lang, "checkins.modal.prompt", prompt=shown)))
        self.mood: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=MOOD_ID,
            placeholder=t(lang, "checkins.modal.mood_placeholder"),
            min_values=1,
            max_values=1,
            options=[
                discord.SelectOption(
                    label=f"{value} · {t(lang, f'checkins.moods.{value}')}",
                    value=value,
                    default=value == typed.mood,
                )
                for value in MOOD_VALUES
            ],
        )
        self.body: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id=BODY_ID, style=discord.TextStyle.paragraph, max_length=MAX_REFLECTION,
            placeholder=t(lang, "checkins.modal.body_placeholder"),
            default=typed.body[:MAX_REFLECTION] or None,
        )  # fmt: skip
        self.help: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id=HELP_ID, style=discord.TextStyle.short, max_length=MAX_HELP, required=False,
            default=typed.help[:MAX_HELP] or None,
        )  # fmt: skip
        for label, component in (
            ("mood_label", self.mood),
            ("body_label", self.body),
            ("help_label", self.help),
        ):
            self.add_item(
                discord.ui.Label(text=t(lang, f"checkins.modal.{label}"), component=component)
            )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        author = flow.author_of(interaction)
        lang = await reply_lang(author.bot.db, interaction)
        mood = self.mood.values[0] if self.mood.values else ""
        typed = Typed(mood, self.body.value, self.help.value)
        try:
            draft = validate_checkin(typed.mood, typed.body, typed.help)
        except InvalidCheckin as problem:
            # Refused text is read all the same; flagged text is not shown back (the modal's
            # "Try again" still refills it), and the private reply follows.
            text = "\n".join(part for part in (typed.body, typed.help) if part.strip())
            detection = await author.bot.scanner.scan_async(text, author.guild.id) if text else None
            flagged = detection is not None and detection.flagged
            retry = RetryView(interaction.user.id, self.prompt_text, typed, lang)
            shown = None if flagged else typed.body
            await interaction.response.send_message(
                embed=invalid_embed(problem.text(lang), shown, lang), view=retry, ephemeral=True
            )
            if detection is not None and detection.flagged:
                await send_support(author.bot, interaction, detection)
            return
        try:
            checkin = await flow.save(author, draft, prompt=self.prompt_text)
        except Exception as exc:
            trouble = storage_trouble(exc, lang)
            if trouble is None:
                raise
            log_storage_trouble("checkin new", exc)  # one line; the member keeps their words
            retry = RetryView(interaction.user.id, self.prompt_text, typed, lang)
            await interaction.response.send_message(
                embed=invalid_embed(trouble, typed.body, lang), view=retry, ephemeral=True
            )
            return
        settings = await get_settings(author.bot.db, author.guild.id)
        can_share = settings.checkin_channel_id is not None
        embed = saved_embed(checkin, can_share=can_share, lang=lang)
        if can_share:
            share = share_view(checkin.public_id, lang)
            await interaction.response.send_message(embed=embed, view=share, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        await flow.raise_flag(author, interaction, checkin)


class RetryView(InvokerOnlyView):
    """Reopens the modal with what the member typed (the draft exists only in this view)."""

    def __init__(self, owner_id: int, prompt_text: str | None, typed: Typed, lang: str) -> None:
        super().__init__(owner_id, timeout=900)
        self.prompt_text, self.typed, self.lang = prompt_text, typed, lang
        self.retry.label = t(lang, "checkins.modal.try_again")

    @discord.ui.button(label="Try again", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(
            CheckinModal(prompt_text=self.prompt_text, typed=self.typed, lang=self.lang)
        )


async def open_checkin_modal(
    interaction: discord.Interaction, *, prompt_text: str | None, lang: str | None = None
) -> None:
    """Opens the check-in modal as the response to `interaction` (not yet responded to), in
    `lang` (the member's language, looked up when not given)."""
    if lang is None:
        lang = await reply_lang(bridgeline_of(interaction).db, interaction)
    if interaction.guild is None:
        await send_private(interaction, t(lang, "checkins.dm_only"))
        return
    await interaction.response.send_modal(CheckinModal(prompt_text=prompt_text, lang=lang))
