"""Global jobs ask the database for a lock when it has one, and run anyway when it has none."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bot.jobs import one_runner
from bot.storage.db import Database


class LockingDatabase:
    """Stands in for a backend with advisory locks (PostgreSQL): one holder per name."""

    def __init__(self) -> None:
        self.held: set[str] = set()

    @contextlib.asynccontextmanager
    async def try_advisory_lock(self, name: str) -> AsyncIterator[bool]:
        if name in self.held:
            yield False
            return
        self.held.add(name)
        try:
            yield True
        finally:
            self.held.discard(name)


async def test_a_second_runner_skips_while_the_first_holds_the_lock() -> None:
    db = LockingDatabase()
    async with (
        one_runner(db, "purge") as first,
        one_runner(db, "purge") as second,
        one_runner(db, "offers") as other,
    ):
        assert (first, second, other) == (True, False, True)
    assert db.held == set()  # released
    async with one_runner(db, "purge") as again:
        assert again and db.held == {"bridgeline:purge"}


async def test_sqlite_runs_every_job(db: Database) -> None:
    async with one_runner(db, "purge") as mine, one_runner(db, "purge") as also:
        assert mine and also  # idempotent jobs, one writer: no lock to take
