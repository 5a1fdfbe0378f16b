"""The command line as a person meets it: real processes, real exit codes, no tracebacks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def bridgeline(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "CONTENT_DIR"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_explains_and_offers_the_sandbox(tmp_path: Path) -> None:
    result = bridgeline(tmp_path, "run")
    assert result.returncode == 2
    assert "MESSAGE CONTENT INTENT" in result.stderr
    assert "bridgeline sandbox" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "data").exists(), "nothing is created before there is a token"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"DISCORD_TOKEN": "abc def"}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": TOKEN, "DEV_GUILD_ID": "x"}, "DEV_GUILD_ID"),
    ],
)
def test_malformed_setting_is_one_line_exit_2(
    tmp_path: Path, env: dict[str, str], needle: str
) -> None:
    result = bridgeline(tmp_path, "run", **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = bridgeline(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("run", "sandbox", "scan", "check-content", "sync", "backup", "train-semantic"):
        assert command in result.stdout


def test_check_content_clean_and_broken(tmp_path: Path) -> None:
    clean = bridgeline(tmp_path, "check-content", str(REPO / "content"))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert len(clean.stdout.strip().splitlines()) == 1
    broken = tmp_path / "broken"
    broken.mkdir()
    for source in (REPO / "content").glob("*.toml"):
        (broken / source.name).write_text(source.read_text())
    (broken / "strategies.toml").write_text("this is = = not toml")
    result = bridgeline(tmp_path, "check-content", str(broken))
    assert result.returncode == 1
    assert result.stdout.startswith("strategies.toml: ")
    assert "Traceback" not in result.stderr


def test_run_refuses_broken_content_at_start(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for source in (REPO / "content").glob("*.toml"):
        (broken / source.name).write_text(source.read_text())
    (broken / "faq.toml").write_text("[[entries]]\nid = 3\n")
    result = bridgeline(tmp_path, "run", DISCORD_TOKEN=TOKEN, CONTENT_DIR=str(broken))
    assert result.returncode == 1
    assert "faq.toml: " in result.stderr
    assert "Traceback" not in result.stderr


def test_backup_without_database_is_a_clear_error(tmp_path: Path) -> None:
    result = bridgeline(tmp_path, "backup", str(tmp_path / "copy.sqlite3"))
    assert result.returncode == 2
    assert "no database" in result.stderr
    assert "Traceback" not in result.stderr


def test_backup_copies_the_database(tmp_path: Path) -> None:
    import sqlite3

    data = tmp_path / "data"
    data.mkdir()
    live = sqlite3.connect(data / "bridgeline.sqlite3")
    live.execute("PRAGMA journal_mode = WAL")
    live.execute("CREATE TABLE t (x INTEGER)")
    live.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])
    live.commit()  # the connection stays open, as the running bot's would
    try:
        result = bridgeline(tmp_path, "backup", str(tmp_path / "copy.sqlite3"))
        assert result.returncode == 0, result.stderr
        assert "Backed up" in result.stdout
        copy = sqlite3.connect(tmp_path / "copy.sqlite3")
        assert copy.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 100
        copy.close()
    finally:
        live.close()


def test_scan_uses_the_meaning_layer_unless_told_not_to(tmp_path: Path) -> None:
    line = (
        '{"id": 7, "text": "some nights i lie awake hoping i simply never see another morning"}\n'
    )
    both = subprocess.run(
        [sys.executable, "-m", "bot", "scan"],
        cwd=tmp_path,
        input=line,
        capture_output=True,
        text=True,
        timeout=60,
    )
    patterns = subprocess.run(
        [sys.executable, "-m", "bot", "scan", "--patterns-only"],
        cwd=tmp_path,
        input=line,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert both.returncode == patterns.returncode == 0
    assert '"categories": ["crisis"]' in both.stdout and '"severity": "concern"' in both.stdout
    assert '"categories": []' in patterns.stdout


def test_check_content_refuses_a_regex_that_backtracks_catastrophically(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for source in (REPO / "content").glob("*.toml"):
        (content / source.name).write_text(source.read_text())
    with (content / "safety.toml").open("a") as fh:
        fh.write('\n[[crisis.patterns]]\nid = "zz"\nseverity = "high"\n')
        fh.write("regex = '''\\bzz(?:\\w+\\s?)+zz\\b'''\n")
    result = bridgeline(tmp_path, "check-content", str(content))
    assert result.returncode == 1, result.stdout + result.stderr
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith("safety.toml: crisis.patterns[")
    assert "].regex: (?:\\w+\\s?)+ repeats (unbounded)" in line
    assert "backtrack catastrophically" in line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--shard-ids", "0"], "--shard-ids needs --shards"),
        (["--shards", "2", "--shard-ids", "0,2"], "shard id 2 does not exist"),
        (["--shards", "2", "--shard-ids", "zero"], "separated by commas"),
        (["--shards", "0"], "--shards must be between 1"),
    ],
)
def test_run_with_impossible_shards_is_one_line_exit_2(
    tmp_path: Path, flags: list[str], needle: str
) -> None:
    result = bridgeline(tmp_path, "run", *flags, DISCORD_TOKEN=TOKEN)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr


def test_scan_refuses_an_unknown_sensitivity_clearly(tmp_path: Path) -> None:
    result = bridgeline(tmp_path, "scan", "--sensitivity", "loud")
    assert result.returncode == 2
    assert "invalid choice: 'loud'" in result.stderr and "quiet" in result.stderr
    assert "Traceback" not in result.stderr
