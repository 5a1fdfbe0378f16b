"""The command-line entry points against the fake Discord: `sync` registers the tree without a
gateway connection, and the sandbox shuts down cleanly on Ctrl-C."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.content import Content
from bot.fakediscord import FakeDiscord, StandardGuild
from bot.fakediscord.harness import point_at
from bot.runner import sync_commands


async def test_sync_registers_global_and_guild_commands(
    fake: FakeDiscord, world: StandardGuild, settings: Settings, shipped_content: Content
) -> None:
    with_token = dataclasses.replace(settings, token=fake.token)
    with point_at(fake):
        assert await sync_commands(with_token, shipped_content, None) == 0
        assert await sync_commands(with_token, shipped_content, world.guild.id) == 0
    global_names = {c["name"] for c in fake.commands[None]}
    assert {"strategy", "checkin", "setup", "resources", "prompts", "privacy"} <= global_names
    assert {c["name"] for c in fake.commands[world.guild.id]} == global_names
    # sync never opened a gateway session: it is an HTTP-only operation
    assert not any(r.route.startswith("GET /gateway") for r in fake.requests)


async def test_sync_with_a_rejected_token_is_a_clear_failure(
    fake: FakeDiscord,
    settings: Settings,
    shipped_content: Content,
    caplog: pytest.LogCaptureFixture,
) -> None:
    wrong = dataclasses.replace(settings, token="MTIz.wrong.token")
    with point_at(fake):
        assert await sync_commands(wrong, shipped_content, None) == 2
    assert "rejected DISCORD_TOKEN" in caplog.text
    assert "MTIz.wrong.token" not in caplog.text


def test_sandbox_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--data-dir", str(tmp_path / "data")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        proc.stdin.write("/strategy random\n")
        proc.stdin.flush()
        ready = proc.stdout.readline()  # blocks until the sandbox prints its first line
        assert "Sandbox server ready" in ready
        assert (tmp_path / "data" / "bridgeline.sqlite3").exists()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    for noise in ("Traceback", "Task was destroyed", "Unclosed", "never awaited"):
        assert noise not in stderr
    # the database was closed properly: no WAL left behind to replay
    assert (
        not (tmp_path / "data" / "bridgeline.sqlite3-wal").exists()
        or (tmp_path / "data" / "bridgeline.sqlite3-wal").stat().st_size == 0
    )
