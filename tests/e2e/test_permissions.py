"""The permission matrix: every command the bot syncs, run as a member, two kinds of moderator
and a manager (and owner tools as the bot owner), checking who is refused.

Adding a command? Add it to EXPECTED with its level (a command missing from the table fails
`test_every_synced_command_is_classified`), and to ARGS only if the generated minimal
arguments are not valid for it (see `_minimal_options`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.checks import REFUSALS
from bot.client import Bridgeline
from bot.errors import SOMETHING_WRONG
from bot.fakediscord import FakeDiscord, FakeMessage, Interaction, StandardGuild
from bot.fakediscord.state import Member, User
from bot.storage.guilds import update_settings

MEMBER, MODERATOR, MANAGER, OWNER = "member", "moderator", "manager", "owner"
RANK = {MEMBER: 0, MODERATOR: 1, MANAGER: 2, OWNER: 3}

#: Who may use each command: slash commands by their full path, context menus by their name.
EXPECTED: dict[str, str] = {
    # setup (issue 8)
    "setup start": MANAGER,
    "setup show": MANAGER,
    "setup alerts-channel": MANAGER,
    "setup checkin-channel": MANAGER,
    "setup moderator-role": MANAGER,
    "setup region": MANAGER,
    "setup timezone": MANAGER,
    "setup safety-mode": MANAGER,
    "setup safety-sensitivity": MANAGER,
    "setup anonymous": MANAGER,
    "setup retention": MANAGER,
    "setup language": MANAGER,
    "setup audit": MANAGER,
    "admin sync": OWNER,
    "admin reload-content": OWNER,
    # safety, alerts, resources (issue 6)
    "alerts open": MODERATOR,
    "resources show": MEMBER,
    "resources region": MEMBER,
    "resources post": MODERATOR,
    "resources add": MODERATOR,
    "resources remove": MODERATOR,
    "resources list": MODERATOR,
    # check-ins and anonymous posts (issue 5)
    "checkin new": MEMBER,
    "checkin history": MEMBER,
    "checkin delete": MEMBER,
    "checkin unblock": MODERATOR,
    "Remove anonymous post": MODERATOR,
    "Block anonymous author": MODERATOR,
    # help (issue 14)
    "help": MEMBER,
    # privacy (issue 5)
    "privacy about": MEMBER,
    "privacy export": MEMBER,
    "privacy forget": MEMBER,
    # /ask-mods and re-raising unclaimed alerts (issue 18)
    "ask-mods": MEMBER,
    "staff-settings": MANAGER,
    # daily prompts (issue 7)
    "prompts setup": MODERATOR,
    "prompts options": MODERATOR,
    "prompts pause": MODERATOR,
    "prompts resume": MODERATOR,
    "prompts status": MODERATOR,
    "prompts preview": MODERATOR,
    "prompts post-now": MODERATOR,
    "prompts add": MODERATOR,
    "prompts remove": MODERATOR,
    "prompts list": MODERATOR,
    # strategies and guidance (issue 4)
    "strategy list": MEMBER,
    "strategy show": MEMBER,
    "strategy random": MEMBER,
    "strategy steps": MEMBER,
    "script": MEMBER,
    "why": MEMBER,
    "reflect": MEMBER,
    "faq": MEMBER,
    "warning-signs": MEMBER,
}

#: Options for commands whose generated minimal options would not be valid.
ARGS: dict[str, dict[str, Any]] = {
    "resources add": {"name": "Matrix test line", "topic": "other", "url": "https://example.org"},
}

#: Discord-side hiding (`default_member_permissions`) expected per level.
HIDDEN_FROM: dict[str, int | None] = {
    MEMBER: None,
    MODERATOR: discord.Permissions(manage_messages=True).value,
    MANAGER: discord.Permissions(manage_guild=True).value,
    OWNER: discord.Permissions(administrator=True).value,
}
REFUSAL_TEXTS = (*REFUSALS.values(), "You can't use this command", "works inside a server")
CRASH_TEXT = SOMETHING_WRONG.split("{", 1)[0][:60]
SUB, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


@dataclass(frozen=True)
class Synced:
    """One invocable command: its path, Discord's spec for it and for its top-level command."""

    path: str
    kind: int  # 1 slash, 2 user context menu, 3 message context menu
    top: dict[str, Any]
    leaf_options: list[dict[str, Any]]


