"""/resources: checked helplines by topic and region for anyone (privately), a member's own
region, and for moderators a public post plus the server's own entries (validated).

Discord does not allow a command with subcommands to be run on its own, so the member-facing
listing is `/resources show [topic] [region]`.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only, require_guild
from bot.client import Bridgeline
from bot.content.models import INTERNATIONAL
from bot.errors import UserFacingError
from bot.i18n import DEFAULT_LANG, pick_lang, t
from bot.i18n.languages_in_use import reply_lang
from bot.safety_guard import SCREEN
from bot.safety_service.directory import TOPIC_LABELS, listing, normalise_topic
from bot.safety_service.language_regions import helpline_regions
from bot.safety_service.regions import own_region, set_member_region
from bot.safety_service.replies import region_name
from bot.safety_service.server_resources import (
    EVERYWHERE,
    TOPICS,
    InvalidResource,
    add_resource,
    list_resources,
    remove_resource,
)
from bot.storage import audit
from bot.storage.guilds import settings_of_interaction
from bot.ui.resource_embeds import resources_embed, server_resources_embed

log = logging.getLogger(__name__)
USE_DEFAULT = "default"
MAX_CHOICES = 25
SERVER_TOPIC_LABELS = {
    "crisis": "Crisis support",
    "abuse": "Domestic abuse and safety",
    "counselling": "Counselling",
    "other": "Other",
}


class Resources(commands.Cog):
    group = app_commands.Group(
        name="resources", description="Helplines and support services, by topic and region"
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot

    # --- helpers ----------------------------------------------------------------------------

    def _region_code(self, value: str, lang: str = DEFAULT_LANG) -> str:
        region = self.bot.content.find_region(value)  # a code, or a name typed in full
        if region is None:
            raise UserFacingError(
                t(lang, "resources.region.unknown", value=value[:40], international=INTERNATIONAL)
            )
        return region.code

    def _topic(self, value: str | None, lang: str = DEFAULT_LANG) -> str:
        if value is not None and value not in TOPIC_LABELS:
            raise UserFacingError(
                t(lang, "resources.region.bad_topic", topics=", ".join(TOPIC_LABELS))
            )
        return normalise_topic(value)

    async def _region_for(
        self, interaction: discord.Interaction, region: str | None, lang: str
    ) -> tuple[str, str]:
        """The region to show and a footer note saying where it came from."""
        if region:
            return self._region_code(region, lang), t(lang, "resources.region_note.asked")
        if interaction.guild is None:
            code, note = INTERNATIONAL, "resources.region_note.international"
        else:
            guild_id, user_id = interaction.guild.id, interaction.user.id
            own = await own_region(self.bot.db, self.bot.settings.secret, guild_id, user_id)
            if own:
                return own, t(lang, "resources.region_note.own")
            code = (await settings_of_interaction(self.bot.db, interaction, guild_id)).region
            note = "resources.region_note.server"
        if code.upper() == INTERNATIONAL and helpline_regions(code, lang):
            note = "resources.region_note.language"
        return code, t(lang, note)

    async def region_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = await reply_lang(self.bot.db, interaction)
        found = [
            app_commands.Choice(
                name=f"{region_name(self.bot.content, r.code, lang)} ({r.code})", value=r.code
            )
            for r in self.bot.content.regions_matching(current)
        ]
        return found[:MAX_CHOICES]

    # --- for everyone -----------------------------------------------------------------------

    @group.command(name="show", description="Helplines and support near you, shown only to you")
    @app_commands.describe(
        topic="What kind of support (default: everything)",
        region="Which country's services (default: yours or the server's)",
    )
    async def show(
        self, interaction: discord.Interaction, topic: str | None = None, region: str | None = None
    ) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        chosen_topic = self._topic(topic, lang)
        code, note = await self._region_for(interaction, region, lang)
        own = (
            await list_resources(self.bot.db, interaction.guild.id, region=code)
            if interaction.guild
            else []
        )
        found = listing(self.bot.content, code, chosen_topic, own, lang)
        embed = resources_embed(self.bot.content, found, region_note=note, lang=lang)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @show.autocomplete("topic")
    async def _show_topic(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _topic_choices(current, await reply_lang(self.bot.db, interaction))

    @show.autocomplete("region")
    async def _show_region(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.region_choices(interaction, current)

    @group.command(name="region", description="Choose which country's helplines you are shown")
    @app_commands.describe(region="Your region, or 'default' to use the server's")
    async def region(self, interaction: discord.Interaction, region: str) -> None:
        guild = require_guild(interaction)
        lang = await reply_lang(self.bot.db, interaction)
        code = None if region.strip().lower() == USE_DEFAULT else self._region_code(region, lang)
        await set_member_region(
            self.bot.db,
            self.bot.settings.secret,
            guild.id,
            interaction.user.id,
            code,
            self.bot.clock.now(),
        )
        if code is None:
            text = t(lang, "resources.region.back_to_default")
            await interaction.response.send_message(text, ephemeral=True)
            return
        name = region_name(self.bot.content, code, lang)
        text = t(lang, "resources.region.saved", name=name)
        own = await list_resources(self.bot.db, guild.id, region=code)
        embed = resources_embed(
            self.bot.content,
            listing(self.bot.content, code, None, own, lang),
            region_note=t(lang, "resources.region_note.own"),
            lang=lang,
        )
        await interaction.response.send_message(text, embed=embed, ephemeral=True)

    @region.autocomplete("region")
    async def _region_region(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = await reply_lang(self.bot.db, interaction)
        default = app_commands.Choice(
            name=t(lang, "resources.region.use_default"), value=USE_DEFAULT
        )
        return [default, *await self.region_choices(interaction, current)][:MAX_CHOICES]

    # --- for moderators ---------------------------------------------------------------------

    @group.command(name="post", description="Post support resources publicly in this channel")
    @app_commands.describe(topic="What kind of support", region="Which country (default: server's)")
    @moderator_only
    async def post(
        self, interaction: discord.Interaction, topic: str, region: str | None = None
    ) -> None:
        guild = require_guild(interaction)
        settings = await settings_of_interaction(self.bot.db, interaction, guild.id)
        lang = pick_lang(settings.language)  # a public post: the server's language
        chosen_topic = self._topic(topic, lang)
        code = self._region_code(region, lang) if region else settings.region
        own = await list_resources(self.bot.db, guild.id, region=code)
        embed = resources_embed(
            self.bot.content, listing(self.bot.content, code, chosen_topic, own, lang), lang=lang
        )
        await audit.record(
            self.bot.db,
            guild.id,
            interaction.user.id,
            "resources.post",
            detail=f"{chosen_topic} / {code}",
        )
        await interaction.response.send_message(
            embed=embed, allowed_mentions=discord.AllowedMentions.none()
        )

    @post.autocomplete("topic")
    async def _post_topic(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _topic_choices(current, await reply_lang(self.bot.db, interaction))

    @post.autocomplete("region")
    async def _post_region(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.region_choices(interaction, current)

    # Moderators describe services here ("support after domestic abuse"), so the text is not
    # about its typist: the safety guard (bot/safety_guard.py) leaves this command alone.
    @group.command(
        name="add", description="Add one of this server's own resources", extras={SCREEN: False}
    )
    @app_commands.describe(
        name="Name, e.g. Riverside Counselling Centre",
        topic="What it helps with",
        phone="Phone number, e.g. +44 20 7946 0000",
        url="Website (https://...)",
        notes="Hours or who it is for (optional)",
        region="Where it is shown (default: the server's region), or 'everywhere'",
    )
    @app_commands.choices(
        topic=[app_commands.Choice(name=SERVER_TOPIC_LABELS[t], value=t) for t in TOPICS]
    )
    @moderator_only
    async def add(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 80],
        topic: str,
        phone: app_commands.Range[str, 1, 30] | None = None,
        url: app_commands.Range[str, 1, 300] | None = None,
        notes: app_commands.Range[str, 1, 300] | None = None,
        region: str | None = None,
    ) -> None:
        guild = require_guild(interaction)
        lang = await reply_lang(self.bot.db, interaction)
        if region is None:
            scope: str | None = (
                await settings_of_interaction(self.bot.db, interaction, guild.id)
            ).region
        else:
            everywhere = region.strip().casefold() == EVERYWHERE
            scope = None if everywhere else self._region_code(region, lang)
        try:
            entry = await add_resource(
                self.bot.db,
                guild.id,
                name=name,
                topic=topic,
                phone=phone,
                url=url,
                notes=notes,
                added_by=interaction.user.id,
                now=self.bot.clock.now(),
                region=scope,
            )
        except InvalidResource as exc:
            raise UserFacingError(exc.text(lang)) from None
        where = self._scope_name(entry.region, lang)
        await audit.record(self.bot.db, guild.id, interaction.user.id, "resources.add",
                           target=entry.name, detail=f"region: {where}")  # fmt: skip
        await interaction.response.send_message(
            t(lang, "resources.own.added", name=entry.name, where=where), ephemeral=True
        )

    @add.autocomplete("region")
    async def _add_region(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = await reply_lang(self.bot.db, interaction)
        everywhere = app_commands.Choice(
            name=t(lang, "resources.own.everywhere_choice"), value=EVERYWHERE
        )
        return [*await self.region_choices(interaction, current), everywhere][:MAX_CHOICES]

    def _scope_name(self, code: str | None, lang: str) -> str:
        if code is None:
            return t(lang, "resources.own.scope_all")
        return t(
            lang, "resources.own.scope_region", region=region_name(self.bot.content, code, lang)
        )

    @group.command(name="remove", description="Remove one of this server's own resources")
    @app_commands.describe(name="Which one")
    @moderator_only
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        guild = require_guild(interaction)
        lang = await reply_lang(self.bot.db, interaction)
        removed = await remove_resource(self.bot.db, guild.id, name)
        if removed is None:
            raise UserFacingError(t(lang, "resources.own.no_such"))
        await audit.record(
            self.bot.db, guild.id, interaction.user.id, "resources.remove", target=removed.name
        )
        await interaction.response.send_message(
            t(lang, "resources.own.removed", name=removed.name), ephemeral=True
        )

    @remove.autocomplete("name")
    async def _remove_name(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild is None:
            return []
        needle = current.casefold()
        entries = await list_resources(self.bot.db, interaction.guild.id)
        return [
            app_commands.Choice(name=e.name, value=e.name)
            for e in entries
            if needle in e.name.casefold()
        ][:MAX_CHOICES]

    @group.command(name="list", description="This server's own resources")
    @moderator_only
    async def list_own(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        lang = await reply_lang(self.bot.db, interaction)
        entries = await list_resources(self.bot.db, guild.id)
        names = {
            r.code: region_name(self.bot.content, r.code, lang) for r in self.bot.content.regions
        }
        await interaction.response.send_message(
            embed=server_resources_embed(entries, names, lang), ephemeral=True
        )


def _topic_choices(current: str, lang: str = DEFAULT_LANG) -> list[app_commands.Choice[str]]:
    """Topics labelled in `lang`; typing matches that label, the English one or the key."""
    needle = current.casefold()
    return [
        app_commands.Choice(name=t(lang, f"resources.topics.{key}"), value=key)
        for key, label in TOPIC_LABELS.items()
        if needle in t(lang, f"resources.topics.{key}").casefold()
        or needle in label.casefold()
        or needle in key
    ]


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Resources(bot))
