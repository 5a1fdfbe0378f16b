"""The guided /setup start: two steps of select menus, saved only when the manager finishes.

Nothing is written before "Finish", so an abandoned wizard changes nothing; the manager level
is checked again on Finish (permissions may have changed in between: fail closed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.checks import REFUSAL_KEYS, Level, has_level
from bot.content import Region
from bot.errors import NotPermitted, UserFacingError, send_private
from bot.i18n import LANGS, LANGUAGE_NAMES, pick_lang, t
from bot.setup_service import safety_mode_label, setting_label
from bot.storage.guilds import SAFETY_MODES, GuildSettings
from bot.timezones import COMMON_TIMEZONES, proposed_timezone, region_zones
from bot.ui.embeds import clip
from bot.ui.setup_embeds import public_alerts_embed, wizard_embed
from bot.ui.views import InvokerOnlyView

MAX_OPTIONS = 25
PLACEHOLDER_LIMIT = 150
Finish = Callable[[discord.Interaction, dict[str, Any]], Awaitable[None]]


def _placeholder(what: str, current: str | None, lang: str) -> str:
    """The current choice is named in the placeholder rather than sent as `default_values`
    (whose integer ids the fake's spec check rejects; see the report), and leaving the menu
    untouched keeps it."""
    if current:
        text = t(lang, "setup.wizard.keep", what=what, current=current)
    else:
        text = t(lang, "setup.wizard.choose", what=what)
    return clip(text, PLACEHOLDER_LIMIT)


class _ChannelChoice(discord.ui.ChannelSelect["SetupWizard"]):
    def __init__(self, setting: str, placeholder: str, row: int) -> None:
        super().__init__(
            custom_id=f"setup:{setting}",
            channel_types=[discord.ChannelType.text],
            placeholder=placeholder,
            min_values=1,
            max_values=1,
            row=row,
        )
        self.setting = setting

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        self.view.choices[self.setting] = self.values[0].id
        await interaction.response.defer()


class _RoleChoice(discord.ui.RoleSelect["SetupWizard"]):
    def __init__(self, placeholder: str) -> None:
        super().__init__(
            custom_id="setup:moderator_role_id",
            placeholder=placeholder,
            min_values=1,
            max_values=1,
            row=2,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        role = self.values[0]
        if role.is_default():
            raise UserFacingError(key="setup.refusals.everyone_role")
        self.view.choices["moderator_role_id"] = role.id
        await interaction.response.defer()


class _StringChoice(discord.ui.Select["SetupWizard"]):
    def __init__(self, setting: str, placeholder: str, options: list[discord.SelectOption]) -> None:
        super().__init__(
            custom_id=f"setup:{setting}",
            placeholder=placeholder,
            options=options[:MAX_OPTIONS],
            min_values=1,
            max_values=1,
        )
        self.setting = setting

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        self.view.choices[self.setting] = self.values[0]
        self.view.picked.add(self.setting)
        await interaction.response.defer()


class _Button(discord.ui.Button["SetupWizard"]):
    def __init__(
        self,
        name: str,
        label: str,
        style: discord.ButtonStyle,
        action: Callable[[discord.Interaction], Awaitable[None]],
    ) -> None:
        super().__init__(label=label, style=style, custom_id=f"setup:{name}", row=4)
        self.action = action

    async def callback(self, interaction: discord.Interaction) -> None:
        view = self.view
        if view is not None and view.closed is not None:  # a second press of Finish/Cancel
            await send_private(interaction, view.closed)
            return
        await self.action(interaction)


def region_options(regions: Sequence[Region], current: str) -> list[discord.SelectOption]:
    options = [
        discord.SelectOption(label=f"{r.name} ({r.code})", value=r.code, default=r.code == current)
        for r in regions
    ]
    if current not in {r.code for r in regions}:
        options.insert(0, discord.SelectOption(label=current, value=current, default=True))
    return options


def timezone_options(current: str, region: str = "") -> list[discord.SelectOption]:
    """The region's zones first, then common ones; the current choice always included."""
    zones = list(dict.fromkeys([*region_zones(region), *COMMON_TIMEZONES]))
    if current not in zones:
        zones.insert(0, current)
    return [discord.SelectOption(label=z, value=z, default=z == current) for z in zones]


def safety_options(current: str, lang: str) -> list[discord.SelectOption]:
    return [
        discord.SelectOption(
            label=mode,
            value=mode,
            description=safety_mode_label(mode, lang),
            default=mode == current,
        )
        for mode in SAFETY_MODES
    ]


def language_options(current: str) -> list[discord.SelectOption]:
    """Each language in its own name, so a manager finds theirs whatever the wizard speaks."""
    return [
        discord.SelectOption(label=LANGUAGE_NAMES[code], value=code, default=code == current)
        for code in LANGS
    ]


class SetupWizard(InvokerOnlyView):
    def __init__(
        self,
        owner_id: int,
        guild: discord.Guild,
        settings: GuildSettings,
        regions: Sequence[Region],
        on_finish: Finish,
        *,
        is_public: Callable[[int], bool] = lambda _: False,
    ) -> None:
        super().__init__(owner_id, timeout=900)
        #: The wizard speaks the server's language as it was when it started.
        self.lang = pick_lang(settings.language)
        #: Set by Finish or Cancel: what a later press is told. The view stays registered
        #: until its timeout, so that press gets this answer instead of none.
        self.closed: str | None = None
        self.guild = guild
        self.regions = regions
        self.on_finish = on_finish
        self.is_public = is_public
        self.public_confirmed: int | None = None  # the public alerts channel accepted
        self.picked: set[str] = set()  # settings chosen in a menu (never replaced by a guess)
        self.proposed: str | None = None  # a timezone proposed from the region
        self.choices: dict[str, Any] = {
            "checkin_channel_id": settings.checkin_channel_id,
            "alerts_channel_id": settings.alerts_channel_id,
            "moderator_role_id": settings.moderator_role_id,
            "region": settings.region,
            "timezone": settings.timezone,
            "safety_mode": settings.safety_mode,
            "language": settings.language,
        }
        self.show_step(1)

    def show_step(self, step: int) -> None:
        """Rebuilt from `choices`, so going back shows what was picked."""
        self.step = step
        self.clear_items()
        c, lang = self.choices, self.lang

        def label(setting: str) -> str:
            return setting_label(setting, lang)

        def button(name: str, style: discord.ButtonStyle, action: Any) -> _Button:
            return _Button(name, t(lang, f"setup.wizard.{name}"), style, action)

        if step == 1:
            checkin = self._channel(c["checkin_channel_id"])
            alerts = self._channel(c["alerts_channel_id"])
            role = self._role(c["moderator_role_id"])
            self.add_item(
                _ChannelChoice(
                    "checkin_channel_id",
                    _placeholder(label("checkin_channel_id"), checkin, lang),
                    0,
                )
            )
            self.add_item(
                _ChannelChoice(
                    "alerts_channel_id", _placeholder(label("alerts_channel_id"), alerts, lang), 1
                )
            )
            self.add_item(
                _RoleChoice(
                    _placeholder(label("moderator_role_id"), role, lang)
                    if role
                    else t(lang, "setup.wizard.role_optional")
                )
            )
            self.add_item(
                _StringChoice("region", label("region"), region_options(self.regions, c["region"]))
            )
            self.add_item(button("next", discord.ButtonStyle.primary, self._next))
        elif step == 2:
            self._propose_timezone()
            options = timezone_options(c["timezone"], c["region"])
            self.add_item(_StringChoice("timezone", label("timezone"), options))
            self.add_item(
                _StringChoice(
                    "safety_mode", label("safety_mode"), safety_options(c["safety_mode"], lang)
                )
            )
            self.add_item(
                _StringChoice("language", label("language"), language_options(c["language"]))
            )
            self.add_item(button("back", discord.ButtonStyle.secondary, self._back))
            self.add_item(button("finish", discord.ButtonStyle.success, self._finish))
        else:  # 3: confirm an alerts channel that @everyone can read
            self.add_item(button("back", discord.ButtonStyle.secondary, self._back))
            self.add_item(
                _Button(
                    "use-it-anyway",
                    t(lang, "setup.public_alerts.use_anyway"),
                    discord.ButtonStyle.danger,
                    self._accept,
                )
            )
        self.add_item(button("cancel", discord.ButtonStyle.secondary, self._cancel))

    def _propose_timezone(self) -> None:
        """The region's zone, unless the manager picked one or the current one fits."""
        if "timezone" in self.picked:
            return
        guess = proposed_timezone(self.choices["region"], self.choices["timezone"])
        if guess is not None:
            self.choices["timezone"] = guess
            self.proposed = guess
        elif self.proposed != self.choices["timezone"]:
            self.proposed = None

    def _region_name(self) -> str:
        code = self.choices["region"]
        return next((r.name for r in self.regions if r.code == code), code)

    def _channel(self, channel_id: int | None) -> str | None:
        channel = self.guild.get_channel(channel_id) if channel_id else None
        return f"#{channel.name}" if channel else None

    def _role(self, role_id: int | None) -> str | None:
        role = self.guild.get_role(role_id) if role_id else None
        return f"@{role.name}" if role else None

    def embed(self) -> discord.Embed:
        if self.step == 3:
            return public_alerts_embed(self.choices["alerts_channel_id"], self.lang)
        proposal = None
        if self.step == 2 and self.proposed and self.proposed == self.choices["timezone"]:
            proposal = (self.proposed, self._region_name())
        return wizard_embed(self.step, self.guild.name, self.lang, proposal)

    async def _next(self, interaction: discord.Interaction) -> None:
        self.show_step(2)
        await interaction.response.edit_message(embed=self.embed(), view=self)

    async def _back(self, interaction: discord.Interaction) -> None:
        self.show_step(1)
        await interaction.response.edit_message(embed=self.embed(), view=self)

    async def _cancel(self, interaction: discord.Interaction) -> None:
        self.closed = t(self.lang, "setup.wizard.cancelled_again")
        await interaction.response.edit_message(
            content=t(self.lang, "setup.wizard.cancelled"), embed=None, view=None
        )

    async def _accept(self, interaction: discord.Interaction) -> None:
        self.public_confirmed = self.choices["alerts_channel_id"]
        await self._finish(interaction)

    async def _finish(self, interaction: discord.Interaction) -> None:
        if not await has_level(interaction, Level.MANAGER):
            raise NotPermitted(key=REFUSAL_KEYS[Level.MANAGER])
        alerts = self.choices["alerts_channel_id"]
        if alerts and self.is_public(alerts) and self.public_confirmed != alerts:
            self.show_step(3)
            await interaction.response.edit_message(embed=self.embed(), view=self)
            return
        self.closed = t(self.lang, "setup.wizard.finished_again")
        try:
            await self.on_finish(interaction, dict(self.choices))
        except BaseException:
            self.closed = None  # not saved: Finish may be pressed again
            raise
