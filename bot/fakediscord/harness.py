"""Run a real discord.py bot against a FakeDiscord on the same event loop.

Construct the bot with ``guild_ready_timeout=0.02``: discord.py waits that long after the last
GUILD_CREATE before ``on_ready`` (default 2 s, which would make every test slow).
"""

# Waiting helpers take ``timeout`` on purpose: tests read better than wrapping each call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import logging
import types
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import discord
import discord.gateway
import discord.http
import discord.webhook.async_
import yarl
from discord.ext import commands

from .interactions import HANG_GUARD

if TYPE_CHECKING:  # only its attributes are read here: see the package's __init__
    from .fake import FakeDiscord

log = logging.getLogger(__name__)
BotT = TypeVar("BotT", bound=discord.Client)
RETRY_SLEEP_CAP = 0.01


def _capped_asyncio(cap: float) -> types.ModuleType:
    """A stand-in for the ``asyncio`` module whose ``sleep`` never exceeds ``cap`` seconds."""
    shim = types.ModuleType("asyncio_capped_sleep")
    shim.__dict__.update(vars(asyncio))

    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(min(delay, cap), result)

    shim.__dict__["sleep"] = sleep
    return shim


@contextlib.contextmanager
def point_at(fake: FakeDiscord, *, fast_retries: bool = True) -> Iterator[None]:
    """Point discord.py's process-global URLs at ``fake``; restore them on exit.

    With ``fast_retries`` the REST and webhook modules see an ``asyncio`` whose ``sleep`` is
    capped at 10 ms, so discord.py's 5xx back-off (1, 3, 5, 7, 9 s) and 429 waits stay short.
    That swaps one module global in each of two modules; nothing else of the library changes.
    """
    saved_base = discord.http.Route.BASE
    saved_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    modules = (discord.http, discord.webhook.async_)
    saved_asyncio = [m.asyncio for m in modules]
    discord.http.Route.BASE = fake.base_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    if fast_retries:
        shim = _capped_asyncio(RETRY_SLEEP_CAP)
        for module in modules:
            module.asyncio = shim  # type: ignore[attr-defined]
    try:
        yield
    finally:
        discord.http.Route.BASE = saved_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway
        for module, original in zip(modules, saved_asyncio, strict=True):
            module.asyncio = original  # type: ignore[attr-defined]


async def sync_commands(bot: commands.Bot, fake: FakeDiscord) -> None:
    """Upload the bot's tree to the fake (global commands, then any guild-specific ones)."""
    await bot.tree.sync()
    for guild_id in list(fake.guilds):
        if bot.tree.get_commands(guild=discord.Object(guild_id)):
            await bot.tree.sync(guild=discord.Object(guild_id))


@contextlib.asynccontextmanager
async def run_bot(
    bot: BotT,
    fake: FakeDiscord,
    *,
    sync: bool = True,
    fast_retries: bool = True,
    timeout: float = HANG_GUARD,
) -> AsyncIterator[BotT]:
    """Log ``bot`` in to ``fake``, connect, wait for ``on_ready``, sync its command tree (if it
    is a ``commands.Bot`` and ``sync``), yield it, and close it cleanly on exit."""
    with point_at(fake, fast_retries=fast_retries):
        connect: asyncio.Task[None] | None = None
        try:
            await bot.login(fake.token)
            connect = asyncio.create_task(bot.connect(), name="fakediscord: bot.connect")
            ready = asyncio.create_task(bot.wait_until_ready(), name="fakediscord: wait ready")
            done, _ = await asyncio.wait(
                {connect, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if ready not in done:
                ready.cancel()
                if connect in done:
                    connect.result()  # re-raise why the bot could not connect
                raise TimeoutError(f"bot was not ready within {timeout}s")
            if sync and isinstance(bot, commands.Bot):
                await sync_commands(bot, fake)
            yield bot
        finally:
            # Bounded only as a hang guard: a close that never finishes fails the test with a
            # message instead of hanging the run.
            closing = asyncio.ensure_future(bot.close())
            await asyncio.wait([closing], timeout=timeout)
            if connect is not None:
                await asyncio.wait([connect], timeout=timeout)
                if connect.done() and not connect.cancelled():
                    connect.exception()  # retrieved: why it ended doesn't matter here
            if not closing.done():
                closing.cancel()
                raise TimeoutError(f"fakediscord: bot.close() did not finish within {timeout}s")
            closing.result()
