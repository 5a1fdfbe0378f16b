"""Which shards this process runs, and so which servers' scheduled work is its own.

Discord puts a server on shard `(guild_id >> 22) % shard_count` and sends DMs to shard 0 only.
Several processes can split the shards (`bridgeline run --shards 4 --shard-ids 0,1`); each runs
the per-server jobs (daily prompts, anonymous posts, alert retries, re-raises) only for its own
servers, so no two processes race for the same server's Discord work.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Discord's limit is far lower; this only stops a typo (--shards 40000) from opening sockets.
MAX_SHARDS = 4096


class ShardError(ValueError):
    """A --shards/--shard-ids combination that cannot work; the message says why."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends `guild_id`'s events to."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class ShardPlan:
    """`count` shards in all; this process runs `ids`. The default is one process, one shard."""

    count: int = 1
    ids: tuple[int, ...] = (0,)

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise ShardError(f"--shards must be between 1 and {MAX_SHARDS}, not {self.count}")
        if not self.ids:
            raise ShardError("--shard-ids needs at least one shard id")
        wrong = [i for i in self.ids if not 0 <= i < self.count]
        if wrong:
            raise ShardError(
                f"shard id {wrong[0]} does not exist with --shards {self.count} "
                f"(ids run from 0 to {self.count - 1})"
            )
        if len(set(self.ids)) != len(self.ids):
            raise ShardError("--shard-ids lists a shard twice")

    @property
    def is_default(self) -> bool:
        """One shard in one process: no sharded client needed."""
        return self.count == 1

    @property
    def receives_dms(self) -> bool:
        return 0 in self.ids

    def owns(self, guild_id: int) -> bool:
        """Whether this process runs `guild_id`'s shard (and so its scheduled work)."""
        return self.count == 1 or shard_of(guild_id, self.count) in self.ids

    def sql_filter(self, column: str = "guild_id") -> str:
        """A SQL condition (no parameters, integers only) keeping this process's servers'
        rows, for queries with a LIMIT where filtering afterwards could starve them."""
        if self.count == 1:
            return "1 = 1"
        ids = ", ".join(str(i) for i in sorted(self.ids))
        return f"(({column} >> 22) % {self.count}) IN ({ids})"


def parse_shard_plan(shards: int | None, shard_ids: str | None) -> ShardPlan:
    """From the `run` flags: `--shards N` alone runs all N shards in this process."""
    if shards is None:
        if shard_ids is not None:
            raise ShardError("--shard-ids needs --shards (the total number of shards)")
        return ShardPlan()
    if shard_ids is None:
        return ShardPlan(shards, tuple(range(max(shards, 1))))
    try:
        ids = tuple(int(part) for part in shard_ids.split(",") if part.strip())
    except ValueError:
        raise ShardError(
            f"--shard-ids takes shard numbers separated by commas, like 0,1 (got {shard_ids!r})"
        ) from None
    return ShardPlan(shards, ids)
