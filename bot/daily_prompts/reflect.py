"""The persistent "Reflect privately" button under each daily prompt.

A DynamicItem whose custom_id carries the local date, so it works on every past post and
after any restart; pressing it opens the check-in modal with that day's prompt attached.
Its label is in the server's language (it sits under a public post); what it says to the
member who pressed it is in theirs.
"""

from __future__ import annotations

import importlib
import re
from datetime import date, datetime
from typing import Any, Protocol

import discord

from bot.daily_prompts.store import prompt_of_the_day
from bot.errors import UserFacingError
from bot.i18n import DEFAULT_LANG, t
from bot.i18n.languages_in_use import reply_lang
from bot.ui.views import guarded, persistent_view


class _Opener(Protocol):
    async def __call__(
        self, interaction: discord.Interaction, *, prompt_text: str | None
    ) -> None: ...


async def _checkin_opener(interaction: discord.Interaction) -> _Opener:
    """The check-ins feature's modal opener (bot.checkins.ui), looked up when pressed so the
    two features load independently."""
    try:
        module = importlib.import_module("bot.checkins.ui")
    except ImportError:
        module = None
    opener: _Opener | None = getattr(module, "open_checkin_modal", None)
    if opener is None:
        lang = await reply_lang(getattr(interaction.client, "db", None), interaction)
        raise UserFacingError(t(lang, "prompts.post.reflect_unavailable"))
    return opener


class ReflectButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bl:prompts:reflect:(?P<day>[0-9]{8})",
):
    def __init__(self, day: date, lang: str = DEFAULT_LANG) -> None:
        super().__init__(
            discord.ui.Button(
                label=t(lang, "prompts.post.reflect_button"),
                style=discord.ButtonStyle.secondary,
                emoji="📝",
                custom_id=f"bl:prompts:reflect:{day:%Y%m%d}",
            )
        )
        self.day = day

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReflectButton:
        return cls(datetime.strptime(match["day"], "%Y%m%d").date())

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        text = await self._prompt_text(interaction)
        opener = await _checkin_opener(interaction)
        await opener(interaction, prompt_text=text)

    async def _prompt_text(self, interaction: discord.Interaction) -> str | None:
        """From the database (exactly what was posted), else from the message itself."""
        db = getattr(interaction.client, "db", None)
        if db is not None and interaction.guild_id is not None:
            text = await prompt_of_the_day(db, interaction.guild_id, self.day)
            if text:
                return text
        message = interaction.message
        if message is not None and message.embeds:
            return message.embeds[0].description
        return None


def reflect_view(day: date, lang: str) -> discord.ui.View:
    """The button under the post, labelled in the server's language."""
    return persistent_view(ReflectButton(day, lang))
