"""Settings of the staff features (issue 18): where /ask-mods threads go, and after how many
minutes an unclaimed safety alert is raised again. A table of its own, beside guild_settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.safety_service.timefmt import to_text
from bot.storage.db import Database

DEFAULT_UNCLAIMED_MINUTES = 10
#: The least a server may set (the table's CHECK; /ask-mods settings' Range).
MIN_UNCLAIMED_MINUTES = 1


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


async def in_staff_thread(db: Database, channel: object, alerts_channel_id: int | None) -> bool:
    """A thread under the alerts channel or the /ask-mods staff channel: moderators' own talk
    (the members' words there are posted by the bot and scanned when they are sent)."""
    parent = getattr(channel, "parent_id", None)
    if parent is None or not hasattr(channel, "guild"):
        return False
    if parent == alerts_channel_id:
        return True
    guild = getattr(channel, "guild", None)
    guild_id = getattr(guild, "id", None)
    if guild_id is None:
        return False
    return bool(parent == (await get_feature_settings(db, guild_id)).askmods_channel_id)
