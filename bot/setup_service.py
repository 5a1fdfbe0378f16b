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

from bot.i18n import DEFAULT_LANG, LANGUAGE_NAMES, t
from bot.storage import audit
from bot.storage.db import Database
from bot.storage.guilds import (
    SAFETY_MODES,
    SAFETY_SENSITIVITIES,
    GuildSettings,
    get_settings,
    update_settings,
)

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
    `discord.Permissions`, in the order they are reported). Its name and what does not happen
    while none is chosen are setup.channels.<key>.label / .why in the catalog."""

    key: str
    required: tuple[str, ...]
    private: bool = False  # only moderators should be able to read it


# Anonymous posts and alerts are the bot's own messages: deleting them needs no Manage Messages,
# and neither feature opens threads, so both need only the posting permissions.
CHECKINS = ChannelPurpose("checkins", POSTING)
ALERTS = ChannelPurpose("alerts", POSTING, private=True)
DAILY_PROMPT = ChannelPurpose("daily_prompt", POSTING)
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

#: In English, for the /setup safety-mode choices (Discord shows those through the command
#: translator); replies use safety_mode_label in the reader's language.
SAFETY_MODE_LABELS: dict[str, str] = {
    mode: t(DEFAULT_LANG, f"setup.safety_modes.{mode}") for mode in SAFETY_MODES
}


#: In English, for the /setup safety-sensitivity choices (translated like the modes above).
SAFETY_SENSITIVITY_LABELS: dict[str, str] = {
    level: t(DEFAULT_LANG, f"setup.safety_sensitivities.{level}") for level in SAFETY_SENSITIVITIES
}


def setting_label(setting: str, lang: str = DEFAULT_LANG) -> str:
    return t(lang, f"setup.settings.{setting}")


def safety_mode_label(mode: str, lang: str = DEFAULT_LANG) -> str:
    return t(lang, f"setup.safety_modes.{mode}") if mode in SAFETY_MODE_LABELS else "?"


def permission_label(label: str, lang: str = DEFAULT_LANG) -> str:
    """A permission named by `missing_permissions` (English), in `lang`."""
    name = _PERMISSION_NAMES.get(label)
    return label if name is None else t(lang, f"setup.permissions.{name}")


_PERMISSION_NAMES = {label: name for name, label in PERMISSION_LABELS.items()}


def format_value(setting: str, value: Any, lang: str = DEFAULT_LANG) -> str:
    """How a setting reads in replies (in `lang`) and the audit trail (English; mentions render
    without pinging)."""
    if setting == "retention_days":
        if value is None:
            return t(lang, "setup.values.kept_until_deleted")
        return t(lang, "setup.values.days", days=value)
    if value is None:
        return t(lang, "setup.values.not_set")
    if setting.endswith("_channel_id"):
        return f"<#{value}>"
    if setting == "moderator_role_id":
        return f"<@&{value}>"
    if isinstance(value, bool):
        return t(lang, "setup.values.on" if value else "setup.values.off")
    if setting == "safety_mode":
        return f"{value} ({safety_mode_label(str(value), lang)})"
    if setting == "safety_sensitivity":
        known = str(value) in SAFETY_SENSITIVITY_LABELS
        label = t(lang, f"setup.safety_sensitivities.{value}") if known else "?"
        return f"{value} ({label})"
    if setting == "anon_delay_max_s":
        return t(lang, "setup.values.delay", seconds=value)
    if setting == "language":
        return LANGUAGE_NAMES.get(str(value), str(value))
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

    def describe(self, lang: str = DEFAULT_LANG) -> str:
        old, new = (
            format_value(self.setting, self.old, lang),
            format_value(self.setting, self.new, lang),
        )
        return f"{old} → {new}"


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
