"""The async entry points: the caller owns the bot's lifetime, so Ctrl-C closes everything."""

from __future__ import annotations

import logging

import discord

from bot.client import Bridgeline, make_bridgeline
from bot.config import Settings
from bot.content import Content
from bot.sharding import ShardPlan
from bot.storage.db import StorageError
from bot.storage.migrate import MigrationError

log = logging.getLogger(__name__)

INTENT_HELP = (
    "Discord refused the Message Content intent: open the Developer Portal, your application, "
    "Bot tab, and turn on MESSAGE CONTENT INTENT, then start again."
)


async def run_bot(settings: Settings, content: Content, shards: ShardPlan | None = None) -> int:
    """Connects and serves until stopped; returns the process exit code. With `shards`, this
    process runs only those shards (others run the rest, on the same database)."""
    assert settings.token is not None
    plan = shards or ShardPlan()
    if not plan.is_default:
        log.info("Running shards %s of %d", ",".join(map(str, plan.ids)), plan.count)
    try:
        async with make_bridgeline(settings, content, shards=plan) as bot:
            await bot.open_storage()  # before logging in: a storage problem ends it here
            await bot.start(settings.token)
    except StorageError as exc:
        log.error("%s", exc)
        return 2
    except discord.LoginFailure:
        log.error("Discord rejected DISCORD_TOKEN: copy a fresh token from the Developer Portal.")
        return 2
    except discord.PrivilegedIntentsRequired:
        log.error(INTENT_HELP)
        return 2
    except MigrationError as exc:
        log.error("%s", exc)
        return 2
    return 0


async def sync_commands(settings: Settings, content: Content, guild_id: int | None) -> int:
    """Logs in over HTTP only (no gateway) and registers the command tree."""
    assert settings.token is not None
    try:
        async with Bridgeline(settings, content) as bot:
            await bot.login(settings.token)
            if guild_id is not None:
                guild = discord.Object(id=guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                print(f"Synced {len(synced)} commands to server {guild_id} (available at once).")
            else:
                synced = await bot.tree.sync()
                print(f"Synced {len(synced)} global commands (may take up to an hour to show).")
    except StorageError as exc:
        log.error("%s", exc)
        return 2
    except discord.LoginFailure:
        log.error("Discord rejected DISCORD_TOKEN: copy a fresh token from the Developer Portal.")
        return 2
    except MigrationError as exc:
        log.error("%s", exc)
        return 2
    return 0
