"""/strategy list|show|random|steps and /script: the strategies and their ready-to-say words.

Every reply is private, with a button to share a public copy. A /script search that reads like
fear, danger, abuse or crisis gets support instead of scripts (safe-messaging.md, rule 15):
bot/safety_guard.py answers it before the command runs, as for every command's typed text.
Replies, strategies and the script search are in the member's language (`reply_lang`).
"""

from __future__ import annotations

import logging
import random
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import Bridgeline
from bot.content.models import Content, Strategy
from bot.errors import UserFacingError
from bot.i18n import DEFAULT_LANG, t
from bot.i18n.languages_in_use import reply_lang
from bot.safety_guard import DETECTION
from bot.search import Option, ScriptIndex, best_key, rank_keys, typed_number
from bot.ui.embeds import clip
from bot.ui.share import (
    ShareButton,
    SharePaginator,
    can_share,
    reply_privately,
    share_view_for,
)
from bot.ui.strategy_embeds import (
    no_scripts_embed,
    script_results_embed,
    sequence_embed,
    strategy_list_embed,
    strategy_pages,
)
from bot.ui.views import InvokerOnlyView

log = logging.getLogger(__name__)
# Select options and autocomplete choices show at most 100 characters (Spanish runs longer).
OPTION_LIMIT = 100


def strategy_options(content: Content, english: Content | None = None) -> list[Option]:
    """Strategies findable by their title and summary in the member's language and English."""
    english_titles = {s.id: (s.title, s.summary) for s in (english or content).strategies}
    return [(s.id, (s.title, s.summary, *english_titles.get(s.id, ()))) for s in content.strategies]


async def show_strategy(interaction: discord.Interaction, strategy: Strategy, lang: str) -> None:
    pages = strategy_pages(strategy, lang)
    pager = SharePaginator(interaction.user.id, pages, shareable=can_share(interaction))
    pager.speak(lang)  # SharePaginator takes no language (bot/ui/share.py)
    await reply_privately(interaction, [pager.current], pager)


class StrategySelect(discord.ui.Select[Any]):
    def __init__(self, content: Content, lang: str) -> None:
        options = [
            discord.SelectOption(
                label=clip(s.title, OPTION_LIMIT),
                value=s.id,
                description=clip(s.summary, OPTION_LIMIT),
            )
            for s in content.strategies[:25]
        ]
        placeholder = t(lang, "guidance.strategy.select_placeholder")
        super().__init__(placeholder=placeholder, options=options)
        self.content = content
        self.lang = lang

    async def callback(self, interaction: discord.Interaction) -> None:
        strategy = self.content.strategy(self.values[0])
        if strategy is None:
            raise UserFacingError(t(self.lang, "guidance.strategy.unknown"))
        await show_strategy(interaction, strategy, self.lang)


class StrategyListView(InvokerOnlyView):
    def __init__(
        self, owner_id: int, content: Content, embed: discord.Embed, share: bool, lang: str
    ) -> None:
        super().__init__(owner_id)
        self.add_item(StrategySelect(content, lang))
        if share:
            self.add_item(ShareButton(lambda: [embed]))


class Strategies(commands.Cog):
    strategy = app_commands.Group(
        name="strategy", description="Strategies for when your partner goes silent"
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self.rng = random.Random()
        self._indexes: dict[str, ScriptIndex] = {}
        self._index_content: Content | None = None

    def index(self, lang: str) -> ScriptIndex:
        """One per language, built on first use; all rebuilt when the content is reloaded."""
        content = self.bot.content
        if self._index_content is not content:
            self._indexes = {}
            self._index_content = content
        if lang not in self._indexes:
            english = content.strategies if lang != DEFAULT_LANG else ()
            strategies = content.in_lang(lang).strategies
            self._indexes[lang] = ScriptIndex(strategies, lang=lang, english=english)
        return self._indexes[lang]

    @strategy.command(name="list", description="All seven strategies, with a menu to open one")
    async def list_(self, interaction: discord.Interaction) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        content = self.bot.content.in_lang(lang)
        embed = strategy_list_embed(content.strategies, lang)
        share = can_share(interaction)
        view = StrategyListView(interaction.user.id, content, embed, share, lang)
        await reply_privately(interaction, [embed], view)

    @strategy.command(name="show", description="Read one strategy, with words you can use")
    @app_commands.describe(strategy="Start typing a strategy's name")
    async def show(self, interaction: discord.Interaction, strategy: str) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        content = self.bot.content.in_lang(lang)
        number, count = typed_number(strategy), len(content.strategies)
        if number is not None and not 1 <= number <= count:
            raise UserFacingError(t(lang, "guidance.strategy.no_such_number", count=count))
        if number is not None:
            found: Strategy | None = content.strategies[number - 1]
        else:
            key = best_key(strategy, strategy_options(content, self.bot.content))
            found = content.strategy(key) if key else None
        if found is None:
            raise UserFacingError(t(lang, "guidance.strategy.unknown"))
        await show_strategy(interaction, found, lang)

    @show.autocomplete("strategy")
    async def show_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        content = self.bot.content.in_lang(await reply_lang(self.bot.db, interaction))
        keys = rank_keys(current, strategy_options(content, self.bot.content))
        number = typed_number(current)
        if number is not None and 1 <= number <= len(content.strategies):
            keys = [content.strategies[number - 1].id]
        found = (content.strategy(k) for k in keys)
        return [
            app_commands.Choice(name=clip(s.title, OPTION_LIMIT), value=s.id)
            for s in found
            if s is not None
        ]

    @strategy.command(name="random", description="A strategy picked at random")
    async def random_(self, interaction: discord.Interaction) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        strategies = self.bot.content.in_lang(lang).strategies
        await show_strategy(interaction, self.rng.choice(strategies), lang)

    @strategy.command(name="steps", description="The strategies in order, from silence to talking")
    async def steps(self, interaction: discord.Interaction) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        embed = sequence_embed(self.bot.content.in_lang(lang), lang)
        await reply_privately(interaction, [embed], share_view_for(interaction, [embed]))

    @app_commands.command(name="script", description="Words to use for your situation")
    @app_commands.describe(situation="What's happening, in your own words")
    async def script(
        self,
        interaction: discord.Interaction,
        situation: app_commands.Range[str, 1, 200],
    ) -> None:
        # The safety guard scanned the text already and answered anything that needs support.
        detection = interaction.extras.get(DETECTION) or await self.bot.scanner.scan_async(
            situation
        )
        lang = await reply_lang(self.bot.db, interaction)
        matches = self.index(lang).search(situation, limit=3)
        if not matches:
            await reply_privately(interaction, [no_scripts_embed(lang)])
            return
        embed = script_results_embed(matches, lang, caution=detection.flagged)
        await reply_privately(interaction, [embed], share_view_for(interaction, [embed]))

    @script.autocomplete("situation")
    async def script_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        index = self.index(await reply_lang(self.bot.db, interaction))
        return [
            app_commands.Choice(name=clip(s, OPTION_LIMIT), value=s[:OPTION_LIMIT])
            for s in index.suggest(current)
        ]


async def setup(bot: commands.Bot) -> None:
    if not isinstance(bot, Bridgeline):
        raise TypeError("the strategies cog needs the Bridgeline bot")
    await bot.add_cog(Strategies(bot))
