"""Server setup logic with no Discord calls: what the bot needs in each configured channel, how
a setting change is described and audited, and the purge of a removed server's data.

Kept apart from the cog so the rules can be unit-tested with plain `discord.Permissions`
values and a bare database.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import aiosqlite
import discord

from bot.storage import audit
from bot.storage.db import Database
from bot.storage.guilds import GuildSettings, get_settings, update_settings

log = logging.getLogger(__name__)

#: How long a removed server's data is kept, so an accidental kick loses nothing.
PURGE_AFTER = timedelta(days=30)
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

PERMISSION_LABELS: dict[str, str] = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "read_message_history": "Read Message History",
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "manage_messages": "Manage Messages",
}
POSTING = ("view_channel", "send_messages", "embed_links", "read_message_history")
THREADS = ("create_public_threads", "send_messages_in_threads")


@dataclass(frozen=True)
class ChannelPurpose:
    """A channel the bot posts in, and every permission it needs there (attribute names of
    `discord.Permissions`, in the order they are reported)."""

    key: str
    label: str
    required: tuple[str, ...]
    why: str  # what does not happen while no channel is chosen


# Anonymous posts and alerts are the bot's own messages: deleting them needs no Manage Messages,
# and neither feature opens threads, so both need only the posting permissions.
CHECKINS = ChannelPurpose(
    "checkins", "Check-in channel", POSTING, "anonymous check-ins can't be posted until it is set"
)
ALERTS = ChannelPurpose(
    "alerts",
    "Alerts channel",
    POSTING,
    "moderator alerts go to the server owner by DM until it is set",
)
DAILY_PROMPT = ChannelPurpose(
    "daily_prompt",
    "Daily prompt channel",
    POSTING,
    "no daily prompt is posted until a moderator runs `/prompts setup`",
)
DAILY_PROMPT_THREADS = replace(DAILY_PROMPT, required=(*POSTING, *THREADS))

CheckStatus = Literal["ok", "missing", "not_set", "not_found"]
Target = tuple[ChannelPurpose, int | None]


@dataclass(frozen=True)
class ChannelCheck:
    purpose: ChannelPurpose
    channel_id: int | None
    status: CheckStatus
    missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def missing_permissions(granted: discord.Permissions, required: Iterable[str]) -> tuple[str, ...]:
    """Human labels of what is missing. Without View Channel nothing else works, but every
    missing permission is still named so a manager fixes them all at once."""
    if granted.administrator:
        return ()
    return tuple(PERMISSION_LABELS[name] for name in required if not getattr(granted, name))


def settings_targets(settings: GuildSettings) -> list[Target]:
    return [(CHECKINS, settings.checkin_channel_id), (ALERTS, settings.alerts_channel_id)]


async def channel_targets(db: Database, settings: GuildSettings) -> list[Target]:
    """Every channel the bot is configured to post in: guild settings plus the daily prompt
    channel (threads too when the schedule opens one per prompt)."""
    from bot.daily_prompts.schedules import get_schedule  # imported late: it imports us

    schedule = await get_schedule(db, settings.guild_id)
    if schedule is None:
        prompt: Target = (DAILY_PROMPT, None)
    else:
        purpose = DAILY_PROMPT_THREADS if schedule.use_thread else DAILY_PROMPT
        prompt = (purpose, schedule.channel_id)
    return [*settings_targets(settings), prompt]


def check_channels(
    targets: Iterable[Target], permissions_in: Callable[[int], discord.Permissions | None]
) -> list[ChannelCheck]:
    """`permissions_in(channel_id)` gives the bot's permissions there, or None when the channel
    is gone or is not a text channel."""
    checks: list[ChannelCheck] = []
    for purpose, channel_id in targets:
        if channel_id is None:
            checks.append(ChannelCheck(purpose, None, "not_set"))
            continue
        granted = permissions_in(channel_id)
        if granted is None:
            checks.append(ChannelCheck(purpose, channel_id, "not_found"))
            continue
        missing = missing_permissions(granted, purpose.required)
        checks.append(ChannelCheck(purpose, channel_id, "missing" if missing else "ok", missing))
    return checks


def bot_permissions_in(guild: discord.Guild) -> Callable[[int], discord.Permissions | None]:
    """The lookup `check_channels` needs, from the bot's cached view of the guild."""

    def lookup(channel_id: int) -> discord.Permissions | None:
        channel = guild.get_channel(channel_id)
        me = guild.me
        if not isinstance(channel, discord.TextChannel) or me is None:
            return None
        return channel.permissions_for(me)

    return lookup


