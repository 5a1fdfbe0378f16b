"""/strategy list|show|random|steps and /script: the strategies and their ready-to-say words.

Every reply is private, with a button to share a public copy. A /script search that reads like
fear, danger, abuse or crisis gets support instead of scripts (safe-messaging.md, rule 15):
bot/safety_guard.py answers it before the command runs, as for every command's typed text.
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
from bot.safety_guard import DETECTION
from bot.search import Option, ScriptIndex, best_key, rank_keys, typed_number
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

NO_SUCH_NUMBER = (
    "There are {count} strategies, numbered as in `/strategy list`: give a number from 1 to "
    "{count}, or start typing a name."
)
UNKNOWN_STRATEGY = (
    "I don't know a strategy by that name. Pick one from the suggestions, or see `/strategy list`."
)


def strategy_options(content: Content) -> list[Option]:
    return [(s.id, (s.title, s.summary)) for s in content.strategies]


async def show_strategy(interaction: discord.Interaction, strategy: Strategy) -> None:
    pages = strategy_pages(strategy)
    pager = SharePaginator(interaction.user.id, pages, shareable=can_share(interaction))
    await reply_privately(interaction, [pager.current], pager)


class StrategySelect(discord.ui.Select[Any]):
    def __init__(self, content: Content) -> None:
        options = [
            discord.SelectOption(label=s.title, value=s.id, description=s.summary)
            for s in content.strategies[:25]
        ]
        super().__init__(placeholder="Open a strategy", options=options)
        self.content = content

    async def callback(self, interaction: discord.Interaction) -> None:
        strategy = self.content.strategy(self.values[0])
        if strategy is None:
            raise UserFacingError(UNKNOWN_STRATEGY)
        await show_strategy(interaction, strategy)


class StrategyListView(InvokerOnlyView):
    def __init__(self, owner_id: int, content: Content, embed: discord.Embed, share: bool) -> None:
        super().__init__(owner_id)
        self.add_item(StrategySelect(content))
        if share:
            self.add_item(ShareButton(lambda: [embed]))


class Strategies(commands.Cog):
    strategy = app_commands.Group(
        name="strategy", description="Strategies for when your partner goes silent"
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self.rng = random.Random()
        self._index: ScriptIndex | None = None
        self._index_content: Content | None = None

    @property
    def index(self) -> ScriptIndex:
        """Rebuilt when the content is reloaded."""
        content = self.bot.content
        if self._index is None or self._index_content is not content:
            self._index = ScriptIndex(content.strategies)
            self._index_content = content
        return self._index

    @strategy.command(name="list", description="All seven strategies, with a menu to open one")
    async def list_(self, interaction: discord.Interaction) -> None:
        content = self.bot.content
        embed = strategy_list_embed(content.strategies)
        view = StrategyListView(interaction.user.id, content, embed, can_share(interaction))
        await reply_privately(interaction, [embed], view)

    @strategy.command(name="show", description="Read one strategy, with words you can use")
    @app_commands.describe(strategy="Start typing a strategy's name")
    async def show(self, interaction: discord.Interaction, strategy: str) -> None:
        content = self.bot.content
        number, count = typed_number(strategy), len(content.strategies)
        if number is not None and not 1 <= number <= count:
            raise UserFacingError(NO_SUCH_NUMBER.format(count=count))
        if number is not None:
            found: Strategy | None = content.strategies[number - 1]
        else:
            key = best_key(strategy, strategy_options(content))
            found = content.strategy(key) if key else None
        if found is None:
            raise UserFacingError(UNKNOWN_STRATEGY)
        await show_strategy(interaction, found)

    @show.autocomplete("strategy")
    async def show_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        content = self.bot.content
        keys = rank_keys(current, strategy_options(content))
        number = typed_number(current)
        if number is not None and 1 <= number <= len(content.strategies):
            keys = [content.strategies[number - 1].id]
        found = (content.strategy(k) for k in keys)
        return [app_commands.Choice(name=s.title, value=s.id) for s in found if s is not None]

    @strategy.command(name="random", description="A strategy picked at random")
    async def random_(self, interaction: discord.Interaction) -> None:
        await show_strategy(interaction, self.rng.choice(self.bot.content.strategies))

    @strategy.command(name="steps", description="The strategies in order, from silence to talking")
    async def steps(self, interaction: discord.Interaction) -> None:
        embed = sequence_embed(self.bot.content)
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
        matches = self.index.search(situation, limit=3)
        if not matches:
            await reply_privately(interaction, [no_scripts_embed()])
            return
        embed = script_results_embed(matches, caution=detection.flagged)
        await reply_privately(interaction, [embed], share_view_for(interaction, [embed]))

    @script.autocomplete("situation")
    async def script_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=s, value=s) for s in self.index.suggest(current)]


async def setup(bot: commands.Bot) -> None:
    if not isinstance(bot, Bridgeline):
        raise TypeError("the strategies cog needs the Bridgeline bot")
    await bot.add_cog(Strategies(bot))
