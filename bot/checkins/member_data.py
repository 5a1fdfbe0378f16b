"""A member's control over their data: delete one entry, export everything, forget everything;
and the server's retention period. Public posts are taken down before their records go."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from datetime import timedelta

import discord

from bot.checkins import repo
from bot.checkins.datarights import Member, export_member, forget_member
from bot.checkins.models import AnonPost, CheckIn, to_db_time
from bot.checkins.moderation import delete_message
from bot.checkins.timing import wait_until
from bot.client import Bridgeline
from bot.errors import UserFacingError

log = logging.getLogger(__name__)
RETENTION_EVERY = timedelta(days=1)
RETENTION_EVENT = "checkin_retention_done"  # (removed: int), after every daily run
CANT_REMOVE = (
    "I couldn't remove the public post of that check-in (Discord refused: a missing permission "
    "in the channel?). Nothing was deleted, so you can try again later."
)


async def take_down(bot: Bridgeline, post: AnonPost) -> bool:
    """Removes whatever of the post is visible on Discord (the post, its review message, the
    moderators' report alerts, which quote it); False if Discord refused the post itself."""
    await delete_message(bot, post.review_channel_id, post.review_message_id)
    for channel_id, message_id in await repo.report_alerts(bot.db, post.id):
        await delete_message(bot, channel_id, message_id)
    if post.status in {"posted", "sending"}:
        return await delete_message(bot, post.channel_id, post.message_id)
    return True  # queued/failed/rejected/removed: nothing public (the sender re-checks)


async def delete_entry(bot: Bridgeline, checkin: CheckIn) -> bool:
    """Deletes one check-in; True if it had a public post that was removed too."""
    post = await repo.post_for_checkin(bot.db, checkin.id)
    if post is not None and not await take_down(bot, post):
        raise UserFacingError(CANT_REMOVE)
    await repo.delete_checkin(bot.db, checkin.id)
    log.info("Check-in %s deleted by its author", checkin.public_id)
    return post is not None and post.status == "posted"


async def forget(bot: Bridgeline, member: Member) -> tuple[dict[str, int], int]:
    """Deletes everything of the member; returns counts per table and how many public posts
    Discord refused to delete (they carry no name, and moderators can delete them)."""
    refused = 0
    for post in await repo.posts_of(bot.db, member.guild_id, member.pseudonym):
        if not await take_down(bot, post):
            refused += 1
    counts = await forget_member(bot.db, member)
    bot.dispatch("member_data_erased", member.pseudonym)  # in-memory copies go too (the chart)
    log.info(
        "A member's data was erased in guild %s (%d rows)", member.guild_id, sum(counts.values())
    )
    return counts, refused


async def export_file(bot: Bridgeline, member: Member) -> discord.File:
    data = await export_member(bot.db, member)
    data = {"exported_at": to_db_time(bot.clock.now()), **data}
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return discord.File(io.BytesIO(payload), filename="bridgeline-my-data.json")


async def purge_expired(bot: Bridgeline) -> int:
    """Deletes check-ins (and their public posts) older than each server's retention period,
    for this process's servers (it takes their posts down on Discord). Processes with the same
    shards share the work one at a time: the others skip."""
    plan = bot.shard_plan
    lock = f"checkin-retention:{plan.count}:{','.join(map(str, plan.ids))}"
    async with bot.db.try_lock(lock) as mine:
        if not mine:
            log.info("Another process is applying check-in retention; skipped here")
            return 0
        return await _purge_expired(bot)


async def _purge_expired(bot: Bridgeline) -> int:
    now, removed = bot.clock.now(), 0
    for guild_id, days in await repo.retention_policies(bot.db):
        if not bot.owns_guild(guild_id):
            continue
        for checkin in await repo.expired_checkins(bot.db, guild_id, now - timedelta(days=days)):
            post = await repo.post_for_checkin(bot.db, checkin.id)
            if post is not None:
                await take_down(bot, post)
            removed += await repo.delete_checkin(bot.db, checkin.id)
    if removed:
        log.info("Retention removed %d check-ins", removed)
    return removed


class RetentionTask:
    """Runs `purge_expired` at start and then once a day on the bot's clock."""

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self._task: asyncio.Task[None] | None = None
        self._never = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="checkins-retention")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait([task])  # never raises the task's CancelledError into ours

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            # A day after the pass began, not ended: a clock that moved on during the pass (a
            # test's FakeClock jumping days) gets the pass it is owed at once.
            started = self.bot.clock.now()
            try:
                removed = await purge_expired(self.bot)
                self.bot.dispatch(RETENTION_EVENT, removed)
            except Exception:
                log.exception("Check-in retention failed; trying again tomorrow")
            next_run = started + RETENTION_EVERY
            while self.bot.clock.now() < next_run:
                await wait_until(self.bot.clock, next_run, self._never)
