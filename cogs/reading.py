"""/why, /reflect, /faq and /warning-signs: understanding the silence, privately.

Replies are private with a button to share a public copy (bot/ui/share.py). Anything about
abuse or control points to /resources and never to communication fixes (safe-messaging.md, 15).
Each reply is in the member's language (`reply_lang`), content included (`Content.in_lang`).
"""

from __future__ import annotations

import random
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import Bridgeline
from bot.content.models import INTERNATIONAL, Content, ReflectionPrompt
from bot.errors import UserFacingError
from bot.i18n import t
from bot.i18n.languages_in_use import reply_lang
from bot.safety_service.regions import member_region
from bot.search import Option, best_key, rank_keys
from bot.ui.embeds import clip
from bot.ui.share import (
    ShareButton,
    SharePaginator,
    can_share,
    reply_privately,
    share_view_for,
)
from bot.ui.strategy_embeds import (
    closest_questions_embed,
    faq_embed,
    reflect_embed,
    warning_signs_pages,
    why_overview_embed,
    why_reason_embed,
)
from bot.ui.views import InvokerOnlyView

CLOSEST_QUESTIONS = 3
# Select options and autocomplete choices show at most 100 characters.
OPTION_LIMIT = 100


def faq_options(content: Content, english: Content | None = None) -> list[Option]:
    """Questions findable by their words in the member's language and in English."""
    english_faq = {f.id: (f.question, *f.tags) for f in (english or content).faq}
    return [(f.id, (f.question, *f.tags, *english_faq.get(f.id, ()))) for f in content.faq]


async def region_of(bot: Bridgeline, interaction: discord.Interaction) -> str:
    """Whose helplines to show: the member's choice, else the server's region; in DMs, none."""
    if interaction.guild is None:
        return INTERNATIONAL
    return await member_region(
        bot.db, bot.settings.secret, interaction.guild.id, interaction.user.id
    )


class ReasonSelect(discord.ui.Select[Any]):
    def __init__(self, bot: Bridgeline, content: Content, lang: str) -> None:
        options = [
            discord.SelectOption(
                label=clip(r.title, OPTION_LIMIT),
                value=r.id,
                description=clip(r.summary, OPTION_LIMIT),
            )
            for r in content.withdrawal_reasons[:25]
        ]
        super().__init__(placeholder=t(lang, "guidance.why.select_placeholder"), options=options)
        self.bot = bot
        self.content = content
        self.lang = lang

    async def callback(self, interaction: discord.Interaction) -> None:
        reason = self.content.withdrawal_reason(self.values[0])
        if reason is None:
            raise UserFacingError(t(self.lang, "guidance.why.gone"))
        region = await region_of(self.bot, interaction)
        embed = why_reason_embed(reason, self.content, self.lang, region)
        await reply_privately(interaction, [embed], share_view_for(interaction, [embed]))


class FaqSelect(discord.ui.Select[Any]):
    """Closest questions when free text did not match one: the member picks, never a guess."""

    def __init__(self, bot: Bridgeline, keys: list[str], lang: str) -> None:
        content = bot.content.in_lang(lang)
        entries = [e for e in (content.faq_entry(k) for k in keys) if e is not None]
        options = [
            discord.SelectOption(label=clip(e.question, OPTION_LIMIT), value=e.id) for e in entries
        ]
        super().__init__(placeholder=t(lang, "guidance.faq.select_placeholder"), options=options)
        self.bot = bot
        self.lang = lang

    async def callback(self, interaction: discord.Interaction) -> None:
        content = self.bot.content.in_lang(self.lang)
        entry = content.faq_entry(self.values[0])
        if entry is None:
            raise UserFacingError(t(self.lang, "guidance.faq.gone"))
        embed = faq_embed(entry, content, self.lang, await region_of(self.bot, interaction))
        await reply_privately(interaction, [embed], share_view_for(interaction, [embed]))


