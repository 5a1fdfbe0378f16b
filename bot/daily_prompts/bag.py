"""The persisted shuffle bag: no prompt repeats until the server has seen every one.

Each key of the current cycle has a random position; draws take the lowest undrawn position.
When the pool changes the promise holds: a removed prompt's key is dropped, a new prompt joins
the undrawn part of the current cycle at a random place. When every key is drawn a new cycle is
shuffled, never starting with the prompt posted last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from random import Random

from bot.storage.backend import Connection


@dataclass(frozen=True)
class BagEntry:
    position: float
    drawn: bool = False


Bag = dict[str, BagEntry]


def arrange(bag: Bag, pool: Iterable[str], rng: Random, last_key: str | None = None) -> Bag:
    """The bag brought in line with `pool` (pure; the caller persists the result)."""
    keys = list(dict.fromkeys(pool))
    state = {key: entry for key, entry in bag.items() if key in set(keys)}
    floor = max((e.position for e in state.values() if e.drawn), default=0.0)
    for key in keys:
        if key not in state:
            state[key] = BagEntry(floor + (1.0 - floor) * rng.random())
    if state and all(entry.drawn for entry in state.values()):
        state = {key: BagEntry(rng.random()) for key in keys}
        first = next_key(state)
        if first is not None and first == last_key and len(state) > 1:
            other = rng.choice([key for key in keys if key != first])
            state[first], state[other] = state[other], state[first]
    return state


def next_key(bag: Bag) -> str | None:
    undrawn = [(entry.position, key) for key, entry in bag.items() if not entry.drawn]
    return min(undrawn)[1] if undrawn else None


def seen_count(bag: Bag) -> int:
    return sum(1 for entry in bag.values() if entry.drawn)


async def load_bag(conn: Connection, guild_id: int) -> Bag:
    rows = await conn.fetchall(
        "SELECT prompt_key, position, drawn FROM prompt_bag WHERE guild_id = ?", (guild_id,)
    )
    return {str(r[0]): BagEntry(float(r[1]), bool(r[2])) for r in rows}


async def save_bag(conn: Connection, guild_id: int, before: Bag, after: Bag) -> None:
    """Writes only the difference: a daily draw touches one row, a new cycle all of them."""
    gone = [(guild_id, key) for key in before if key not in after]
    changed = [
        (guild_id, key, entry.position, int(entry.drawn))
        for key, entry in after.items()
        if before.get(key) != entry
    ]
    if gone:
        await conn.executemany("DELETE FROM prompt_bag WHERE guild_id = ? AND prompt_key = ?", gone)
    if changed:
        await conn.executemany(
            "INSERT INTO prompt_bag (guild_id, prompt_key, position, drawn) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(guild_id, prompt_key) DO UPDATE SET "
            "position = excluded.position, drawn = excluded.drawn",
            changed,
        )


async def draw(
    conn: Connection,
    guild_id: int,
    pool: Iterable[str],
    rng: Random,
    last_key: str | None,
    *,
    consume: bool = True,
) -> str | None:
    """The next key; `consume=False` is a peek (preview) that still persists the arrangement,
    so the prompt previewed is the one that will be posted."""
    before = await load_bag(conn, guild_id)
    after = arrange(before, pool, rng, last_key)
    key = next_key(after)
    if key is not None and consume:
        after[key] = replace(after[key], drawn=True)
    await save_bag(conn, guild_id, before, after)
    return key


async def put_back(conn: Connection, guild_id: int, key: str | None) -> None:
    """A prompt whose post was missed goes back into the bag, so nobody loses it."""
    if key is not None:
        await conn.execute(
            "UPDATE prompt_bag SET drawn = 0 WHERE guild_id = ? AND prompt_key = ?",
            (guild_id, key),
        )
