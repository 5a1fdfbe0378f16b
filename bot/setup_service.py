"""Server setup logic with no Discord calls: what the bot needs in each configured channel, and
how a setting change is described and audited. (Removal and purge: bot/storage/purge.py.)

Kept apart from the cog so the rules can be unit-tested with plain `discord.Permissions`
values and a bare database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

import discord

from bot.storage import audit
from bot.storage.db import Database
from bot.storage.guilds import GuildSettings, get_settings, update_settings

log = logging.getLogger(__name__)


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
    private: bool = False  # only moderators should be able to read it


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
    private=True,
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
    public: bool = False  # a moderators-only channel that @everyone can read

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.public


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
    targets: Iterable[Target],
    permissions_in: Callable[[int], discord.Permissions | None],
    public: Callable[[int], bool] = lambda _: False,
) -> list[ChannelCheck]:
    """`permissions_in(channel_id)` gives the bot's permissions there, or None when the channel
    is gone or is not a text channel; `public(channel_id)` says whether @everyone can read it
    (reported only for channels meant for moderators)."""
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
        status: CheckStatus = "missing" if missing else "ok"
        exposed = purpose.private and public(channel_id)
        checks.append(ChannelCheck(purpose, channel_id, status, missing, public=exposed))
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


def everyone_can_read(guild: discord.Guild) -> Callable[[int], bool]:
    """Whether @everyone may view a channel (its overwrites included); unknown channels: False,
    they are reported as not found anyway."""

    def lookup(channel_id: int) -> bool:
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        return channel.permissions_for(guild.default_role).view_channel

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
    db: Database, guild_id: int, actor_id: int, *, now: datetime | None = None, **changes: Any
) -> tuple[GuildSettings, list[Change]]:
    """Writes only what differs and audits each change with who made it. The server's
    timezone is the one source of truth: the daily prompt schedule follows it (`now`: the
    bot's clock, to compute its next post)."""
    before = await get_settings(db, guild_id)
    changed = diff(before, changes)
    if not changed:
        return before, []
    after = await update_settings(db, guild_id, **{c.setting: c.new for c in changed})
    for change in changed:
        await audit.record(
            db, guild_id, actor_id, change.action, target=None, detail=change.describe()
        )
    if any(c.setting == "timezone" for c in changed):
        from bot.daily_prompts.schedules import set_timezone  # imported late: it imports us

        await set_timezone(db, guild_id, after.timezone, now or datetime.now(UTC))
    return after, changed
