"""/setup: the guided setup, the current configuration with a permission report, one direct
command per setting, and the audit trail. Managers only (Manage Server), checked server-side."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import manager_only, require_guild
from bot.client import Bridgeline
from bot.errors import UserFacingError
from bot.i18n import LANGS, LANGUAGE_NAMES, pick_lang, t
from bot.i18n.languages_in_use import server_lang
from bot.quoting import echo
from bot.setup_service import (
    SAFETY_MODE_LABELS,
    SAFETY_SENSITIVITY_LABELS,
    ChannelCheck,
    apply_changes,
    bot_permissions_in,
    channel_targets,
    check_channels,
    everyone_can_read,
)
from bot.storage import audit
from bot.storage.guilds import (
    SAFETY_MODES,
    SAFETY_SENSITIVITIES,
    GuildSettings,
    forget_interaction_settings,
    get_settings,
)
from bot.timezones import TimezoneError, resolve_timezone, timezone_suggestions
from bot.ui.setup_embeds import audit_pages, changes_embed, public_alerts_embed, summary_embed
from bot.ui.setup_wizard import SetupWizard
from bot.ui.views import ConfirmView, Paginator

log = logging.getLogger(__name__)

AUDIT_LIMIT = 50
SAFETY_CHOICES = [
    app_commands.Choice(name=f"{mode}: {SAFETY_MODE_LABELS[mode]}", value=mode)
    for mode in SAFETY_MODES
]
SENSITIVITY_CHOICES = [
    app_commands.Choice(name=f"{level}: {SAFETY_SENSITIVITY_LABELS[level]}", value=level)
    for level in SAFETY_SENSITIVITIES
]
#: Each language in its own name (Discord shows choice names as given).
LANGUAGE_CHOICES = [app_commands.Choice(name=LANGUAGE_NAMES[code], value=code) for code in LANGS]


class Setup(commands.Cog):
    group = app_commands.Group(
        name="setup",
        description="Set Bridgeline up for this server (server managers)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot

    # --- shared helpers ---------------------------------------------------------------------

    async def _checks(self, guild: discord.Guild, settings: GuildSettings) -> list[ChannelCheck]:
        targets = await channel_targets(self.bot.db, settings)
        return check_channels(targets, bot_permissions_in(guild), everyone_can_read(guild))

    def _region_name(self, code: str, lang: str) -> str:
        """The region as the reader's language names it ("Estados Unidos")."""
        region = self.bot.content.in_lang(lang).region(code)
        return region.name if region else code

    async def _lang(self, interaction: discord.Interaction) -> str:
        """Managers read /setup in the server's language."""
        return await server_lang(self.bot.db, interaction.guild_id)

    async def _changes_embed(
        self, interaction: discord.Interaction, changes: dict[str, Any]
    ) -> discord.Embed:
        """Write, audit, and describe what changed plus the permission report (in the server's
        language as it is after the change: /setup language answers in the new one)."""
        guild = require_guild(interaction)
        settings, changed = await apply_changes(
            self.bot.db, guild.id, interaction.user.id, now=self.bot.clock.now(), **changes
        )
        forget_interaction_settings(interaction)
        self._note_sensitivity(settings)
        lang = await server_lang(self.bot.db, guild.id)
        return changes_embed(changed, lang, await self._checks(guild, settings))

    def _note_sensitivity(self, settings: GuildSettings) -> None:
        """The scanner reads each server's level from memory: keep it current."""
        self.bot.safety_levels[settings.guild_id] = settings.safety_sensitivity

    async def _save(self, interaction: discord.Interaction, **changes: Any) -> None:
        embed = await self._changes_embed(interaction, changes)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _finish_wizard(
        self, interaction: discord.Interaction, choices: dict[str, Any]
    ) -> None:
        guild = require_guild(interaction)
        settings, changed = await apply_changes(
            self.bot.db, guild.id, interaction.user.id, now=self.bot.clock.now(), **choices
        )
        forget_interaction_settings(interaction)
        self._note_sensitivity(settings)
        await audit.record(
            self.bot.db,
            guild.id,
            interaction.user.id,
            "setup.completed",
            detail=f"guided setup, {len(changed)} change(s)",
        )
        lang = await server_lang(self.bot.db, guild.id)
        embed = summary_embed(
            guild.name,
            settings,
            await self._checks(guild, settings),
            self._region_name(settings.region, lang),
            lang,
            title=t(
                lang, "setup.summary.set_up" if changed else "setup.summary.finished_unchanged"
            ),
        )
        await interaction.response.edit_message(content=None, embed=embed, view=None)

    # --- commands -------------------------------------------------------------------------------

    @group.command(name="start", description="Guided setup: channels, roles, region, timezone")
    @manager_only
    async def start(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        settings = await get_settings(self.bot.db, guild.id)
        wizard = SetupWizard(
            interaction.user.id,
            guild,
            settings,
            self.bot.content.in_lang(pick_lang(settings.language)).regions,  # the wizard's own
            self._finish_wizard,
            is_public=everyone_can_read(guild),
        )
        await interaction.response.send_message(embed=wizard.embed(), view=wizard, ephemeral=True)

    @group.command(name="show", description="Current settings and any permission I'm missing")
    @manager_only
    async def show(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        settings = await get_settings(self.bot.db, guild.id)
        lang = await self._lang(interaction)
        embed = summary_embed(
            guild.name,
            settings,
            await self._checks(guild, settings),
            self._region_name(settings.region, lang),
            lang,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @group.command(name="alerts-channel", description="Where moderators get safety alerts")
    @app_commands.describe(channel="A channel only moderators can see is best")
    @manager_only
    async def alerts_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        guild = require_guild(interaction)
        if not everyone_can_read(guild)(channel.id):
            await self._save(interaction, alerts_channel_id=channel.id)
            return
        lang = await self._lang(interaction)
        confirm = ConfirmView(
            interaction.user.id,
            confirm_label=t(lang, "setup.public_alerts.use_anyway"),
            danger=True,
            lang=lang,
        )
        await interaction.response.send_message(
            embed=public_alerts_embed(channel.id, lang), view=confirm, ephemeral=True
        )
        if await confirm.wait() or confirm.confirmed is None:  # timed out
            await interaction.edit_original_response(
                content=t(lang, "setup.public_alerts.no_answer"), embed=None, view=None
            )
            return
        if confirm.confirmed:
            await audit.record(
                self.bot.db,
                guild.id,
                interaction.user.id,
                "setup.alerts_channel_public",
                detail=f"<#{channel.id}> chosen although @everyone can read it",
            )
            embed = await self._changes_embed(
                confirm.interaction, {"alerts_channel_id": channel.id}
            )
            await confirm.interaction.response.edit_message(content=None, embed=embed, view=None)

    @group.command(name="checkin-channel", description="Where anonymous check-ins are posted")
    @manager_only
    async def checkin_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        await self._save(interaction, checkin_channel_id=channel.id)

    @group.command(name="moderator-role", description="The role whose members are moderators")
    @app_commands.describe(
        role="Leave empty to clear: then Manage Messages alone makes a moderator"
    )
    @manager_only
    async def moderator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        if role is not None and role.is_default():
            raise UserFacingError(key="setup.refusals.everyone_role")
        await self._save(interaction, moderator_role_id=None if role is None else role.id)

    @group.command(name="region", description="The server's region, for helpline numbers")
    @app_commands.describe(region="Members can still choose their own with /resources region")
    @manager_only
    async def region(self, interaction: discord.Interaction, region: str) -> None:
        regions = self.bot.content.in_lang(await self._lang(interaction))
        # A code, or a name typed in full (in the reader's language or English).
        found = regions.find_region(region) or self.bot.content.find_region(region)
        if found is None:
            known = ", ".join(f"{r.code} ({r.name})" for r in regions.regions)
            raise UserFacingError(
                key="setup.refusals.unknown_region", region=repr(echo(region)), known=known
            )
        await self._save(interaction, region=found.code)

    @region.autocomplete("region")
    async def region_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        regions = self.bot.content.in_lang(await self._lang(interaction))
        # Found by their name in the reader's language or in English, shown in the reader's.
        codes = {r.code for r in regions.regions_matching(current)}
        codes |= {r.code for r in self.bot.content.regions_matching(current)}
        return [
            app_commands.Choice(name=f"{r.name} ({r.code})", value=r.code)
            for r in regions.regions
            if r.code in codes
        ][:25]

    @group.command(name="timezone", description="The server's timezone (IANA, e.g. Europe/London)")
    @manager_only
    async def timezone(self, interaction: discord.Interaction, timezone: str) -> None:
        try:
            name = resolve_timezone(timezone)
        except TimezoneError as problem:
            raise UserFacingError(problem.text(await self._lang(interaction))) from None
        await self._save(interaction, timezone=name)

    @timezone.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in timezone_suggestions(current)]

    @group.command(name="safety-mode", description="How Bridgeline answers a crisis message")
    @app_commands.choices(mode=SAFETY_CHOICES)
    @manager_only
    async def safety_mode(
        self, interaction: discord.Interaction, mode: app_commands.Choice[str]
    ) -> None:
        await self._save(interaction, safety_mode=mode.value)

    @group.command(
        name="safety-sensitivity", description="How readily the safety scan flags a message"
    )
    @app_commands.describe(level="Patterns for clear crisis words work the same at every level")
    @app_commands.choices(level=SENSITIVITY_CHOICES)
    @manager_only
    async def safety_sensitivity(
        self, interaction: discord.Interaction, level: app_commands.Choice[str]
    ) -> None:
        await self._save(interaction, safety_sensitivity=level.value)

    @group.command(name="anonymous", description="Anonymous posts: delay, rate, daily tag, queue")
    @app_commands.describe(
        delay="Longest random delay before a post appears, in seconds (hides timing)",
        rate="Most anonymous posts per member per hour",
        daily_tag="Show a per-day tag so a conversation can be followed without names",
        approval_queue="Moderators approve each anonymous post first",
    )
    @manager_only
    async def anonymous(
        self,
        interaction: discord.Interaction,
        delay: app_commands.Range[int, 0, 3600] | None = None,
        rate: app_commands.Range[int, 1, 60] | None = None,
        daily_tag: bool | None = None,
        approval_queue: bool | None = None,
    ) -> None:
        given = {
            "anon_delay_max_s": delay,
            "anon_rate_per_hour": rate,
            "anon_daily_tag": daily_tag,
            "approval_queue": approval_queue,
        }
        changes = {k: v for k, v in given.items() if v is not None}
        if not changes:
            raise UserFacingError(key="setup.refusals.anonymous_empty")
        await self._save(interaction, **changes)

    @group.command(name="retention", description="Delete check-ins older than this many days")
    @app_commands.describe(days="0 keeps check-ins until their author deletes them")
    @manager_only
    async def retention(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 0, 3650]
    ) -> None:
        await self._save(interaction, retention_days=days or None)

    @group.command(name="language", description="The server's language for moderators and posts")
    @app_commands.describe(
        language="Members still get replies in their own Discord language when we speak it"
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @manager_only
    async def language(
        self, interaction: discord.Interaction, language: app_commands.Choice[str]
    ) -> None:
        await self._save(interaction, language=language.value)

    @group.command(name="audit", description="Recent setting changes and moderator actions")
    @manager_only
    async def audit_log(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        entries = await audit.recent(self.bot.db, guild.id, AUDIT_LIMIT)
        if not entries:
            await interaction.response.send_message(t(lang, "setup.audit.empty"), ephemeral=True)
            return
        pages = audit_pages(entries, lang)
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=True)
            return
        view = Paginator(interaction.user.id, pages, lang=lang)
        await interaction.response.send_message(embed=view.current, view=view, ephemeral=True)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Setup(bot))
