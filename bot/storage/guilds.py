"""Per-server settings: the one repository every feature reads its server configuration from."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from bot.storage.db import Database, Row

SafetyMode = Literal["dm", "nudge", "mods"]
SAFETY_MODES: tuple[SafetyMode, ...] = ("dm", "nudge", "mods")
#: How readily the meaning layer flags (bot.safety.semantic.SENSITIVITIES; patterns unchanged)
SafetySensitivity = Literal["quiet", "balanced", "sensitive"]
SAFETY_SENSITIVITIES: tuple[SafetySensitivity, ...] = ("quiet", "balanced", "sensitive")


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    alerts_channel_id: int | None = None
    checkin_channel_id: int | None = None
    moderator_role_id: int | None = None
    region: str = "INTL"
    timezone: str = "UTC"
    safety_mode: SafetyMode = "nudge"
    anon_delay_max_s: int = 60
    anon_rate_per_hour: int = 3
    anon_daily_tag: bool = True
    approval_queue: bool = False
    retention_days: int | None = None
    left_at: str | None = None
    language: str = "en"
    safety_sensitivity: SafetySensitivity = "balanced"


EDITABLE = frozenset(f.name for f in fields(GuildSettings)) - {"guild_id"}


def _from_row(row: Row) -> GuildSettings:
    values = {f.name: row[f.name] for f in fields(GuildSettings)}
    values["anon_daily_tag"] = bool(values["anon_daily_tag"])
    values["approval_queue"] = bool(values["approval_queue"])
    return GuildSettings(**values)


async def get_settings(db: Database, guild_id: int) -> GuildSettings:
    """Defaults for a server that never ran /setup; nothing is written until something is set."""
    row = await db.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return GuildSettings(guild_id=guild_id) if row is None else _from_row(row)


#: Where one interaction keeps the settings it read (a key of `discord.Interaction.extras`).
INTERACTION_KEY = "guild_settings"


async def settings_of_interaction(db: Database, interaction: Any, guild_id: int) -> GuildSettings:
    """Server `guild_id`'s settings for handling one interaction, read once however many parts
    of its handling ask: the permission check, the reply's language, the command, the followup
    after it. Each read is a trip to the database's thread, and in a busy loop each trip waits
    a turn. Kept in the interaction's own `extras`, so never beyond it; a command that changes
    the settings drops them (`forget_interaction_settings`)."""
    extras = getattr(interaction, "extras", None)
    if not isinstance(extras, dict):
        return await get_settings(db, guild_id)
    known = extras.get(INTERACTION_KEY)
    settings = await settings_for(db, guild_id, known if isinstance(known, GuildSettings) else None)
    extras[INTERACTION_KEY] = settings
    return settings


def forget_interaction_settings(interaction: Any) -> None:
    """After a change to the settings, the rest of this interaction reads them again."""
    extras = getattr(interaction, "extras", None)
    if isinstance(extras, dict):
        extras.pop(INTERACTION_KEY, None)


async def settings_for(
    db: Database, guild_id: int, known: GuildSettings | None = None
) -> GuildSettings:
    """`known` when it is this server's (read a moment ago for the same alert or post, never a
    copy kept from earlier: another process or /setup may change them), else read now."""
    if known is not None and known.guild_id == guild_id:
        return known
    return await get_settings(db, guild_id)


async def update_settings(db: Database, guild_id: int, **changes: Any) -> GuildSettings:
    """Upserts the named columns; unknown names are a programming error, not silently dropped."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"unknown guild settings: {sorted(unknown)}")
    if changes:
        columns = ", ".join(changes)
        placeholders = ", ".join("?" for _ in changes)
        updates = ", ".join(f"{name} = excluded.{name}" for name in changes)
        await db.execute(
            f"INSERT INTO guild_settings (guild_id, {columns}) VALUES (?, {placeholders}) "
            f"ON CONFLICT(guild_id) DO UPDATE SET {updates}, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            (guild_id, *changes.values()),
        )
    return await get_settings(db, guild_id)


async def safety_sensitivities(db: Database) -> dict[int, str]:
    """Every server's sensitivity that is not the default, for the scanner's in-memory map
    (read once at start, so scanning a message never waits on the database)."""
    rows = await db.fetchall(
        "SELECT guild_id, safety_sensitivity FROM guild_settings "
        "WHERE safety_sensitivity != 'balanced'"
    )
    return {int(row["guild_id"]): str(row["safety_sensitivity"]) for row in rows}
