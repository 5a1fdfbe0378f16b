"""Consistent copies of a live database through SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.db import FILE_MODE, private_file


def backup_database(source: Path, destination: Path) -> int:
    """Copies `source` to `destination` page by page; safe while the bot is writing (WAL).

    Returns the number of pages copied. The destination is written to a temporary name first
    so a failed backup never leaves a half-written file where a good one was expected. The
    copy is 0600 from its first byte: it holds everything the live database holds.
    """
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)  # a leftover of a failed run may have a wider mode
    private_file(partial)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=256)
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        finally:
            dst.close()
    finally:
        src.close()
    for suffix in ("-journal", "-wal", "-shm"):  # the copy uses a rollback journal, if any
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)
    partial.replace(destination)
    destination.chmod(FILE_MODE)
    return pages
