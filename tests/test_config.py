import logging
import stat
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.log import RedactingFilter

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def settings_for(tmp_path: Path, **env: str):
    return load_settings(environ=env, env_file=None, base_dir=tmp_path)


def test_defaults_and_generated_secret(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, DISCORD_TOKEN=TOKEN)
    assert settings.token == TOKEN
    assert settings.data_dir == tmp_path / "data"
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    assert settings.meaning_layer is True
    secret_file = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    # generated once, then reused: pseudonyms must stay stable across restarts
    assert settings_for(tmp_path, DISCORD_TOKEN=TOKEN).secret == settings.secret


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={TOKEN}\nLOG_LEVEL=debug\n")
    settings = load_settings(environ={"LOG_LEVEL": "WARNING"}, env_file=env_file, base_dir=tmp_path)
    assert settings.token == TOKEN
    assert settings.log_level == "WARNING"


def test_missing_token_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        settings_for(tmp_path)
    assert (
        load_settings(environ={}, env_file=None, base_dir=tmp_path, require_token=False).token
        is None
    )


@pytest.mark.parametrize(("raw", "expected"), [("off", False), ("No", False), ("on", True)])
def test_the_meaning_layer_can_be_switched_off(tmp_path: Path, raw: str, expected: bool) -> None:
    settings = settings_for(tmp_path, DISCORD_TOKEN=TOKEN, SAFETY_MEANING_LAYER=raw)
    assert settings.meaning_layer is expected


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"DISCORD_TOKEN": "not a token"}, "DISCORD_TOKEN does not look like a bot token"),
        ({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "loud"}, "LOG_LEVEL='loud' is not a log level"),
        ({"DISCORD_TOKEN": TOKEN, "DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID must be a server id"),
        ({"DISCORD_TOKEN": TOKEN, "BRIDGELINE_SECRET": "short"}, "BRIDGELINE_SECRET is too short"),
        ({"DISCORD_TOKEN": TOKEN, "CONTENT_DIR": "nowhere"}, "CONTENT_DIR="),
        ({"DISCORD_TOKEN": TOKEN, "SAFETY_MEANING_LAYER": "maybe"}, "is not a switch"),
    ],
)
def test_malformed_values_give_one_clear_line(
    tmp_path: Path, env: dict[str, str], needle: str
) -> None:
    with pytest.raises(ConfigError) as info:
        settings_for(tmp_path, **env)
    message = str(info.value)
    assert needle in message
    assert "\n" not in message
    assert TOKEN not in message


def test_settings_repr_hides_token_and_secret(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, DISCORD_TOKEN=TOKEN)
    assert TOKEN not in repr(settings)
    assert settings.secret.decode() not in repr(settings)


def test_token_is_redacted_from_log_lines_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("bridgeline.test")
    redactor = RedactingFilter([TOKEN])
    logger.addFilter(redactor)
    try:
        with caplog.at_level(logging.INFO, logger="bridgeline.test"):
            logger.info("connecting with %s", TOKEN)
            try:
                raise RuntimeError(f"bad header {TOKEN}")
            except RuntimeError:
                logger.exception("failed")
            # an unknown token of the same shape is caught by the pattern
            logger.warning(
                "other token MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"
            )
    finally:
        logger.removeFilter(redactor)
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert TOKEN not in text
    assert "ZnCjm1XVW7vRze4b7Cq4se7kKWs" not in text
    assert text.count("[redacted]") >= 3


def test_processes_starting_together_share_one_secret(tmp_path: Path) -> None:
    """Several bot processes on a fresh data dir (one per shard group): one secret wins, and
    nobody reads the file half-written (which used to read as 'damaged')."""
    import subprocess
    import sys

    script = (
        "import sys, time; from pathlib import Path; from bot.config import load_settings\n"
        "time.sleep(max(0.0, float(sys.argv[1]) - time.time()))\n"
        "s = load_settings(environ={}, env_file=None, base_dir=Path(sys.argv[2]), require_token=False)\n"
        "print(s.secret.decode())\n"
    )
    import time

    start = str(time.time() + 1.5)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, start, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    results = [proc.communicate(timeout=60) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err for _, err in results]
    secrets = {out.strip() for out, _ in results}
    assert len(secrets) == 1
    assert (tmp_path / "data" / "secret.key").read_text().strip() in secrets
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["secret.key"]
