"""A server's own prompts (/prompts add|remove|list) and the pool they join."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from bot.content import Prompt
from bot.daily_prompts.models import CustomPrompt, content_key, custom_key
from bot.i18n import DEFAULT_LANG, t
from bot.storage.backend import Connection, Database

MIN_LENGTH = 10
MAX_LENGTH = 600
MAX_PER_GUILD = 200


class CustomPromptError(ValueError):
    """Why a prompt cannot be added: a catalog key ("prompts.custom.<why>") and its fields, so
    the cog can say it in the moderator's language (`message(lang)`)."""

    def __init__(self, why: str, **fields: object) -> None:
        self.key = f"prompts.custom.{why}"
        self.fields = fields
        super().__init__(self.message(DEFAULT_LANG))

    def message(self, lang: str) -> str:
        return t(lang, self.key, **self.fields)


def clean_prompt_text(text: str) -> str:
    """Collapses whitespace runs inside lines and checks the length the table accepts, and
    that nothing unprintable (NUL, other control characters) would go into a public post."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t\r" for ch in text):
        raise CustomPromptError("control_characters")
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    cleaned = "\n".join(lines).strip()
    if len(cleaned) < MIN_LENGTH:
        raise CustomPromptError("too_short", min=MIN_LENGTH)
    if len(cleaned) > MAX_LENGTH:
        raise CustomPromptError("too_long", max=MAX_LENGTH, length=len(cleaned))
    return cleaned


async def add_custom(db: Database, guild_id: int, text: str, added_by: int) -> CustomPrompt:
    cleaned = clean_prompt_text(text)
    async with db.transaction() as conn:
        row = await conn.fetchone(
            "SELECT COUNT(*) FROM prompt_custom WHERE guild_id = ?", (guild_id,)
        )
        if row is not None and int(row[0]) >= MAX_PER_GUILD:
            raise CustomPromptError("too_many", max=MAX_PER_GUILD)
        new_id = int(
            await conn.fetchval(
                "INSERT INTO prompt_custom (guild_id, text, added_by) VALUES (?, ?, ?) RETURNING id",
                (guild_id, cleaned, added_by),
            )
        )
    found = await get_custom(db, guild_id, new_id)
    assert found is not None
    return found


async def get_custom(db: Database, guild_id: int, custom_id: int) -> CustomPrompt | None:
    row = await db.fetchone(
        "SELECT * FROM prompt_custom WHERE guild_id = ? AND id = ?", (guild_id, custom_id)
    )
    return None if row is None else CustomPrompt(**dict(row))


async def remove_custom(db: Database, guild_id: int, custom_id: int) -> CustomPrompt | None:
    """Deletes it and its place in the bag; returns what was removed, or None."""
    found = await get_custom(db, guild_id, custom_id)
    if found is None:
        return None
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM prompt_custom WHERE guild_id = ? AND id = ?", (guild_id, custom_id)
        )
        await conn.execute(
            "DELETE FROM prompt_bag WHERE guild_id = ? AND prompt_key = ?",
            (guild_id, custom_key(custom_id)),
        )
    return found


async def list_custom(db: Database, guild_id: int) -> list[CustomPrompt]:
    rows = await db.fetchall(
        "SELECT * FROM prompt_custom WHERE guild_id = ? ORDER BY id", (guild_id,)
    )
    return [CustomPrompt(**dict(row)) for row in rows]


async def prompt_pool(conn: Connection, guild_id: int, content: Sequence[Prompt]) -> dict[str, str]:
    """Every prompt this server rotates through: key -> text (shipped ones, then its own)."""
    pool = {content_key(p.id): p.text for p in content}
    for row in await conn.fetchall(
        "SELECT id, text FROM prompt_custom WHERE guild_id = ? ORDER BY id", (guild_id,)
    ):
        pool[custom_key(int(row[0]))] = str(row[1])
    return pool
