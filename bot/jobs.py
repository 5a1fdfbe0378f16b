"""Jobs that touch every server's rows (the 30-day purge, forgetting old safety offers) run in
every process; `one_runner` lets the database pick one at a time.

The storage backends arbitrate (`Database.try_lock`: PostgreSQL's advisory locks; SQLite,
whose processes share one file and one writer, always grants it), and the jobs are written to
be safe twice over anyway (each delete finds nothing the second time).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from bot.storage.backend import Database

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def one_runner(db: Database, job: str) -> AsyncIterator[bool]:
    """`async with one_runner(db, "purge") as mine: if mine: ...` runs the job in one process
    at a time; a process that does not get it skips that round."""
    async with db.try_lock(f"bridgeline:{job}") as mine:
        if not mine:
            log.debug("Job %s is running in another process; skipped this round", job)
        yield mine
