"""Files on disk: the data folder is 0700; the database, its -wal and -shm files and every
`bridgeline backup` copy are 0600, whatever the umask, for a new install and an old one."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild, run_bot
from bot.storage.guilds import update_settings

pytestmark = pytest.mark.sqlite_only(reason="file modes of the SQLite database in the data dir")


async def configure(bot: Bridgeline, world: StandardGuild) -> None:
    await update_settings(bot.db, world.guild.id, checkin_channel_id=world.check_ins.id,
                          alerts_channel_id=world.mod_alerts.id)  # fmt: skip


async def check_in(fake: FakeDiscord, user: Any, text: str) -> None:
    await (await fake.slash("checkin new", None, user, "general")).modal_shown()
    fields = {"checkin:mood": "3", "checkin:body": text}
    assert "Check-in saved" in (await (await fake.submit_modal(fields, user)).response()).text


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_files(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("bridgeline.sqlite3*"))


async def test_data_folder_database_wal_and_shm_are_private(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    data_dir: Path,
) -> None:
    old = os.umask(0o002)  # a generous umask, as on many desktops
    try:
        async with run_bot(make_bridgeline(), fake) as bot:
            await configure(bot, world)
            await check_in(fake, world.you, "Something only for me.")  # writes to the WAL
            names = {p.name for p in database_files(data_dir)}
            assert {"bridgeline.sqlite3", "bridgeline.sqlite3-wal"} <= names, names
            assert "bridgeline.sqlite3-shm" in names, names
            assert mode(data_dir) == 0o700
            for path in database_files(data_dir):
                assert mode(path) == 0o600, (path.name, oct(mode(path)))
    finally:
        os.umask(old)


async def test_an_existing_install_is_tightened_at_start(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    data_dir: Path,
) -> None:
    async with run_bot(make_bridgeline(), fake) as bot:
        await configure(bot, world)
    os.chmod(data_dir, 0o755)  # as an older version, or a hand-made folder, left it
    for path in database_files(data_dir):
        os.chmod(path, 0o644)
    async with run_bot(make_bridgeline(), fake) as bot:
        await check_in(fake, world.you, "Still private.")
        assert mode(data_dir) == 0o700
        for path in database_files(data_dir):
            assert mode(path) == 0o600, (path.name, oct(mode(path)))


async def test_backup_copies_are_private(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    data_dir: Path,
    tmp_path: Path,
) -> None:
    async with run_bot(make_bridgeline(), fake) as bot:
        await configure(bot, world)
        await check_in(fake, world.you, "Backed up, but only for the host.")
        destination = tmp_path / "backups" / "copy.sqlite3"
        env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "CONTENT_DIR"}}
        env["BRIDGELINE_DATA_DIR"] = str(data_dir)
        result = subprocess.run(  # noqa: ASYNC221 (the real command line, as a host runs it)
            [sys.executable, "-c", "import os, sys; os.umask(0o022); from bot.cli import main; "
             "sys.exit(main(['backup', sys.argv[1]]))", str(destination)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert mode(destination) == 0o600
        assert [p.name for p in destination.parent.iterdir()] == ["copy.sqlite3"]
