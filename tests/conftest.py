"""Fixtures for end-to-end tests: the real Bridgeline bot against the local fake Discord.

- `fake`: a started FakeDiscord; any request body that breaks Discord's spec or limits fails
  the test at teardown.
- `world`: the standard guild ("Sandbox": #general, #check-ins, #daily-prompt, #mod-alerts;
  members you / mod / owner).
- `clock`: a FakeClock the bot uses for everything time-based.
- `make_bridgeline(**overrides)`: a new, unstarted Bridgeline on this test's data dir, so a test
  can stop the bot and start another on the same data (a restart).
- `bot`: a running Bridgeline, commands synced to the fake.
- `backend` / `database_url`: SQLite unless the test (or its module) is marked
  `both_backends`: then it runs twice, the second time on a fresh database of a throw-away
  PostgreSQL server the session starts (`postgres_server`; a missing PostgreSQL fails).
- `pytest --backend=postgresql` (CI's second pass) runs every test that opens a database on
  PostgreSQL instead; tests that open none are left out (they ran in the first pass), and tests
  marked `sqlite_only` (about SQLite's own file) are skipped with their reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.content import Content, default_content_dir, load_content
from bot.fakediscord import FakeDiscord, StandardGuild, run_bot
from bot.storage.backend import open_database
from bot.storage.db import Database, SqliteConnection
from bot.storage.guilds import update_settings
from bot.storage.migrate import migrate
from bot.storage.pg_local import LocalPostgres, PostgresMissing

TEST_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning, outside any DST change


@pytest.fixture(scope="session")
def shipped_content() -> Content:
    """Loaded once per run: content is immutable (frozen dataclasses)."""
    return load_content(default_content_dir())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="run every test that opens a database on this backend only (CI's second pass)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run on SQLite and again on PostgreSQL (the `backend` fixture)"
    )
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite's own file; skipped by --backend=postgresql"
    )


def _forced_backend(config: pytest.Config) -> str | None:
    forced: str | None = config.getoption("--backend")
    return forced


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if (
        "backend" in metafunc.fixturenames
        and metafunc.definition.get_closest_marker("both_backends")
        and _forced_backend(metafunc.config) is None
    ):
        metafunc.parametrize("backend", BACKENDS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --backend, keep only the tests that open a database (the rest ran already)."""
    forced = _forced_backend(config)
    if forced is None:
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        opens_database = "backend" in getattr(item, "fixturenames", ())
        (kept if opens_database else left_out).append(item)
    for item in kept:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None and forced != "sqlite":
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite, except in tests marked both_backends (parametrised above) or with --backend."""
    forced = _forced_backend(request.config)
    return forced if forced is not None else "sqlite"


class _MigratedServer:
    """The session's PostgreSQL server and a migrated template database to copy per test."""

    def __init__(self, server: LocalPostgres) -> None:
        self.server = server
        self.template = server.create_database()

        async def prepare() -> None:
            db = await open_database(server.url(self.template))
            try:
                await migrate(db)
            finally:
                await db.close()

        asyncio.run(prepare())

    def fresh(self) -> str:
        """A migrated database of its own: its name (see url, drop)."""
        return self.server.create_database(template=self.template)

    def empty(self) -> str:
        """A database without even the schema: its name."""
        return self.server.create_database()

    def empty_url(self) -> str:
        return self.server.url(self.empty())

    def url(self, name: str) -> str:
        return self.server.url(name)

    def drop(self, name: str) -> None:
        self.server.drop_database(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[_MigratedServer]:
    try:
        server = LocalPostgres.start()
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield _MigratedServer(server)
    finally:
        server.stop()


@pytest.fixture
def database_url(backend: str, data_dir: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own (dropped after it), or SQLite in the
    data dir (made by the bot or the `db` fixture as usual)."""
    yield from _database_on(backend, data_dir / "bridgeline.sqlite3", request, migrated=True)


@pytest.fixture
def settings(data_dir: Path, tmp_path: Path, database_url: str) -> Settings:
    return load_settings(
        environ={
            "BRIDGELINE_DATA_DIR": str(data_dir),
            "LOG_LEVEL": "DEBUG",
            "DATABASE_URL": database_url,
        },
        env_file=None,
        require_token=False,
        base_dir=tmp_path,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TEST_START)


@pytest.fixture
def make_bridgeline(
    settings: Settings, shipped_content: Content, clock: FakeClock
) -> Callable[..., Bridgeline]:
    def factory(**overrides: Any) -> Bridgeline:
        options: dict[str, Any] = {"clock": clock, "guild_ready_timeout": 0.02}
        options.update(overrides)
        return Bridgeline(
            options.pop("settings", settings), options.pop("content", shipped_content), **options
        )

    return factory


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as running:
        yield running
        running.assert_no_violations()


@pytest.fixture
async def world(fake: FakeDiscord) -> StandardGuild:
    return await fake.standard_guild()


@pytest.fixture
async def bot(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> AsyncIterator[Bridgeline]:
    async with run_bot(make_bridgeline(), fake) as running:
        yield running


@pytest.fixture
async def staffed(fake: FakeDiscord, world: StandardGuild, bot: Bridgeline) -> Bridgeline:
    """The running bot with an alerts channel and a moderator role (staff features need both)."""
    await update_settings(
        bot.db,
        world.guild.id,
        alerts_channel_id=world.mod_alerts.id,
        moderator_role_id=world.moderator_role.id,
    )
    return bot


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database of its own, for service tests that need no Discord."""
    database = await open_database(database_url)
    await migrate(database)
    yield database
    await database.close()


@pytest.fixture
def empty_database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A database without even the schema, on the test's backend (dropped after it). Not async:
    the session's PostgreSQL server starts with asyncio.run, outside any running loop."""
    yield from _database_on(backend, tmp_path / "empty.sqlite3", request, migrated=False)


def _database_on(
    backend: str, sqlite_file: Path, request: pytest.FixtureRequest, *, migrated: bool
) -> Iterator[str]:
    """The URL of a database of this test's own: the SQLite file, or a PostgreSQL database
    of the session's server (migrated or bare), dropped after the test."""
    if backend != "postgresql":
        yield f"sqlite:///{sqlite_file}"
        return
    server: _MigratedServer = request.getfixturevalue("postgres_server")
    name = server.fresh() if migrated else server.empty()
    yield server.url(name)
    server.drop(name)


@pytest.fixture
async def empty_db(empty_database_url: str) -> AsyncIterator[Database]:
    """An open database without even the schema (for migration tests)."""
    database = await open_database(empty_database_url)
    yield database
    await database.close()


@pytest.fixture
async def other_db(db: Database, database_url: str) -> AsyncIterator[Database]:
    """A second connection to the `db` fixture's database, as a second bot process holds one."""
    other = await open_database(database_url)
    yield other
    await other.close()


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement the stores send, on either backend (a trip to the database each)."""
    seen: list[str] = []
    classes: list[type[Any]] = [SqliteConnection]
    try:
        from bot.storage.postgres import PostgresConnection

        classes.append(PostgresConnection)
    except ImportError:  # asyncpg is optional
        pass
    for cls in classes:
        for name in ("execute", "fetchall"):
            original = getattr(cls, name)

            async def counted(self: Any, sql: str, *args: Any, _original: Any = original) -> Any:
                seen.append(sql)
                return await _original(self, sql, *args)

            monkeypatch.setattr(cls, name, counted)
    yield seen
