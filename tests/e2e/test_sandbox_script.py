"""`bridgeline sandbox` driven by a script on stdin, as another program (or a person with a
pipe) would: the real bot, the fake Discord, the sandbox clock and the transcript."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """\
/strategy show strategy:boundaries
:click 3
:as owner
/setup checkin-channel channel:check-ins
:as you
:channel check-ins
/checkin new
:submit checkin:mood=4 "checkin:body=a quiet day, ping @everyone"
:click 1
:tick 2m
:read check-ins
:quit
"""


def test_a_scripted_session_prints_a_readable_transcript(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--data-dir", str(tmp_path / "data")],
        input=SCRIPT,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=90,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    assert "Traceback" not in result.stderr
    assert "Boundaries around silence" in out
    assert "(only you can see this)" in out
    assert "2/3" in out  # the Next button paged the strategy
    assert "Clock moved to" in out
    # the anonymous post reached #check-ins as the bot, with the mention defused
    public = out.split(":read check-ins", 1)[1]
    assert "#check-ins | Bridgeline:" in public
    assert "Anonymous check-in" in public
    assert "@\u200beveryone" in public


def _sandbox(data: Path, script: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--data-dir", str(data)],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=data.parent,
        timeout=120,
    )


FIRST = """\
:as owner
/setup checkin-channel channel:check-ins
/setup anonymous delay:0
:as you
:read mod-alerts
/checkin new
:submit checkin:mood=3 "checkin:body=something to take down"
:click 1
:tick 1m
:read check-ins
:click 99
:as mod
:menu "Remove anonymous post" m2
:click 1
:as owner
/admin reload-content
:quit
"""
SECOND = """\
:as owner
/setup show
:quit
"""


def test_menus_owner_commands_refs_and_a_restart_on_the_same_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _sandbox(data, FIRST)
    out = first.stdout
    assert first.returncode == 0, first.stderr + out
    assert first.stderr == ""  # warnings go to the log file, never into the prompt
    assert "(you cannot see #mod-alerts)" in out
    read = out.split("you@#general> :read mod-alerts", 1)[1].split("you@#general> /checkin", 1)[0]
    assert "Bridgeline" not in read  # nothing of the hidden channel is printed
    public = out.split(":read check-ins", 1)[1].split(":click 99", 1)[0]
    assert "Anonymous check-in" in public and "(m2: :click N m2)" in public
    menu = out.split(':menu "Remove anonymous post" m2', 1)[1]
    assert "Remove this anonymous post" in menu
    assert "(on m3:" in menu and "Removed the anonymous post" in menu  # the click is shown
    admin = out.split("/admin reload-content", 1)[1]
    assert "bot's owner only" not in admin and "Content reloaded" in admin
    assert "error: m2 has buttons 1 to 2" in out.split(":click 99", 1)[1]
    assert (data / "sandbox-world.json").exists()

    second = _sandbox(data, SECOND)
    assert second.returncode == 0, second.stderr + second.stdout
    shown = second.stdout.split("/setup show", 1)[1]
    assert "Check-in channel**: not set" not in shown  # same server ids: settings still apply
    assert "✅ **Check-in channel** #check-ins" in shown or "✅ **Check-in channel**" in shown


LOCALE_SCRIPT = """\
/ayuda
/estrategia lista
/preguntas-frecuentes pregunta:ignore
:locale de
/hilfe
:as mod
:locale
:locale klingon
/help
:quit
"""


def test_the_sandbox_acts_as_a_member_with_another_discord_language(tmp_path: Path) -> None:
    from bot.content import default_content_dir
    from bot.i18n import t
    from bot.i18n.commands import read_command_texts

    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--locale", "es-ES"],
        input=LOCALE_SCRIPT,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    texts, _ = read_command_texts(default_content_dir())
    spanish = out.split("/ayuda", 1)[1].split(":locale de", 1)[0]
    assert t("es", "help.title") in spanish  # typed by its Spanish name, answered in Spanish
    assert f"`/{texts.command_path('es', 'strategy show')}`" in spanish
    assert "unknown command" not in spanish and "error:" not in spanish
    # the option was typed by its Spanish name too, and answered like /faq question:ignore
    assert "you@#general> /preguntas-frecuentes pregunta:ignore\n#general | Bridgeline" in out
    german = out.split("/hilfe", 1)[1].split(":as mod", 1)[0]
    assert "(Discord language for you: de)" in out and t("de", "help.title") in german
    moderator = out.split(":as mod", 1)[1]
    assert "(Discord language for mod: en-US)" in moderator  # each person has their own
    assert "error: unknown Discord language 'klingon'" in moderator
    assert t("en", "help.title") in moderator.split("> /help", 1)[1]


def test_an_unknown_sandbox_language_is_refused_with_the_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli import main

    assert main(["sandbox", "--locale", "xx-YY"]) == 2
    err = capsys.readouterr().err
    assert "unknown Discord language 'xx-YY'" in err and "es-ES" in err and "pt-BR" in err