def synced_commands(fake: FakeDiscord) -> dict[str, Synced]:
    found: dict[str, Synced] = {}
    for scope in fake.commands.values():
        for cmd in scope:
            kind = cmd.get("type", 1)
            if kind != 1:
                found[cmd["name"]] = Synced(cmd["name"], kind, cmd, [])
                continue
            options = cmd.get("options") or []
            subs = [o for o in options if o.get("type") in (SUB, GROUP)]
            if not subs:
                found[cmd["name"]] = Synced(cmd["name"], 1, cmd, options)
            for sub in subs:
                if sub["type"] == SUB:
                    path = f"{cmd['name']} {sub['name']}"
                    found[path] = Synced(path, 1, cmd, sub.get("options") or [])
                    continue
                for leaf in sub.get("options") or []:
                    path = f"{cmd['name']} {sub['name']} {leaf['name']}"
                    found[path] = Synced(path, 1, cmd, leaf.get("options") or [])
    return found


@dataclass
class People:
    member: Member
    role_moderator: Member  # has only the configured moderator role, no Discord powers
    perm_moderator: Member  # Manage Messages, no configured role
    manager: Member  # Manage Server, not the guild owner
    helpers_role_id: int


async def _people(fake: FakeDiscord, world: StandardGuild, bot: Bridgeline) -> People:
    helpers = await fake.add_role(world.guild, "Helpers", discord.Permissions.none())
    role_mod = await fake.add_member(world.guild, "helper", roles=[helpers])
    manager = await fake.add_member(world.guild, "manager", roles=[world.owner_role])
    return People(world.you, role_mod, world.mod, manager, helpers.id)


async def _reset_config(bot: Bridgeline, world: StandardGuild, people: People) -> None:
    """Commands run as a manager may change settings; each run starts from the same ones."""
    await update_settings(
        bot.db,
        world.guild.id,
        moderator_role_id=people.helpers_role_id,
        alerts_channel_id=world.mod_alerts.id,
        checkin_channel_id=world.check_ins.id,
    )


async def _minimal_options(
    fake: FakeDiscord, world: StandardGuild, command: Synced, manager: Member
) -> dict[str, Any]:
    """Required options only: a choice's first value, the bot's own first autocomplete
    suggestion, the smallest allowed number, or a standard-guild object."""
    if command.path in ARGS:
        return dict(ARGS[command.path])
    values: dict[str, Any] = {}
    for option in command.leaf_options:
        if not option.get("required"):
            continue
        kind, name = option["type"], option["name"]
        if option.get("choices"):
            values[name] = option["choices"][0]["value"]
        elif kind == STRING and option.get("autocomplete"):
            offered = await fake.autocomplete(command.path, values, name, manager, world.general)
            values[name] = offered[0]["value"] if offered else "a"
        elif kind == STRING:
            values[name] = "a" * max(1, option.get("min_length", 1))
        elif kind in (INTEGER, NUMBER):
            values[name] = option.get("min_value", 1)
        elif kind == BOOLEAN:
            values[name] = False
        elif kind in (USER, MENTIONABLE):
            values[name] = world.you
        elif kind == CHANNEL:
            values[name] = world.general
        elif kind == ROLE:
            values[name] = world.moderator_role
        else:
            raise AssertionError(f"/{command.path}: add minimal options for {name!r} to ARGS")
    return values


