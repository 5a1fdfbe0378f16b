"""Quoting what a member typed back to them, safely: no discord import, so pure modules
(timezones, validation) can use it too."""

from __future__ import annotations

MAX_ECHO = 80


def echo(value: str, limit: int = MAX_ECHO) -> str:
    """What the member typed, fit to quote back in a reply: one line, no control characters,
    at most `limit` characters (an option value can be 6,000)."""
    flat = "".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in value)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
