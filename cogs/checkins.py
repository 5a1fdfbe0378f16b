"""/checkin: private check-ins, anonymous posts, history and deletion; moderators' context menus
for anonymous posts. The logic lives in bot/checkins; this file wires Discord to it."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checkins import flow, moderation, repo, reports
from bot.checkins.buttons import DYNAMIC_ITEMS, public_post_view, report_view
from bot.checkins.member_data import RetentionTask, delete_entry
from bot.checkins.rules import daily_moods, local_day, sparkline, streak, zone
from bot.checkins.sender import PostSender
from bot.checkins.ui import open_checkin_modal
from bot.checks import Level, has_level, moderator_only
from bot.client import Bridgeline
from bot.daily_prompts.store import prompt_of_the_day
from bot.errors import UserFacingError
from bot.i18n import member_lang, t
from bot.i18n.languages_in_use import reply_lang
from bot.moodchart.attach import ChartCache, chart_file
from bot.storage.guilds import settings_of_interaction
from bot.ui.checkin_embeds import history_pages
from bot.ui.embeds import clip
from bot.ui.views import Paginator

log = logging.getLogger(__name__)
HISTORY_LIMIT = 200


class CheckIns(commands.Cog):
    checkin = app_commands.Group(
        name="checkin", description="Private check-ins and anonymous posts", guild_only=True
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self.sender = PostSender(bot, public_post_view)
        self.retention = RetentionTask(bot)
        self.charts = ChartCache()  # each member's last mood chart, while it is unchanged
        self.menus = [
            app_commands.ContextMenu(name="Remove anonymous post", callback=self.remove_menu),
            app_commands.ContextMenu(name="Block anonymous author", callback=self.block_menu),
        ]

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        for menu in self.menus:
            self.bot.tree.add_command(menu)
        self.sender.start()
        self.retention.start()

    async def cog_unload(self) -> None:
        await self.sender.stop()
        await self.retention.stop()
        for menu in self.menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    @commands.Cog.listener()
    async def on_checkin_post_queued(self) -> None:
        self.sender.poke()

    # ---- members ---------------------------------------------------------------------------
    @checkin.command(name="new", description="Check in privately: mood and a few words")
    async def new(self, interaction: discord.Interaction) -> None:
        prompt = None
        lang = await reply_lang(self.bot.db, interaction)
        if interaction.guild is not None:
            settings = await settings_of_interaction(self.bot.db, interaction, interaction.guild.id)
            today = local_day(self.bot.clock.now(), zone(settings.timezone))
            prompt = await prompt_of_the_day(self.bot.db, interaction.guild.id, today)
        await open_checkin_modal(interaction, prompt_text=prompt, lang=lang)

    @commands.Cog.listener()
    async def on_member_data_erased(self, pseudonym: str) -> None:
        """A member erased their data: their last chart leaves memory at once."""
        self.charts.forget(pseudonym)

    @checkin.command(name="history", description="Your check-ins, a mood chart, your streak")
    @app_commands.describe(days="How many days the mood chart covers (default 30)")
    async def history(self, interaction: discord.Interaction, days: Literal[30, 90] = 30) -> None:
        author = flow.author_of(interaction)
        db, guild_id = self.bot.db, author.guild.id
        entries, own_posts, settings = await asyncio.gather(  # one wait for the three reads
            repo.own_checkins(db, guild_id, author.pseudonym, limit=HISTORY_LIMIT),
            repo.posts_of(db, guild_id, author.pseudonym),
            settings_of_interaction(db, interaction, guild_id),
        )
        posts = {p.checkin_id: p for p in own_posts}
        lang = member_lang(interaction, settings.language)
        tz = zone(settings.timezone)
        today = local_day(self.bot.clock.now(), tz)
        moods = [(local_day(c.created_at, tz), c.mood) for c in entries if c.mood is not None]
        daily, streak_days = daily_moods(moods), streak((day for day, _ in moods), today)
        spark = sparkline(daily, today)
        pages = history_pages(
            entries, posts, spark=spark, streak_days=streak_days, tz=tz, lang=lang
        )
        extra: dict[str, Any] = {"ephemeral": True}
        chart = await chart_file(  # this member's days only
            daily, streak_days, today, days, lang, cache=self.charts, owner=author.pseudonym
        )
        if chart is not None:
            extra["file"] = chart
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], **extra)
            return
        view = Paginator(interaction.user.id, pages, lang=lang)
        await interaction.response.send_message(embed=view.current, view=view, **extra)

    @checkin.command(name="delete", description="Delete one of your check-ins (and its post)")
    @app_commands.describe(entry="Start typing: your check-ins are listed, newest first")
    async def delete(self, interaction: discord.Interaction, entry: str) -> None:
        author = flow.author_of(interaction)
        checkin = await repo.get_checkin(self.bot.db, author.guild.id, entry.strip())
        if checkin is None or checkin.pseudonym != author.pseudonym:
            raise UserFacingError(key="checkins.delete.not_yours")
        lang = await reply_lang(self.bot.db, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        had_post = await delete_entry(self.bot, checkin)
        done = "checkins.delete.done_with_post" if had_post else "checkins.delete.done"
        await interaction.followup.send(t(lang, done, ref=checkin.public_id), ephemeral=True)

    @delete.autocomplete("entry")
    async def delete_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        author = flow.author_of(interaction)
        settings = await settings_of_interaction(self.bot.db, interaction, author.guild.id)
        tz, lang = zone(settings.timezone), member_lang(interaction, settings.language)
        needle = current.strip().lower()
        choices = []
        for c in await repo.own_checkins(self.bot.db, author.guild.id, author.pseudonym):
            when = c.created_at.astimezone(tz).strftime(t(lang, "checkins.delete.when_format"))
            mood = "–" if c.mood is None else f"{c.mood}/5"
            kind = t(
                lang,
                "checkins.delete.reply" if c.kind == "reply" else "checkins.delete.mood",
                mood=mood,
            )
            name = clip(f"{when} · {kind} · {' '.join(c.body.split())}", 100)
            if needle in name.lower() or needle in c.public_id:
                choices.append(app_commands.Choice(name=name, value=c.public_id))
            if len(choices) == 25:
                break
        return choices

    # ---- moderators ------------------------------------------------------------------------
    @checkin.command(name="unblock", description="Let a blocked anonymous author post again")
    @app_commands.describe(label="The anonymous label, like anon-1a2b3c4d")
    @moderator_only
    async def unblock(self, interaction: discord.Interaction, label: str) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        await interaction.response.send_message(
            await moderation.unblock(interaction, label, lang), ephemeral=True
        )

    @unblock.autocomplete("label")
    async def unblock_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        # Autocomplete skips the command's checks: without this, any member could list them.
        if interaction.guild is None or not await has_level(interaction, Level.MODERATOR):
            return []
        labels = await moderation.blocked_labels(self.bot, interaction.guild.id)
        return [app_commands.Choice(name=x, value=x) for x in labels if current.lower() in x][:25]

    @moderator_only
    async def remove_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        post = await moderation.post_from_message(interaction, message)
        await reports.confirm_and_act(interaction, post, "remove", report_view)

    @moderator_only
    async def block_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        post = await moderation.post_from_message(interaction, message)
        await reports.confirm_and_act(interaction, post, "block", report_view)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(CheckIns(bot))