class WhyView(InvokerOnlyView):
    def __init__(
        self, bot: Bridgeline, owner_id: int, embed: discord.Embed, share: bool, lang: str
    ) -> None:
        super().__init__(owner_id)
        self.add_item(ReasonSelect(bot, bot.content.in_lang(lang), lang))
        if share:
            self.add_item(ShareButton(lambda: [embed]))


class ReflectView(InvokerOnlyView):
    """One prompt at a time; Another swaps it in place for a different one."""

    def __init__(
        self, owner_id: int, prompts: tuple[ReflectionPrompt, ...], rng: random.Random, lang: str
    ) -> None:
        super().__init__(owner_id)
        self.prompts = prompts
        self.rng = rng
        self.lang = lang
        self.prompt = rng.choice(prompts)
        self.another.label = t(lang, "guidance.reflect.another")

    @property
    def embed(self) -> discord.Embed:
        return reflect_embed(self.prompt, self.lang)

    @discord.ui.button(label="Another", style=discord.ButtonStyle.secondary)
    async def another(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        others = [p for p in self.prompts if p.id != self.prompt.id] or list(self.prompts)
        self.prompt = self.rng.choice(others)
        await interaction.response.edit_message(embed=self.embed, view=self)


class Reading(commands.Cog):
    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self.rng = random.Random()

    @app_commands.command(name="why", description="Why partners go silent, and what helps")
    async def why(self, interaction: discord.Interaction) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        embed = why_overview_embed(self.bot.content.in_lang(lang).withdrawal_reasons, lang)
        view = WhyView(self.bot, interaction.user.id, embed, can_share(interaction), lang)
        await reply_privately(interaction, [embed], view)

    @app_commands.command(name="reflect", description="A question to think about, just for you")
    async def reflect(self, interaction: discord.Interaction) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        prompts = self.bot.content.in_lang(lang).reflection_prompts
        view = ReflectView(interaction.user.id, prompts, self.rng, lang)
        if can_share(interaction):
            view.add_item(ShareButton(lambda: [view.embed]))
        await reply_privately(interaction, [view.embed], view)

    @app_commands.command(name="faq", description="Answers to common questions about silence")
    @app_commands.describe(question="Start typing your question")
    async def faq(self, interaction: discord.Interaction, question: str) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        content = self.bot.content.in_lang(lang)
        options = faq_options(content, self.bot.content)
        key = best_key(question, options)
        entry = content.faq_entry(key) if key else None
        if entry is None:
            closest = rank_keys(question, options, limit=CLOSEST_QUESTIONS)
            if not closest:
                raise UserFacingError(t(lang, "guidance.faq.unknown"))
            view = InvokerOnlyView(interaction.user.id)
            view.add_item(FaqSelect(self.bot, closest, lang))
            await reply_privately(interaction, [closest_questions_embed(lang)], view)
            return
        embed = faq_embed(entry, content, lang, await region_of(self.bot, interaction))
        await reply_privately(interaction, [embed], share_view_for(interaction, [embed]))

    @faq.autocomplete("question")
    async def faq_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        content = self.bot.content.in_lang(await reply_lang(self.bot.db, interaction))
        options = faq_options(content, self.bot.content)
        found = (content.faq_entry(k) for k in rank_keys(current, options))
        return [
            app_commands.Choice(name=clip(f.question, OPTION_LIMIT), value=f.id)
            for f in found
            if f is not None
        ]

    @app_commands.command(
        name="warning-signs", description="When silence becomes punishment or control"
    )
    async def warning_signs(self, interaction: discord.Interaction) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        content = self.bot.content.in_lang(lang)
        pages = warning_signs_pages(content, lang, await region_of(self.bot, interaction))
        pager = SharePaginator(interaction.user.id, pages, shareable=can_share(interaction))
        pager.speak(lang)  # SharePaginator takes no language (bot/ui/share.py)
        await reply_privately(interaction, [pager.current], pager)


async def setup(bot: commands.Bot) -> None:
    if not isinstance(bot, Bridgeline):
        raise TypeError("the reading cog needs the Bridgeline bot")
    await bot.add_cog(Reading(bot))
