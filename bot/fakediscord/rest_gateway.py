"""GET /gateway and /gateway/bot: where to connect and how many shards to run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .routing import Reply, Req, route

if TYPE_CHECKING:
    from .fake import FakeDiscord


@route("GET", "/gateway")
async def get_gateway(fake: FakeDiscord, req: Req) -> Reply:
    return 200, {"url": fake.gateway_url}


@route("GET", "/gateway/bot")
async def get_gateway_bot(fake: FakeDiscord, req: Req) -> Reply:
    """The recommended shard count is the fake's ``shards`` (an AutoShardedClient without a
    shard_count uses it)."""
    limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 16}
    return 200, {"url": fake.gateway_url, "shards": fake.shard_count, "session_start_limit": limit}
