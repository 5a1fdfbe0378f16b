"""Jobs that touch every server's rows (the 30-day purge, forgetting old safety offers) run in
every process; `one_runner` lets the database pick one at a time when it can.

The jobs are written to be safe twice over (each delete finds nothing the second time), so
SQLite, whose processes share one file and one writer, runs them without a lock. A backend
that offers `try_advisory_lock(name)` (PostgreSQL's pg_try_advisory_lock) is asked first, and
a process that does not get the lock skips that round: another process is doing it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol, runtime_checkable

log = logging.getLogger(__name__)


@runtime_checkable
class AdvisoryLocks(Protocol):
    def try_advisory_lock(self, name: str) -> contextlib.AbstractAsyncContextManager[bool]:
        """Holds the lock named `name` for the block if free; yields whether it was."""
        ...


@contextlib.asynccontextmanager
async def one_runner(db: Any, job: str) -> AsyncIterator[bool]:
    """`async with one_runner(db, "purge") as mine: if mine: ...` runs the job in one process
    at a time where the database can arbitrate, and everywhere (safely) where it cannot."""
    if not isinstance(db, AdvisoryLocks):
        yield True
        return
    async with db.try_advisory_lock(f"bridgeline:{job}") as mine:
        if not mine:
            log.debug("Job %s is running in another process; skipped this round", job)
        yield mine
