"""What counts as a problem with the storage itself (told to the member and the host in plain
words) rather than a bug: the same four kinds from SQLite, the OS and PostgreSQL."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest

from bot.storage.db import storage_problem


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (asyncpg.DiskFullError("could not extend file"), "full"),
        (asyncpg.ReadOnlySQLTransactionError("read-only transaction"), "read_only"),
        (asyncpg.InsufficientPrivilegeError("permission denied"), "read_only"),
        (asyncpg.DataCorruptedError("invalid page"), "damaged"),
        (asyncpg.CannotConnectNowError("starting up"), "unavailable"),
        (asyncpg.AdminShutdownError("terminating connection"), "unavailable"),
        (asyncpg.TooManyConnectionsError("too many clients"), "unavailable"),
        (asyncpg.ConnectionDoesNotExistError("closed"), "unavailable"),
        (OSError(28, "No space left on device"), "full"),
        (PermissionError(13, "Permission denied"), "read_only"),
    ],
)
def test_storage_problems_are_named(error: BaseException, problem: str) -> None:
    assert storage_problem(error) == problem


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.UndefinedColumnError("no such column"),
        sqlite3.IntegrityError("UNIQUE constraint failed"),
        ValueError("a bug"),
    ],
)
def test_a_bug_in_a_query_is_not_a_storage_problem(error: BaseException) -> None:
    assert storage_problem(error) is None
