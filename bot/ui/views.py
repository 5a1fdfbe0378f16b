"""Shared views: error handling, invoker-only views, confirmation and paging."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any

import discord

from bot.errors import error_reply_lang, report_interaction_error, send_private
from bot.i18n import DEFAULT_LANG, t

#: In English for tests; the presser reads it in their own language.
NOT_YOURS = t(DEFAULT_LANG, "errors.buttons.not_yours")


class BaseView(discord.ui.View):
    """Routes component errors through the one error handler."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_interaction_error(interaction, error)


class BaseModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_interaction_error(interaction, error)


def persistent_view(*items: discord.ui.Item[Any]) -> BaseView:
    """A view with no timeout for DynamicItems, whose custom_ids carry their own state."""
    view = BaseView(timeout=None)
    for item in items:
        view.add_item(item)
    return view


async def guarded(interaction: discord.Interaction, work: Awaitable[object]) -> None:
    """DynamicItems bypass BaseView.on_error: route their failures through the one handler."""
    try:
        await work
    except Exception as error:
        await report_interaction_error(interaction, error)


class InvokerOnlyView(BaseView):
    """Only the member the reply was made for may press its buttons."""

    def __init__(self, owner_id: int, *, timeout: float | None = 600) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await send_private(
            interaction, t(await error_reply_lang(interaction), "errors.buttons.not_yours")
        )
        return False


class ConfirmView(InvokerOnlyView):
    """Two buttons; `wait()` then read `confirmed` (None on timeout) and answer `interaction`.

    Only the first press decides. The view stays registered until its timeout, so a second
    press (a double click, or a click before Discord showed the first answer) still gets a
    private answer instead of "This interaction failed". `lang`: the language of its labels
    and answers (the reply's)."""

    def __init__(
        self,
        owner_id: int,
        *,
        confirm_label: str | None = None,
        danger: bool = False,
        lang: str = DEFAULT_LANG,
    ) -> None:
        super().__init__(owner_id, timeout=120)
        self.lang = lang
        self.confirmed: bool | None = None
        self._decided = asyncio.Event()
        self.confirm.label = confirm_label or t(lang, "errors.buttons.confirm")
        self.cancel.label = t(lang, "errors.buttons.cancel")
        if danger:
            self.confirm.style = discord.ButtonStyle.danger

    async def wait(self) -> bool:
        """True on timeout (nothing pressed), False once a button was pressed."""
        await self._decided.wait()
        return self.confirmed is None

    async def on_timeout(self) -> None:
        self._decided.set()

    def stop(self) -> None:
        super().stop()
        self._decided.set()

    async def _again(self, interaction: discord.Interaction) -> bool:
        if self.confirmed is None:
            return False
        key = "already_confirmed" if self.confirmed else "already_cancelled"
        await send_private(interaction, t(self.lang, f"errors.buttons.{key}"))
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.primary)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        if await self._again(interaction):
            return
        self.confirmed = True
        self.interaction = interaction
        self._decided.set()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        if await self._again(interaction):
            return
        self.confirmed = False
        self.interaction = interaction
        self._decided.set()
        await interaction.response.edit_message(
            content=t(self.lang, "errors.buttons.cancelled"), view=None, embeds=[]
        )


class Paginator(InvokerOnlyView):
    """Pages of embeds with Previous/Next; the page number lives in the footer-free label."""

    def __init__(
        self, owner_id: int, pages: Sequence[discord.Embed], *, lang: str = DEFAULT_LANG
    ) -> None:
        if not pages:
            raise ValueError("a paginator needs at least one page")
        super().__init__(owner_id)
        self.pages = list(pages)
        self.index = 0
        self.speak(lang)
        self._sync_buttons()

    def speak(self, lang: str) -> Paginator:
        """Label Previous/Next in `lang` (for subclasses built without one)."""
        self.previous.label = t(lang, "errors.buttons.previous")
        self.next.label = t(lang, "errors.buttons.next")
        return self

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1} / {len(self.pages)}"

    @property
    def current(self) -> discord.Embed:
        return self.pages[self.index]

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.current, view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)
