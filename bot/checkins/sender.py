"""Sends queued anonymous posts when their random delay is over, on the bot's clock.

Pending posts live in the database with their due time, so a restart loses none. A post is
claimed (`sending`) before the request and confirmed (`posted`) after it, and every attempt
reuses the post's nonce with Discord's enforce_nonce: a post that was in flight when the
process died is re-sent after the restart and Discord returns the original instead of posting
it twice. Discord remembers a nonce for a few minutes only, so a post left `sending` for
longer is first looked for in its channel (by the post id on its buttons, as daily prompts
look for their marker) and only sent if it isn't there.

Several processes may run a sender on one database: each claim is a lease (LEASE), taken in
one statement (repo.claim_due_post), so a post goes to one sender, and to another only once
the first has been silent past its lease (it died: `kill -9` leaves no goodbye).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

import discord

from bot.checkins import notices, repo
from bot.checkins.models import AnonPost
from bot.checkins.moderation import delete_message, post_id_on
from bot.checkins.timing import wait_until
from bot.client import Bridgeline
from bot.i18n.languages_in_use import server_lang
from bot.member_notes import Note
from bot.storage.db import Problem, storage_problem
from bot.ui.checkin_embeds import anon_post_embed

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(seconds=30)
#: How long Discord surely still de-duplicates a nonce ("a few minutes"; kept short, since
#: past it the only cost is one look at the channel).
NONCE_WINDOW = timedelta(minutes=2)
#: How long a claim keeps other processes off a post: far longer than one send takes, and
#: shorter than NONCE_WINDOW, so a post taken over soon after its due time is still
#: de-duplicated by Discord.
LEASE = timedelta(seconds=60)
HISTORY_LOOKBACK = 100
SENT_EVENT = "checkin_post_sent"  # (post_id): observable by tests and other features
#: Builds a public post's buttons: (post id, the server's language).
PostViewFactory = Callable[[int, str], discord.ui.View]


class PostSender:
    """One background task per bot; `poke()` after queueing something."""

    def __init__(self, bot: Bridgeline, post_view: PostViewFactory) -> None:
        self.bot = bot
        self.post_view = post_view
        self._poke = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="checkins-sender")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait([task])  # never raises the task's CancelledError into ours

    def poke(self) -> None:
        self._poke.set()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        trouble: Problem | None = None  # a storage problem already logged
        while True:
            self._poke.clear()
            try:
                await self.run_due()
                upcoming = await repo.next_due(self.bot.db, self.bot.shard_plan.sql_filter())
                if trouble is not None:
                    log.info("Anonymous post sender: storage works again")
                    trouble = None
            except Exception as exc:
                problem = storage_problem(exc)
                if problem is None:
                    log.exception("Anonymous post sender failed; retrying shortly")
                elif problem != trouble:  # one line while it lasts, not one every 30 s
                    log.error("Anonymous post sender paused, storage problem (%s): %s; "
                              "retrying every %ds", problem, exc, RETRY_AFTER.seconds)  # fmt: skip
                trouble = problem
                upcoming = self.bot.clock.now() + RETRY_AFTER
            await wait_until(self.bot.clock, upcoming, self._poke)

    async def run_due(self) -> int:
        """Sends everything due now; returns how many posts went out."""
        sent = 0
        while True:
            claimed = await repo.claim_due_post(
                self.bot.db, self.bot.clock.now(), LEASE, self.bot.shard_plan.sql_filter()
            )
            if claimed is None:
                return sent
            sent += await self._send(claimed.post, claimed.resumed)

    async def _fail(self, post: AnonPost, reason: str) -> None:
        await repo.transition(self.bot.db, post.id, "failed", allowed_from=("sending",),
                              failure=reason)  # fmt: skip
        log.warning("Anonymous post %s failed: %s", post.id, reason)
        lang = await server_lang(self.bot.db, post.guild_id)
        note = Note(f"checkins.posting.failed.{reason}")
        await notices.tell(self.bot, post.id, note, lang)

    async def _send(self, post: AnonPost, resumed: bool) -> int:
        attempt = post.attempts
        channel = self.bot.get_channel(post.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            await self._fail(post, "channel_missing")
            return 0
        found = await self._already_sent(post, channel, resumed)
        if found is not None:
            log.info("Anonymous post %s was already in its channel; not sent again", post.id)
            return await self._confirm(post, channel, found)
        lang = await server_lang(self.bot.db, post.guild_id)  # the framing, not the words
        embed, view = anon_post_embed(post, lang), self.post_view(post.id, lang)
        none = discord.AllowedMentions.none()
        try:
            message = await channel.send(
                embed=embed, view=view, allowed_mentions=none, nonce=post.nonce
            )
        except discord.Forbidden:
            await self._fail(post, "no_permission")
            return 0
        except discord.NotFound:
            await self._fail(post, "channel_missing")
            return 0
        except discord.HTTPException as exc:
            if (exc.status < 500 and exc.status != 429) or attempt >= MAX_ATTEMPTS:
                await self._fail(post, "discord_error")
            else:
                retry_at = self.bot.clock.now() + RETRY_AFTER * attempt
                await repo.transition(self.bot.db, post.id, "queued", allowed_from=("sending",),
                                      due_at=retry_at)  # fmt: skip
            return 0
        return await self._confirm(post, channel, message)

    async def _already_sent(
        self, post: AnonPost, channel: discord.TextChannel | discord.Thread, resumed: bool
    ) -> discord.Message | None:
        """For a post left `sending` (the process died, or storage failed, between the send
        and the confirmation) past the nonce window: the message, if it reached the channel."""
        if not resumed:
            return None
        claimed_at = post.due_at or post.created_at  # claimed at or after its due time
        if self.bot.clock.now() - claimed_at <= NONCE_WINDOW:
            return None  # Discord still returns the original for the same nonce
        own_id = self.bot.user.id if self.bot.user else None
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if message.author.id == own_id and post_id_on(message) == post.id:
                    return message
        except discord.HTTPException as exc:
            log.warning("Could not look for anonymous post %s in its channel (HTTP %s); "
                        "sending it", post.id, exc.status)  # fmt: skip
        return None

    async def _confirm(
        self,
        post: AnonPost,
        channel: discord.TextChannel | discord.Thread,
        message: discord.Message,
    ) -> int:
        confirmed = await repo.transition(
            self.bot.db, post.id, "posted", allowed_from=("sending",),
            message_id=message.id, posted_at=self.bot.clock.now(),
        )  # fmt: skip
        if not confirmed:
            now = await repo.get_post(self.bot.db, post.id)
            if now is not None and now.status == "posted" and now.message_id == message.id:
                return 0  # a sender that took the post over confirmed the same message
            await delete_message(self.bot, channel.id, message.id)  # deleted while in flight
            return 0
        log.info("Anonymous post %s sent in guild %s", post.id, post.guild_id)
        self.bot.dispatch(SENT_EVENT, post.id)
        lang = await server_lang(self.bot.db, post.guild_id)
        note = Note("checkins.posting.posted", {"url": message.jump_url})
        await notices.tell(self.bot, post.id, note, lang)
        return 1