# --- describing and auditing changes -------------------------------------------------------

SETTING_LABELS: dict[str, str] = {
    "alerts_channel_id": "Alerts channel",
    "checkin_channel_id": "Check-in channel",
    "moderator_role_id": "Moderator role",
    "region": "Region",
    "timezone": "Timezone",
    "safety_mode": "Safety replies",
    "anon_delay_max_s": "Anonymous post delay",
    "anon_rate_per_hour": "Anonymous posts per hour",
    "anon_daily_tag": "Daily anonymous tag",
    "approval_queue": "Approval queue",
    "retention_days": "Check-in retention",
}
SAFETY_MODE_LABELS: dict[str, str] = {
    "dm": "private DM to the member",
    "nudge": "gentle public nudge with a private button",
    "mods": "moderators only, no reply to the member",
}


def format_value(setting: str, value: Any) -> str:
    """How a setting reads in replies and the audit trail (mentions render without pinging)."""
    if setting == "retention_days":
        return "kept until deleted" if value is None else f"{value} days"
    if value is None:
        return "not set"
    if setting.endswith("_channel_id"):
        return f"<#{value}>"
    if setting == "moderator_role_id":
        return f"<@&{value}>"
    if isinstance(value, bool):
        return "on" if value else "off"
    if setting == "safety_mode":
        return f"{value} ({SAFETY_MODE_LABELS.get(str(value), '?')})"
    if setting == "anon_delay_max_s":
        return f"up to {value} s"
    return str(value)


@dataclass(frozen=True)
class Change:
    setting: str
    old: Any
    new: Any

    @property
    def action(self) -> str:
        """The audit action, e.g. "setup.alerts_channel"."""
        return "setup." + self.setting.removesuffix("_id")

    def describe(self) -> str:
        return f"{format_value(self.setting, self.old)} → {format_value(self.setting, self.new)}"


def diff(before: GuildSettings, changes: Mapping[str, Any]) -> list[Change]:
    return [
        Change(name, getattr(before, name), value)
        for name, value in changes.items()
        if getattr(before, name) != value
    ]


async def apply_changes(
    db: Database, guild_id: int, actor_id: int, **changes: Any
) -> tuple[GuildSettings, list[Change]]:
    """Writes only what differs and audits each change with who made it."""
    before = await get_settings(db, guild_id)
    changed = diff(before, changes)
    if not changed:
        return before, []
    after = await update_settings(db, guild_id, **{c.setting: c.new for c in changed})
    for change in changed:
        await audit.record(
            db, guild_id, actor_id, change.action, target=None, detail=change.describe()
        )
    return after, changed


# --- timezones -------------------------------------------------------------------------------

COMMON_TIMEZONES: tuple[str, ...] = (
    "UTC",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Halifax",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Athens",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
)


@lru_cache(maxsize=1)
def all_timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def canonical_timezone(name: str) -> str | None:
    """The IANA name matching `name` case-insensitively, or None."""
    wanted = name.strip().replace(" ", "_").casefold()
    return next((tz for tz in all_timezones() if tz.casefold() == wanted), None)


def timezone_suggestions(query: str, limit: int = 25) -> list[str]:
    """Prefix matches on the whole name or its city part first, then substring matches."""
    needle = query.strip().replace(" ", "_").casefold()
    if not needle:
        return list(COMMON_TIMEZONES[:limit])
    starts, contains = [], []
    for tz in all_timezones():
        folded = tz.casefold()
        if folded.startswith(needle) or folded.rsplit("/", 1)[-1].startswith(needle):
            starts.append(tz)
        elif needle in folded:
            contains.append(tz)
    return (starts + contains)[:limit]


# --- removal and purge -------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    return moment.strftime(TIMESTAMP_FORMAT)


def parse_stamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


async def mark_left(db: Database, guild_id: int, now: datetime) -> None:
    """The bot was removed: keep the data, start the 30-day countdown (only the first time)."""
    settings = await get_settings(db, guild_id)
    if settings.left_at is None:
        await update_settings(db, guild_id, left_at=stamp(now))


async def mark_rejoined(db: Database, guild_id: int) -> bool:
    """Back within 30 days: nothing is purged. True when a countdown was cancelled."""
    row = await db.fetchone("SELECT left_at FROM guild_settings WHERE guild_id = ?", (guild_id,))
    if row is None or row["left_at"] is None:
        return False
    await update_settings(db, guild_id, left_at=None)
    return True


