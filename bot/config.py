"""Settings: the one place that reads the environment.

Everything is read inside `load_settings()` (never at import time) so tests and the sandbox can
pass their own environment, and every bad value becomes one clear `ConfigError` line.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from dotenv import dotenv_values

from bot.clock import parse_duration
from bot.content import default_content_dir
from bot.safety_service.alert_timing import DEFAULT_DELAY, MAX_DELAY
from bot.storage.backend import DatabaseUrlError, check_url, describe_url, sqlite_path

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SECRET_FILE_NAME = "secret.key"
MIN_SECRET_LENGTH = 32


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says what to do."""


class MissingTokenError(ConfigError):
    """No DISCORD_TOKEN: `run` answers with how to get one (and nothing is created on disk)."""


@dataclass(frozen=True)
class Settings:
    token: str | None
    data_dir: Path
    secret: bytes
    content_dir: Path
    log_level: str
    dev_guild_id: int | None
    meaning_layer: bool = True  # the safety scan's embedding layer (SAFETY_MEANING_LAYER)
    # A check-in alert that is not imminent waits a random time in this window
    # (CHECKIN_ALERT_DELAY), so moderators cannot match it to who was online.
    checkin_alert_delay: tuple[timedelta, timedelta] = DEFAULT_DELAY
    database_url_setting: str | None = None  # DATABASE_URL as given; None: SQLite in data_dir

    @property
    def database_path(self) -> Path:
        """The SQLite file: DATABASE_URL's path when it names one, else in the data folder."""
        url = self.database_url_setting
        if url is not None and check_url(url) == "sqlite":
            return Path(sqlite_path(url))
        return self.data_dir / "bridgeline.sqlite3"

    @property
    def database_url(self) -> str:
        return self.database_url_setting or f"sqlite:///{self.database_path}"

    def __repr__(self) -> str:  # never show the token or secret, even in a debugger dump
        return (
            f"Settings(token={'<set>' if self.token else None}, data_dir={self.data_dir!s}, "
            f"content_dir={self.content_dir!s}, log_level={self.log_level}, "
            f"dev_guild_id={self.dev_guild_id}, meaning_layer={self.meaning_layer}, "
            f"checkin_alert_delay={self.checkin_alert_delay}, "
            f"database={describe_url(self.database_url)})"
        )


def _merged_environment(environ: Mapping[str, str] | None, env_file: Path | None) -> dict[str, str]:
    """Real environment wins over `.env`, as python-dotenv does by default."""
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return merged


def _clean(values: Mapping[str, str], name: str) -> str | None:
    raw = values.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    return raw or None


def _parse_token(raw: str | None, require_token: bool) -> str | None:
    if raw is None:
        if require_token:
            raise MissingTokenError(
                "DISCORD_TOKEN is not set: put your bot token in .env or the environment "
                "(see README, 'Creating the Discord application')."
            )
        return None
    if any(ch.isspace() for ch in raw) or raw.count(".") != 2:
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token (three dot-separated parts, no "
            "spaces): copy it again from the Developer Portal, Bot tab, 'Reset Token'."
        )
    return raw


def _parse_log_level(raw: str | None) -> str:
    level = (raw or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(
            f"LOG_LEVEL={raw!r} is not a log level: use one of {', '.join(LOG_LEVELS)}."
        )
    return level


def _parse_guild_id(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or not 15 <= len(raw) <= 21:
        raise ConfigError(
            "DEV_GUILD_ID must be a server id (a 17-20 digit number; right-click the server "
            "with Developer Mode on, 'Copy Server ID'), or left unset."
        )
    return int(raw)


def _parse_switch(raw: str | None, name: str, default: bool) -> bool:
    if raw is None:
        return default
    value = raw.lower()
    if value in ("on", "true", "1", "yes"):
        return True
    if value in ("off", "false", "0", "no"):
        return False
    raise ConfigError(f"{name}={raw!r} is not a switch: use on or off.")


def _parse_delay_window(raw: str | None) -> tuple[timedelta, timedelta]:
    """'2m-10m' (a random delay in that window), '5m' (exactly that), or 'off'."""
    if raw is None:
        return DEFAULT_DELAY
    if raw.lower() in ("off", "0"):
        return (timedelta(0), timedelta(0))
    low_text, dash, high_text = raw.partition("-")
    try:
        low = parse_duration(low_text)
        high = parse_duration(high_text) if dash else low
    except ValueError:
        low = high = timedelta(-1)
    if not timedelta(0) <= low <= high <= MAX_DELAY:
        raise ConfigError(
            f"CHECKIN_ALERT_DELAY={raw!r} is not a delay window: write it like 2m-10m (shortest "
            f"and longest, at most {int(MAX_DELAY.total_seconds()) // 60}m), or off."
        )
    return (low, high)


def _parse_dir(raw: str | None, name: str, default: Path, base: Path) -> Path:
    path = Path(raw).expanduser() if raw else default
    if not path.is_absolute():
        path = base / path
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name}={raw} is a file, not a directory: point it at a folder.")
    return path


def _read_secret(secret_file: Path) -> bytes:
    value = secret_file.read_text(encoding="ascii").strip()
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"The secret file {secret_file} is damaged (too short): restore it from a "
            "backup; deleting it changes every anonymous pseudonym."
        )
    return value.encode()


