"""Global jobs run in one process at a time where the database can arbitrate (PostgreSQL's
advisory locks), and everywhere on SQLite, whose processes share one file and one writer."""

from __future__ import annotations

import pytest

from bot.jobs import one_runner
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends


async def test_a_second_process_skips_a_job_another_one_is_running(
    db: Database, other_db: Database, backend: str
) -> None:
    async with (
        one_runner(db, "purge") as first,
        one_runner(other_db, "purge") as second,
        one_runner(other_db, "offers") as other_job,
    ):
        assert first and other_job
        assert second is (backend == "sqlite")  # SQLite: idempotent jobs, no lock to take
    async with one_runner(other_db, "purge") as again:
        assert again  # released when the first runner finished