async def guilds_due_for_purge(db: Database, now: datetime) -> list[int]:
    rows = await db.fetchall(
        "SELECT guild_id, left_at FROM guild_settings WHERE left_at IS NOT NULL ORDER BY guild_id"
    )
    due = []
    for row in rows:
        left = parse_stamp(row["left_at"])
        if left is None:
            log.warning("Unreadable left_at for guild %s; purging it to be safe", row["guild_id"])
            due.append(int(row["guild_id"]))
        elif now - left >= PURGE_AFTER:
            due.append(int(row["guild_id"]))
    return due


async def _columns(conn: aiosqlite.Connection, table: str) -> list[str]:
    async with conn.execute(f'PRAGMA table_info("{table}")') as cursor:
        return [row[1] for row in await cursor.fetchall()]


async def _table_names(conn: aiosqlite.Connection) -> list[str]:
    async with conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def guild_tables(db: Database) -> list[str]:
    """Every table with a guild_id column, found from the schema so later features are
    covered without registering anything."""
    conn = db.connection
    return [t for t in await _table_names(conn) if "guild_id" in await _columns(conn, t)]


@dataclass(frozen=True)
class _ForeignKey:
    child: str
    child_columns: tuple[str, ...]
    parent_columns: tuple[str, ...]


async def _children(
    conn: aiosqlite.Connection, parent: str, tables: list[str]
) -> list[_ForeignKey]:
    """Tables whose rows point at `parent`, so they are deleted first (whatever ON DELETE)."""
    found = []
    for table in tables:
        async with conn.execute(f'PRAGMA foreign_key_list("{table}")') as cursor:
            rows = await cursor.fetchall()
        by_id: dict[int, list[tuple[str, str | None]]] = {}
        for row in rows:
            if row[2] == parent:
                by_id.setdefault(row[0], []).append((row[3], row[4]))
        for pairs in by_id.values():
            targets = [to for _, to in pairs]
            parent_cols = (
                [str(t) for t in targets]
                if all(t is not None for t in targets)
                else await _primary_key(conn, parent)
            )
            found.append(_ForeignKey(table, tuple(c for c, _ in pairs), tuple(parent_cols)))
    return found


async def _primary_key(conn: aiosqlite.Connection, table: str) -> list[str]:
    async with conn.execute(f'PRAGMA table_info("{table}")') as cursor:
        rows = sorted((r for r in await cursor.fetchall() if r[5]), key=lambda r: r[5])
    return [r[1] for r in rows] or ["rowid"]


def _cols(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


async def _delete_where(
    conn: aiosqlite.Connection,
    table: str,
    where: str,
    params: tuple[Any, ...],
    tables: list[str],
    counts: dict[str, int],
    depth: int = 0,
) -> None:
    if depth < 8:
        for fk in await _children(conn, table, tables):
            if fk.child == table:
                continue
            child_where = (
                f"({_cols(fk.child_columns)}) IN "
                f'(SELECT {_cols(fk.parent_columns)} FROM "{table}" WHERE {where})'
            )
            await _delete_where(conn, fk.child, child_where, params, tables, counts, depth + 1)
    cursor = await conn.execute(f'DELETE FROM "{table}" WHERE {where}', params)
    counts[table] = counts.get(table, 0) + max(cursor.rowcount, 0)


async def purge_guild(db: Database, guild_id: int) -> dict[str, int]:
    """Deletes every row of this server in one transaction; returns rows deleted per table.

    guild_settings goes last, so an interrupted purge (rolled back) is simply retried."""
    async with db.transaction() as conn:
        tables = await _table_names(conn)
        with_guild = [t for t in tables if "guild_id" in await _columns(conn, t)]
        ordered = sorted(with_guild, key=lambda t: t == "guild_settings")
        counts: dict[str, int] = {}
        for table in ordered:
            await _delete_where(conn, table, "guild_id = ?", (guild_id,), tables, counts)
    log.info("Purged guild %s: %d rows", guild_id, sum(counts.values()))
    return {table: n for table, n in counts.items() if n}


async def purge_due(db: Database, now: datetime) -> list[int]:
    """Purges every server removed at least 30 days ago; one failure does not stop the rest."""
    purged = []
    for guild_id in await guilds_due_for_purge(db, now):
        try:
            await purge_guild(db, guild_id)
        except Exception:
            log.exception("Purge of guild %s failed; will retry tomorrow", guild_id)
        else:
            purged.append(guild_id)
    return purged