def _load_or_create_secret(raw: str | None, data_dir: Path) -> bytes:
    """Pseudonyms depend on this secret, so it is generated once and then kept (mode 0600)."""
    if raw is not None:
        if len(raw) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"BRIDGELINE_SECRET is too short ({len(raw)} characters): use at least "
                f"{MIN_SECRET_LENGTH} random characters, or unset it to have one generated."
            )
        return raw.encode()
    secret_file = data_dir / SECRET_FILE_NAME
    try:
        if secret_file.exists():
            return _read_secret(secret_file)
        data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(32)
        # Written whole under a name of its own, then linked into place: several processes
        # starting together on one data dir all end up with the one secret that won, and none
        # reads a half-written file.
        draft = data_dir / f".{SECRET_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(value + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(draft, secret_file)
            except FileExistsError:
                return _read_secret(secret_file)  # another process was first: use its secret
        finally:
            draft.unlink(missing_ok=True)
        logging.getLogger(__name__).info("Generated a new secret in the data directory")
        return value.encode()
    except OSError as exc:
        raise ConfigError(
            f"BRIDGELINE_DATA_DIR={data_dir} is not writable ({exc.strerror}): choose a folder "
            "the bot may write to."
        ) from None


def load_settings(
    *,
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    require_token: bool = True,
    base_dir: Path | None = None,
) -> Settings:
    """Read and validate every setting; raises ConfigError with one clear line."""
    values = _merged_environment(environ, env_file)
    base = base_dir or Path.cwd()
    token = _parse_token(_clean(values, "DISCORD_TOKEN"), require_token)
    log_level = _parse_log_level(_clean(values, "LOG_LEVEL"))
    dev_guild_id = _parse_guild_id(_clean(values, "DEV_GUILD_ID"))
    data_dir = _parse_dir(
        _clean(values, "BRIDGELINE_DATA_DIR"), "BRIDGELINE_DATA_DIR", Path("data"), base
    )
    content_dir = _parse_dir(
        _clean(values, "CONTENT_DIR"), "CONTENT_DIR", default_content_dir(), base
    )
    if not content_dir.is_dir():
        raise ConfigError(
            f"CONTENT_DIR={content_dir} does not exist: point it at a content folder."
        )
    secret = _load_or_create_secret(_clean(values, "BRIDGELINE_SECRET"), data_dir)
    meaning_layer = _parse_switch(
        _clean(values, "SAFETY_MEANING_LAYER"), "SAFETY_MEANING_LAYER", default=True
    )
    checkin_alert_delay = _parse_delay_window(_clean(values, "CHECKIN_ALERT_DELAY"))
    database_url = _clean(values, "DATABASE_URL")
    if database_url is not None:
        try:
            check_url(database_url)
        except DatabaseUrlError as exc:
            raise ConfigError(str(exc)) from None
    return Settings(
        database_url_setting=database_url,
        token=token,
        data_dir=data_dir,
        secret=secret,
        content_dir=content_dir,
        log_level=log_level,
        dev_guild_id=dev_guild_id,
        meaning_layer=meaning_layer,
        checkin_alert_delay=checkin_alert_delay,
    )