async def _invoke(
    fake: FakeDiscord,
    world: StandardGuild,
    command: Synced,
    user: Member | User,
    options: dict[str, Any],
    target: FakeMessage,
) -> Interaction:
    channel = world.general if isinstance(user, Member) else None
    if command.kind == 3:
        return await fake.context_menu(command.path, target, user)
    if command.kind == 2:
        return await fake.context_menu(command.path, world.you, user, channel)
    return await fake.slash(command.path, options, user, channel)


async def _outcome(inter: Interaction) -> str:
    """ "refused", "crashed" or "allowed", from what the person would see first."""
    first = await inter.response()
    text = first.text
    if first.type == 5:  # deferred: the answer comes as an edit or a followup
        text = (await inter.reply()).text
    if any(refusal in text for refusal in REFUSAL_TEXTS):
        return "refused"
    if CRASH_TEXT in text:
        return "crashed"
    return "allowed"


async def test_every_synced_command_is_classified(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    synced = set(synced_commands(fake))
    unclassified = sorted(synced - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - synced)
    assert not unclassified, f"add these to EXPECTED in {__file__}: {unclassified}"
    assert not stale, f"EXPECTED lists commands the bot no longer has: {stale}"


async def test_discord_hides_commands_from_those_who_cannot_use_them(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """Per top-level command: hidden (default_member_permissions) for the lowest level among
    its subcommands, guild-only unless anyone (or the bot owner, from a DM) may use it."""
    tops: dict[str, list[str]] = {}
    specs: dict[str, dict[str, Any]] = {}
    for command in synced_commands(fake).values():
        tops.setdefault(command.top["name"], []).append(EXPECTED.get(command.path, MEMBER))
        specs[command.top["name"]] = command.top
    problems = []
    for name, levels in sorted(tops.items()):
        lowest = min(levels, key=RANK.__getitem__)
        spec = specs[name]
        granted = spec.get("default_member_permissions")
        got = None if granted is None else int(granted)
        if got != HIDDEN_FROM[lowest]:
            problems.append(f"/{name}: default_member_permissions {got}, expected for {lowest}")
        guild_only = spec.get("contexts") == [0] or spec.get("dm_permission") is False
        if lowest in (MODERATOR, MANAGER) and not guild_only:
            problems.append(f"/{name}: for {lowest}s but usable in DMs")
    assert not problems, "\n".join(problems)


async def test_permission_matrix(fake: FakeDiscord, world: StandardGuild, bot: Bridgeline) -> None:
    people = await _people(fake, world, bot)
    target = await fake.send_message(world.general, world.you, "a message to point menus at")
    personas: list[tuple[str, Member | User, int]] = [
        ("member", people.member, RANK[MEMBER]),
        ("role moderator", people.role_moderator, RANK[MODERATOR]),
        ("Manage Messages moderator", people.perm_moderator, RANK[MODERATOR]),
        ("manager", people.manager, RANK[MANAGER]),
    ]
    commands = synced_commands(fake)
    problems: list[str] = []
    ran = 0
    for path, command in sorted(commands.items()):
        level = EXPECTED.get(path)
        if level is None:
            continue  # reported by test_every_synced_command_is_classified
        await _reset_config(bot, world, people)
        options = await _minimal_options(fake, world, command, people.manager)
        runs = list(personas)
        if level == OWNER:
            runs.append(("bot owner (in a DM)", fake.app_owner, RANK[OWNER]))
        for label, user, rank in runs:
            await _reset_config(bot, world, people)
            inter = await _invoke(fake, world, command, user, options, target)
            outcome = await _outcome(inter)
            ran += 1
            should_refuse = rank < RANK[level]
            if outcome == "crashed":
                problems.append(f"/{path} as {label}: crashed with minimal options {options}")
            elif should_refuse != (outcome == "refused"):
                want = "refused" if should_refuse else "allowed"
                problems.append(f"/{path} as {label}: {outcome}, expected {want} ({level})")
    assert ran >= 4 * len(EXPECTED)
    assert not problems, "\n".join(problems)
