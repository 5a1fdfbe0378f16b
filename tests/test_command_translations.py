"""Command names, descriptions and choices in every language: the whole command tree (every cog)
is walked, and each English string must have a translation that keeps Discord's rules."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.content import Content, default_content_dir, load_content
from bot.i18n import LANGS, t
from bot.i18n.command_check import check_command_texts, command_strings, offline_payloads
from bot.i18n.commands import (
    CommandTexts,
    CommandTranslator,
    kind_of,
    name_problem,
    read_command_texts,
    text_problem,
)
from bot.ui.embeds import FIELD_VALUE_LIMIT, TOTAL_LIMIT
from bot.ui.help_embeds import MEMBER_COMMANDS, help_embed, notes_text

SHIPPED = default_content_dir()


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(SHIPPED)


@pytest.fixture(scope="module")
def payloads(content: Content) -> list[dict[str, Any]]:
    """Built once: loading every cog takes a few seconds."""
    return asyncio.run(offline_payloads(content))


async def test_every_command_string_is_translated_within_discords_rules(
    payloads: list[dict[str, Any]],
) -> None:
    texts, problems = read_command_texts(SHIPPED)
    problems += check_command_texts(texts, payloads)
    assert problems == [], "\n".join(map(str, problems))
    strings = command_strings(payloads)
    assert {s.english for s in strings} >= {"strategy", "help", "Remove anonymous post"}
    assert {s.kind for s in strings} == {"names", "menus", "descriptions", "choices"}


async def test_the_walk_reports_a_missing_translation_and_a_clash(
    payloads: list[dict[str, Any]],
) -> None:
    texts, _ = read_command_texts(SHIPPED)
    es = {kind: dict(table) for kind, table in texts.texts["es"].items()}
    del es["descriptions"]["Words to use for your situation"]
    es["names"]["list"] = es["names"]["show"]  # /strategy list and /strategy show both "ver"
    doctored = CommandTexts(MappingProxyType({**texts.texts, "es": es}))
    found = {
        (p.file, p.path, p.message.split(" ")[0]) for p in check_command_texts(doctored, payloads)
    }
    assert (
        "es/commands.toml",
        'descriptions."Words to use for your situation"',
        "missing",
    ) in found
    clashes = [p for p in check_command_texts(doctored, payloads) if "beside it" in p.message]
    assert clashes and all(p.file == "es/commands.toml" for p in clashes)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("estrategia", True),
        ("señales-de-alerta", True),
        ("minutos_sin_atender", True),
        ("हिंदी", True),
        ("Estrategia", False),
        ("dos palabras", False),
        ("qu'est", False),
        ("x" * 33, False),
        ("", False),
    ],
)
def test_name_rule(text: str, ok: bool) -> None:
    assert (name_problem(text) is None) is ok


def test_description_and_menu_lengths() -> None:
    assert text_problem("descriptions", "x" * 100) is None
    assert text_problem("descriptions", "x" * 101) is not None
    assert text_problem("descriptions", " ") is not None
    assert text_problem("menus", "Quitar publicación anónima") is None
    assert text_problem("menus", "x" * 33) is not None


def test_a_broken_commands_file_is_reported(tmp_path: Path) -> None:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED, target)
    path = target / "de" / "commands.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"help" = "hilfe"', '"help" = "Hilfe"'),
        encoding="utf-8",
    )
    (target / "fr" / "commands.toml").unlink()
    texts, problems = read_command_texts(target)
    messages = {(p.file, p.path) for p in problems}
    assert ("de/commands.toml", 'names."help"') in messages
    assert ("fr/commands.toml", "<file>") in messages
    assert texts.get("de", "names", "help") is None  # never sent to Discord
    assert texts.name("de", "help") == "help"


async def test_translator_answers_for_our_discord_locales_only() -> None:
    translator = CommandTranslator(SHIPPED)
    await translator.load()
    texts, _ = read_command_texts(SHIPPED)
    command = app_commands.Command(name="help", description="x", callback=_noop)
    context = app_commands.TranslationContext(
        location=app_commands.TranslationContextLocation.command_name, data=command
    )
    name = app_commands.locale_str("help")
    spanish = texts.get("es", "names", "help")
    assert spanish is not None
    for locale in (discord.Locale.spain_spanish, discord.Locale.latin_american_spanish):
        assert await translator.translate(name, locale, context) == spanish
    assert await translator.translate(name, discord.Locale.brazil_portuguese, context) == (
        texts.get("pt", "names", "help")
    )
    for other in (discord.Locale.american_english, discord.Locale.japanese):
        assert await translator.translate(name, other, context) is None
    assert kind_of(context) == "names"


async def _noop(interaction: discord.Interaction) -> None:
    return None


@pytest.mark.parametrize("lang", LANGS)
def test_help_fits_discords_limits_and_shows_every_help_key(lang: str) -> None:
    texts, _ = read_command_texts(SHIPPED)
    embed = help_embed(lang, texts)
    assert len(embed) <= TOTAL_LIMIT
    assert all(len(f.value or "") < FIELD_VALUE_LIMIT for f in embed.fields)  # nothing clipped
    shown = "\n".join(
        [embed.title or "", embed.description or "", embed.footer.text or ""]
        + [f"{f.name}\n{f.value}" for f in embed.fields]
    )
    after = notes_text(["a note"], welcome=True, lang=lang, names=texts) or ""
    keys = {"help.title", "help.intro", "help.footer", "help.privacy_heading", "help.away"}
    keys |= {f"help.sections.{section}" for section, _ in MEMBER_COMMANDS}
    keys |= {f"help.lines.{key}" for _, lines in MEMBER_COMMANDS for _, key in lines}
    for key in keys:
        assert t(lang, key) in shown + after, key
    for key in ("help.privacy", "help.welcome"):  # their text before the first {command}
        assert t(lang, key, **_blank(key)).split("\x00")[0] in shown + after
    catalog = load_content(SHIPPED).messages
    assert catalog is not None
    formatted = {"help.privacy", "help.welcome"}
    unused = {k for k in catalog.all_keys() if k.startswith("help.")} - keys - formatted
    assert unused == set()  # no dead keys
    if lang != "en":
        assert "`/strategy list`" not in shown  # the command names are localised too


def _blank(key: str) -> dict[str, str]:
    names = ("privacy_about", "privacy_export", "privacy_forget", "help")
    return dict.fromkeys(names, "\x00")


def test_every_language_folder_shipped_has_its_commands_file() -> None:
    texts, problems = read_command_texts(SHIPPED)
    assert problems == []
    assert set(texts.texts) == set(LANGS[1:])


def test_check_content_names_a_missing_command_translation_and_a_broken_name(
    tmp_path: Path,
) -> None:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED, target)
    spanish = target / "es" / "commands.toml"
    lines = spanish.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith('"Words to use for your situation"')]
    assert len(kept) == len(lines) - 1
    spanish.write_text("\n".join(kept).replace('"why" = "por-que"', '"why" = "por qué"') + "\n")
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "CONTENT_DIR"}}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-content", str(target)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert (
        'es/commands.toml: descriptions."Words to use for your situation": missing (/script)'
        in lines
    )
    assert any(line.startswith('es/commands.toml: names."why": ') for line in lines)
    assert len(lines) == 2 and "Traceback" not in result.stderr
