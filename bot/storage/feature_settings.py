"""Settings of the staff features (issue 18): where /ask-mods threads go, and after how many
minutes an unclaimed safety alert is raised again. A table of its own, beside guild_settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.safety_service.timefmt import to_text
from bot.storage.db import Database

DEFAULT_UNCLAIMED_MINUTES = 10


@dataclass(frozen=True)
class FeatureSettings:
    guild_id: int
    askmods_channel_id: int | None = None
    unclaimed_minutes: int = DEFAULT_UNCLAIMED_MINUTES


async def get_feature_settings(db: Database, guild_id: int) -> FeatureSettings:
    row = await db.fetchone(
        "SELECT askmods_channel_id, unclaimed_minutes FROM feature_settings WHERE guild_id = ?",
        (guild_id,),
    )
    if row is None:
        return FeatureSettings(guild_id)
    return FeatureSettings(guild_id, row["askmods_channel_id"], row["unclaimed_minutes"])


async def set_feature_settings(
    db: Database,
    guild_id: int,
    now: datetime,
    *,
    askmods_channel_id: int | None = None,
    unclaimed_minutes: int | None = None,
    clear_channel: bool = False,
) -> FeatureSettings:
    current = await get_feature_settings(db, guild_id)
    channel = None if clear_channel else (askmods_channel_id or current.askmods_channel_id)
    minutes = unclaimed_minutes or current.unclaimed_minutes
    await db.execute(
        "INSERT INTO feature_settings (guild_id, askmods_channel_id, unclaimed_minutes, "
        "updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(guild_id) DO UPDATE SET "
        "askmods_channel_id = excluded.askmods_channel_id, "
        "unclaimed_minutes = excluded.unclaimed_minutes, updated_at = excluded.updated_at",
        (guild_id, channel, minutes, to_text(now)),
    )
    return await get_feature_settings(db, guild_id)
