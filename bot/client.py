"""The Bridgeline bot: owns settings, storage, content and the clock; cogs use these."""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
from collections.abc import Iterable

import discord
from discord.ext import commands

import cogs
from bot import i18n
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content import Content
from bot.i18n.commands import CommandTranslator
from bot.i18n.mentions import CommandNames
from bot.inflight import InFlight
from bot.safety.detector import Detector
from bot.safety.scanner import MeaningLayer, SafetyScanner, load_meaning_layer
from bot.storage.db import Database
from bot.storage.migrate import migrate
from bot.tree import BridgelineTree

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Guilds, guild messages with content, DMs; deliberately not members or presences."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    intents.dm_messages = True
    return intents


def discover_extensions() -> list[str]:
    """Every module in cogs/ that defines `setup`, in name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(cogs.__path__), key=lambda m: m.name):
        name = f"{cogs.__name__}.{info.name}"
        if hasattr(importlib.import_module(name), "setup"):
            found.append(name)
    return found


# Bridgeline never joins voice; silence discord.py's start-up warnings about voice libraries.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class Bridgeline(commands.Bot):
    db: Database

    def __init__(
        self,
        settings: Settings,
        content: Content,
        *,
        clock: Clock | None = None,
        extensions: Iterable[str] | None = None,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            tree_cls=BridgelineTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            max_messages=None,
        )
        self.settings = settings
        self.content = content
        _install_messages(content)
        # Loaded once; reloading content rebuilds the patterns around the same model.
        self._meaning: MeaningLayer | None = (
            load_meaning_layer() if settings.meaning_layer else None
        )
        self.scanner = SafetyScanner(Detector(content.safety), self._meaning)
        self.clock: Clock = clock or SystemClock()
        self.in_flight = InFlight()  # safety work that close() lets finish first
        self._extensions = list(extensions) if extensions is not None else None

    async def open_storage(self) -> None:
        """Opens and migrates the database (once). `run_bot` calls it before logging in, so a
        storage problem ends the start-up before anything reaches Discord."""
        if getattr(self, "db", None) is not None:
            return
        db = await Database.open(self.settings.database_path)
        try:
            version = await migrate(db)
        except BaseException:
            await db.close()
            raise
        self.db = db
        log.info("Database ready at schema version %d", version)

    async def setup_hook(self) -> None:
        """Storage first, then cogs (which may read it in cog_load and register views)."""
        await self.open_storage()
        translator = CommandTranslator(self.settings.content_dir)
        await self.tree.set_translator(translator)
        for name in self._extensions if self._extensions is not None else discover_extensions():
            await self.load_extension(name)
        log.info("Loaded %d feature modules", len(self.extensions))
        paths = frozenset(c.qualified_name for c in self.tree.walk_commands())
        i18n.install_commands(CommandNames(translator.texts, paths))

    def reload_content(self, content: Content) -> None:
        """Swaps content and the safety scanner together, so they never disagree."""
        scanner = SafetyScanner(Detector(content.safety), self._meaning)
        self.content, self.scanner = content, scanner
        _install_messages(content)

    async def close(self) -> None:
        try:
            # While Discord and the database are still open: alerts being stored or posted
            # finish (or stay stored for the retry at the next start), never half-done.
            await self.in_flight.drain()
            await super().close()
        finally:
            db = getattr(self, "db", None)
            if db is not None:
                await db.close()
                log.info("Database closed")

    async def on_ready(self) -> None:
        # Start-up objects live for the whole run: keep them out of every later GC pass.
        gc.collect()
        gc.freeze()
        user = self.user
        log.info("Connected as %s to %d servers", user.name if user else "?", len(self.guilds))


def bridgeline_of(interaction: discord.Interaction) -> Bridgeline:
    """The bot behind an interaction, typed (buttons and views only get `interaction.client`)."""
    client = interaction.client
    if not isinstance(client, Bridgeline):
        raise TypeError("this needs the Bridgeline client")
    return client


def _install_messages(content: Content) -> None:
    """Reply builders read wording through bot.i18n.t; point it at the content just loaded."""
    if content.messages is not None:
        i18n.install(content.messages)
