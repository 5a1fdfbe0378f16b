"""Export and erasure of one member's data, across every feature's tables.

Tables are discovered from the schema, so a later feature is covered without touching this
file: a table with a `pseudonym` column holds rows by that member's pseudonym; a table with a
`user_id` column holds rows by their id (within the server when it also has `guild_id`); a
table with `owner_tag` and `tag_salt` columns holds rows each tagged on its own for that member
(bot.privacy.owner_tag, with the member's key for that table), found by recomputing every tag
of the server. A feature with a pseudonym of its own purpose names its column
`<purpose>_pseudonym`, and the caller passes that value in `Member.purpose_pseudonyms` (e.g.
bot.askmods.identity).
Other columns named `*_user_id` (e.g. the id an author chose to reveal on a safety alert) only
point at the member from someone else's row: they are exported, and cleared (set NULL) on forget.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.privacy import member_key, owner_tag, short_label
from bot.storage.backend import ROW_ADDRESSES, Database
from bot.storage.schema import column_names, primary_key, table_names

#: Kept on erasure: a moderation block must not be escapable by erasing one's data.
RETAINED_ON_FORGET = frozenset({"anon_blocks", "askmods_blocks"})


@dataclass(frozen=True)
class Member:
    guild_id: int
    user_id: int
    pseudonym: str
    #: The bot's secret, to recompute the member's tags (rows without a pseudonym).
    secret: bytes = field(default=b"", repr=False)
    #: column name -> this member's value, for pseudonyms made for one purpose only
    purpose_pseudonyms: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MemberTable:
    name: str
    where: str
    params: tuple[Any, ...]


@dataclass(frozen=True)
class MemberReference:
    table: str
    column: str
    guild_scoped: bool


async def _tagged_rows(db: Database, table: str, member: Member) -> list[str]:
    """The owner tags in `table` that are this member's."""
    if not member.secret:
        return []
    key = member_key(member.secret, table, member.guild_id, member.user_id)
    rows = await db.fetchall(
        f'SELECT owner_tag, tag_salt FROM "{table}" WHERE guild_id = ?', (member.guild_id,)
    )
    return [
        str(row[0]) for row in rows if hmac.compare_digest(owner_tag(key, str(row[1])), str(row[0]))
    ]


async def member_tables(db: Database, member: Member) -> list[MemberTable]:
    """Every table holding rows of this member, with the WHERE clause that finds them."""
    found = []
    async with db.session() as conn:
        schema = [(name, set(await column_names(conn, name))) for name in await table_names(conn)]
    for name, columns in schema:
        clauses: list[str] = []
        params: list[Any] = []
        if {"owner_tag", "tag_salt", "guild_id"} <= columns:
            tags = await _tagged_rows(db, name, member)
            if tags:
                clauses.append(f"(guild_id = ? AND owner_tag IN ({', '.join('?' for _ in tags)}))")
                params.extend([member.guild_id, *tags])
        if "pseudonym" in columns:
            clauses.append("pseudonym = ?")
            params.append(member.pseudonym)
        for column in sorted(columns & set(member.purpose_pseudonyms)):
            clauses.append(f'"{column}" = ?')
            params.append(member.purpose_pseudonyms[column])
        if "user_id" in columns:
            clause = "user_id = ?"
            params.append(member.user_id)
            if "guild_id" in columns:
                clause = "(user_id = ? AND guild_id = ?)"
                params.append(member.guild_id)
            clauses.append(clause)
        if clauses:
            found.append(MemberTable(name, " OR ".join(clauses), tuple(params)))
    return found


async def member_references(db: Database) -> list[MemberReference]:
    """Columns `*_user_id` (not `user_id` itself): rows that mention a member by id."""
    found = []
    async with db.session() as conn:
        schema = [(name, set(await column_names(conn, name))) for name in await table_names(conn)]
    for name, columns in schema:
        for column in sorted(c for c in columns if c.endswith("_user_id")):
            found.append(MemberReference(name, column, "guild_id" in columns))
    return found


def _reference_where(ref: MemberReference, member: Member) -> tuple[str, tuple[Any, ...]]:
    if ref.guild_scoped:
        return f'"{ref.column}" = ? AND guild_id = ?', (member.user_id, member.guild_id)
    return f'"{ref.column}" = ?', (member.user_id,)


def _cols(columns: list[str]) -> str:
    return ", ".join(c if c in ROW_ADDRESSES else f'"{c}"' for c in columns)


def _plain(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes) else value


async def export_member(db: Database, member: Member) -> dict[str, Any]:
    """All rows of this member in every table, plus moderation actions about their pseudonym
    (without the moderator's identity)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in await member_tables(db, member):
        async with db.session() as conn:
            order = _cols(await primary_key(conn, table.name))
        rows = await db.fetchall(
            f'SELECT * FROM "{table.name}" WHERE {table.where} ORDER BY {order}', table.params
        )
        if rows:
            tables[table.name] = [{k: _plain(v) for k, v in dict(row).items()} for row in rows]
    for ref in await member_references(db):
        where, params = _reference_where(ref, member)
        rows = await db.fetchall(f'SELECT * FROM "{ref.table}" WHERE {where}', params)
        if rows:
            key = f"{ref.table} (mentioning you in {ref.column})"
            tables[key] = [{k: _plain(v) for k, v in dict(row).items()} for row in rows]
    labels = await _labels_of(db, member)
    actions = await db.fetchall(
        f"SELECT action, target, created_at FROM audit_log WHERE guild_id = ? "
        f"AND target IN ({', '.join('?' for _ in labels)}) ORDER BY id",
        (member.guild_id, *labels),
    )
    return {
        "server_id": str(member.guild_id),
        "your_user_id": str(member.user_id),
        "your_pseudonym": member.pseudonym,
        "your_anonymous_labels": labels,
        "tables": tables,
        "moderation_actions_about_your_anonymous_posts": [dict(row) for row in actions],
    }


async def _labels_of(db: Database, member: Member) -> list[str]:
    """The labels moderators saw for this member's posts (one per post), the blocks made from
    them, and the single label versions before 0006 showed for every post."""
    rows = await db.fetchall(
        "SELECT label FROM anon_posts WHERE guild_id = ? AND pseudonym = ? AND label IS NOT NULL "
        "UNION SELECT label FROM anon_blocks WHERE guild_id = ? AND pseudonym = ?",
        (member.guild_id, member.pseudonym, member.guild_id, member.pseudonym),
    )
    return sorted({str(r[0]) for r in rows} | {short_label(member.pseudonym)})


async def forget_member(db: Database, member: Member) -> dict[str, int]:
    """Deletes the member's rows everywhere (but RETAINED_ON_FORGET) in one transaction.
    Public posts must be deleted from Discord before, while their message ids are known."""
    tables = [t for t in await member_tables(db, member) if t.name not in RETAINED_ON_FORGET]
    references = await member_references(db)
    counts: dict[str, int] = {}
    async with db.transaction() as conn:
        # Rows of this member may reference each other across tables in any order.
        await conn.defer_foreign_keys()
        for table in tables:
            deleted = await conn.execute(
                f'DELETE FROM "{table.name}" WHERE {table.where}', table.params
            )
            if deleted.rowcount:
                counts[table.name] = deleted.rowcount
        for ref in references:
            where, params = _reference_where(ref, member)
            cleared = await conn.execute(
                f'UPDATE "{ref.table}" SET "{ref.column}" = NULL WHERE {where}', params
            )
            if cleared.rowcount:
                counts[f"{ref.table}.{ref.column}"] = cleared.rowcount
    return counts
