"""The Bridgeline bot: owns settings, storage, content and the clock; cogs use these."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import pkgutil
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import discord
from discord.ext import commands

import cogs
from bot import i18n
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content import Content
from bot.gateway_intake import ChatIntake, pace_reader
from bot.i18n import detect as language_detection
from bot.i18n.commands import CommandTranslator
from bot.i18n.mentions import CommandNames
from bot.inflight import InFlight
from bot.native_memory import tune_malloc
from bot.safety.detector import detector_for
from bot.safety.scanner import MeaningLayer, SafetyScanner, load_meaning_layer, reads_message
from bot.sharding import ShardPlan
from bot.storage.backend import open_database
from bot.storage.db import Database
from bot.storage.guilds import safety_sensitivities
from bot.storage.migrate import migrate
from bot.tree import BridgelineTree

log = logging.getLogger(__name__)

#: The collector's first-generation threshold while the bot runs (CPython's default: 700).
#: Under a message flood the default ran a collection every few messages: 150-190 ms of
#: pauses per 20,000 messages (bench/flood.py). Nearly everything a message makes is freed by
#: reference counting, so a larger threshold rarely fires at all; cycles are still collected,
#: later. The older generations keep CPython's defaults.
GC_GEN0_THRESHOLD = 50_000
#: How long a thread may hold the GIL while another waits for it (CPython: 5 ms). Every database
#: call and model batch is finished by a helper thread that needs the GIL a few times; with the
#: event loop busy (a flood) each of those waits was up to 5 ms, so a /checkin history with
#: three reads took ~300 ms at the median. At 0.5 ms (bench/flood.py, 60k messages, same
#: machine): database reads p90 59 -> 6-22 ms, that command's median 265-311 -> 25-36 ms.
GIL_SWITCH_INTERVAL_S = 0.0005


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
        shards: ShardPlan | None = None,
        identify_spacing: float = 5.0,
    ) -> None:
        tune_malloc()  # before the bot's threads start (bot/native_memory.py)
        self.shard_plan = shards or ShardPlan()
        self._gc_frozen = False  # see on_ready
        self._gc_threshold: tuple[int, int, int] | None = None  # CPython's, while ours is set
        self._switch_interval: float | None = None  # CPython's, while ours is set
        #: Seconds between IDENTIFYs of this process's shards (Discord allows one per 5 s).
        self.identify_spacing = identify_spacing
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            tree_cls=BridgelineTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            max_messages=None,
            **self._shard_options(),
        )
        #: Chat events wait in a queue so commands are answered at once during a flood.
        self.chat_intake = ChatIntake()
        self.chat_intake.install(self._connection.parsers)
        self.chat_intake.triage = self._flags_new_message
        self.settings = settings
        self.content = content
        _install_messages(content)
        # Loaded once; reloading content rebuilds the patterns around the same model.
        self._meaning: MeaningLayer | None = (
            load_meaning_layer() if settings.meaning_layer else None
        )
        #: Each server's /setup safety-sensitivity where not the default (filled from storage
        #: at start, kept current by /setup); the scanner reads it, never the database.
        self.safety_levels: dict[int, str] = {}
        self.scanner = SafetyScanner(
            detector_for(content.safety), self._meaning, levels=self.safety_levels
        )
        self.clock: Clock = clock or SystemClock()
        self.in_flight = InFlight()  # safety work that close() lets finish first
        #: Alerts stored and still being answered (cogs/safety.py); the retry pass leaves them
        #: to their own posting, which follows the member's reply.
        self.alerts_being_answered: set[int] = set()
        self._extensions = list(extensions) if extensions is not None else None

    def _flags_new_message(self, data: dict[str, Any]) -> bool:
        """The chat intake's triage: does a new message's text trip the patterns? (A bot's
        or webhook's message is never scanned, so never sent ahead.)"""
        content = data.get("content")
        author = data.get("author") or {}
        if not reads_message(
            content, from_bot=bool(author.get("bot")), webhook_id=data.get("webhook_id")
        ):
            return False
        return self.scanner.remember(content)

    @contextlib.contextmanager
    def answering(self, alert_id: int) -> Iterator[None]:
        """Marks a stored alert as being answered for the block (``alerts_being_answered``)."""
        self.alerts_being_answered.add(alert_id)
        try:
            yield
        finally:
            self.alerts_being_answered.discard(alert_id)

    def _shard_options(self) -> dict[str, Any]:
        return {}

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process runs `guild_id`'s shard: scheduled per-server work (prompts,
        anonymous posts, alert retries) is done only by the process that owns the server."""
        return self.shard_plan.owns(guild_id)

    async def server(self, guild_id: int) -> discord.Guild | None:
        """The server from this process's cache or, when another process runs its shard, over
        REST with its channels: a button pressed in a DM reaches the process running shard 0,
        whichever server it is about."""
        guild = self.get_guild(guild_id)
        if guild is not None or self.owns_guild(guild_id):
            return guild
        try:
            guild = await self.fetch_guild(guild_id, with_counts=False)
            for channel in await guild.fetch_channels():
                guild._add_channel(channel)  # so guild.get_channel works as for a cached one
        except discord.HTTPException as exc:
            log.warning("Could not fetch server %s from Discord (HTTP %s)", guild_id, exc.status)
            return None
        return guild

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await asyncio.sleep(self.identify_spacing)

    async def open_storage(self) -> None:
        """Opens and migrates the database (once). `run_bot` calls it before logging in, so a
        storage problem ends the start-up before anything reaches Discord."""
        if getattr(self, "db", None) is not None:
            return
        db = await open_database(self.settings.database_url)
        try:
            version = await migrate(db)
        except BaseException:
            await db.close()
            raise
        self.db = db
        self.safety_levels.update(await safety_sensitivities(db))
        log.info("Database ready at schema version %d", version)

    async def setup_hook(self) -> None:
        """Storage first, then cogs (which may read it in cog_load and register views)."""
        await self.open_storage()
        # The language identifier (which language a safety reply answers in) loads now, before
        # the gateway connects: loaded on the first flagged message instead, it held the
        # interpreter for a second mid-flood (loop lag 108-140 ms, alerts 3 s late in
        # bench/flood.py's first flood) and kept that first reply waiting.
        await asyncio.to_thread(language_detection.load)
        translator = CommandTranslator(self.settings.content_dir)
        await self.tree.set_translator(translator)
        for name in self._extensions if self._extensions is not None else discover_extensions():
            await self.load_extension(name)
        log.info("Loaded %d feature modules", len(self.extensions))
        paths = frozenset(c.qualified_name for c in self.tree.walk_commands())
        i18n.install_commands(CommandNames(translator.texts, paths))

    def reload_content(self, content: Content) -> None:
        """Swaps content and the safety scanner together, so they never disagree."""
        scanner = SafetyScanner(
            detector_for(content.safety), self._meaning, levels=self.safety_levels
        )
        self.content, self.scanner = content, scanner
        _install_messages(content)

    async def close(self) -> None:
        try:
            # While Discord and the database are still open: alerts being stored or posted
            # finish (or stay stored for the retry at the next start), never half-done;
            # chat already read is scanned first.
            await self.chat_intake.drain()
            await self.in_flight.drain()
            await super().close()
        finally:
            db = getattr(self, "db", None)
            if db is not None:
                await db.close()
                log.info("Database closed")
            if self._gc_frozen:
                # What on_ready froze can be collected again once this client is gone (a
                # process that starts another client, as the tests do, would keep every one).
                gc.unfreeze()
                self._gc_frozen = False
            if self._gc_threshold is not None:
                gc.set_threshold(*self._gc_threshold)
                self._gc_threshold = None
            if self._switch_interval is not None:
                sys.setswitchinterval(self._switch_interval)
                self._switch_interval = None

    async def on_message(self, message: discord.Message, /) -> None:
        """Bridgeline has slash commands only. discord.py's default built a command context
        for every chat message (~5% of the loop's time in a flood, bench/flood.py) and logged
        an error for each message that mentions the bot ("Command not found")."""
        if self.all_commands:  # none today; a text command added later still works
            await self.process_commands(message)

    async def on_connect(self) -> None:
        """Each new gateway connection's reader yields in bursts and queues chat frames
        undecoded (bot/gateway_intake.py)."""
        for ws in self.gateway_sockets():
            pace_reader(ws)
            self.chat_intake.read_frames(ws)

    on_resumed = on_connect  # a resume opens a new connection too, without READY

    def gateway_sockets(self) -> list[Any]:
        """This process's gateway connections (a new one after each resume or reconnect)."""
        return [self.ws]

    async def on_ready(self) -> None:
        # Start-up objects live for the whole run: keep them out of every later GC pass.
        # Once: READY comes again after every new session, and what is alive then (message
        # caches, a reconnect's leftovers) would be kept for good.
        if not self._gc_frozen:
            gc.collect()
            gc.freeze()
            self._gc_frozen = True
            self._gc_threshold = gc.get_threshold()
            gc.set_threshold(GC_GEN0_THRESHOLD, *self._gc_threshold[1:])
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        user = self.user
        log.info("Connected as %s to %d servers", user.name if user else "?", len(self.guilds))


class ShardedBridgeline(Bridgeline, commands.AutoShardedBot):
    """Bridgeline running several shards (or some of them) in one process.

    One AutoShardedClient per process rather than one Client per shard: one cache, one
    database connection, one safety model in memory and one set of background loops for all
    the process's shards; discord.py keeps a socket per shard and routes each request."""

    def gateway_sockets(self) -> list[Any]:
        return [info._parent.ws for info in self.shards.values()]

    def _shard_options(self) -> dict[str, Any]:
        return {"shard_count": self.shard_plan.count, "shard_ids": list(self.shard_plan.ids)}


def make_bridgeline(
    settings: Settings, content: Content, *, shards: ShardPlan | None = None, **options: Any
) -> Bridgeline:
    """The plain client for one shard, the sharded one otherwise."""
    plan = shards or ShardPlan()
    kind = Bridgeline if plan.is_default else ShardedBridgeline
    return kind(settings, content, shards=plan, **options)


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
