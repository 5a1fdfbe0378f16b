"""Is every command string translated, and does every translation keep Discord's rules?

The English strings are read from the payloads discord.py syncs (so nothing is missed: every
cog, group, option and fixed choice); `offline_payloads` builds them without Discord by loading
the cogs into a bot that never connects.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord

from bot.content.models import Content, ContentProblem
from bot.i18n.commands import COMMANDS_FILE, CommandTexts, read_command_texts
from bot.i18n.locales import LANGS

#: Option types that hold options of their own (subcommand, subcommand group).
_NESTING = (1, 2)


@dataclass(frozen=True)
class CommandString:
    """One English string of the command tree: its commands.toml table and where it is."""

    kind: str
    english: str
    where: str


def _node_strings(node: dict[str, Any], where: str, is_menu: bool) -> Iterator[CommandString]:
    yield CommandString("menus" if is_menu else "names", node["name"], where)
    if not is_menu:
        yield CommandString("descriptions", node.get("description") or "", where)
    for choice in node.get("choices") or []:
        yield CommandString("choices", choice["name"], f"{where} choice {choice['value']!r}")
    for option in node.get("options") or []:
        yield from _node_strings(option, f"{where} {option['name']}", False)


def command_strings(payloads: Sequence[dict[str, Any]]) -> list[CommandString]:
    """Every translatable string of the synced commands, in tree order."""
    found: list[CommandString] = []
    for cmd in payloads:
        kind = cmd.get("type", 1)
        found += _node_strings(cmd, f"/{cmd['name']}" if kind == 1 else cmd["name"], kind != 1)
    return found


def _sibling_clashes(
    texts: CommandTexts, lang: str, siblings: Sequence[dict[str, Any]], kind: str, where: str
) -> Iterator[ContentProblem]:
    seen: dict[str, str] = {}
    for node in siblings:
        shown = texts.get(lang, kind, node["name"]) or node["name"]
        if shown in seen:
            yield ContentProblem(
                f"{lang}/{COMMANDS_FILE}",
                f'{kind}."{node["name"]}"',
                f"{shown!r} is also the name of {seen[shown]!r} beside it in {where}",
            )
        seen[shown] = node["name"]
        options = node.get("options") or []
        if options:
            inner = f"{where} {node['name']}".strip()
            yield from _sibling_clashes(texts, lang, options, "names", inner)


def check_command_texts(
    texts: CommandTexts, payloads: Sequence[dict[str, Any]]
) -> list[ContentProblem]:
    """Missing translations and names that clash with a sibling, per language (rule breaks
    are read_command_texts' to report)."""
    problems: list[ContentProblem] = []
    strings = command_strings(payloads)
    for lang in (lang for lang in LANGS[1:] if lang in texts.texts):
        rel = f"{lang}/{COMMANDS_FILE}"
        reported: set[tuple[str, str]] = set()
        for item in strings:
            key = (item.kind, item.english)
            if key in reported:
                continue
            reported.add(key)
            found = texts.texts.get(lang, {}).get(item.kind, {}).get(item.english)
            if found is None:
                problems.append(
                    ContentProblem(rel, f'{item.kind}."{item.english}"', f"missing ({item.where})")
                )
        for kind_code, kind in ((1, "names"), (2, "menus"), (3, "menus")):
            top = [c for c in payloads if c.get("type", 1) == kind_code]
            problems += _sibling_clashes(texts, lang, top, kind, "")
    return problems


async def offline_payloads(content: Content) -> list[dict[str, Any]]:
    """The command payloads the bot would sync, built without Discord or the real database."""
    from bot.client import Bridgeline  # imported here: the client imports every cog
    from bot.clock import FakeClock
    from bot.config import load_settings

    with tempfile.TemporaryDirectory(prefix="bridgeline-commands-") as temp:
        settings = load_settings(
            environ={"BRIDGELINE_DATA_DIR": temp, "SAFETY_MEANING_LAYER": "off"},
            env_file=None,
            require_token=False,
            base_dir=Path(temp),
        )
        bot = Bridgeline(settings, content, clock=FakeClock(datetime.now(UTC)))
        async with bot:
            await bot.setup_hook()
            tree = bot.tree
            return [
                cmd.to_dict(tree)
                for kind in discord.AppCommandType
                for cmd in tree.get_commands(type=kind)
            ]


async def command_problems(content_dir: Path, content: Content) -> list[ContentProblem]:
    """What `bridgeline check-content` reports about the command translations."""
    texts, problems = read_command_texts(content_dir)
    return problems + check_command_texts(texts, await offline_payloads(content))
