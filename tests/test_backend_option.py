"""The test harness itself: the `backend` fixture decides which database a test gets, so CI's
PostgreSQL pass (`pytest --backend=postgresql`) really runs on PostgreSQL."""

from __future__ import annotations

import pytest

from bot.storage.db import Database

pytestmark = pytest.mark.both_backends


async def test_the_database_is_the_backend_asked_for(
    backend: str, database_url: str, db: Database, request: pytest.FixtureRequest
) -> None:
    assert request.config.getoption("--backend") in (None, backend)
    assert database_url.startswith({"sqlite": "sqlite:///", "postgresql": "postgresql://"}[backend])
    assert db.dialect == backend
