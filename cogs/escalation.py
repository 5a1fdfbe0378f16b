"""Unclaimed safety alerts are raised again once (bot/escalation); this file runs the loop on
the bot's clock, and wakes it when a new alert arrives."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from discord.ext import commands

from bot.client import Bridgeline
from bot.escalation.rules import earliest_due_at
from bot.escalation.service import due_of, next_due, reraise_conversations, reraise_due
from bot.safety_service.alerts import POSTED_EVENT, Alert

log = logging.getLogger(__name__)
CHECK_EVERY_S = 60.0
REPASS_EVENT = "alerts_reraise_pass"  # (raised: int), after each pass (tests wait on it)


class Escalation(commands.Cog):
    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self._poke = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.last_pass_at: datetime | None = None  # clock time the last pass ran at
        self.sleeping_until: datetime | None = None  # when the loop wakes; None during a pass

    async def cog_load(self) -> None:
        self._task = asyncio.create_task(self._run(), name="alerts-reraise")

    async def cog_unload(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @commands.Cog.listener(f"on_{POSTED_EVENT}")
    async def on_safety_alert_posted(self, alert_id: int, *, alert: Alert | None = None) -> None:
        """Its wait starts now: wake the loop if it falls due before the loop wakes anyway. A
        pass while one runs (it may have read the alerts before this one was posted). `alert`:
        the row as its posting stored it (a pass reads every alert afresh anyway)."""
        wake_at = self.sleeping_until
        if wake_at is None or self.bot.is_closed():
            self._poke.set()  # closing: the next start's first pass reads it anyway
            return
        if alert is not None and earliest_due_at(alert.waiting_since, alert.severity) >= wake_at:
            return  # not due before the loop wakes, whatever the server's setting: no read
        try:
            async with self.bot.in_flight.hold():  # close() waits, the database still open
                due = await due_of(self.bot, alert_id, alert)
        except Exception:  # a pass reads it again: the safe side
            if not self.bot.is_closed():
                log.exception("Could not read when alert %s falls due; looking again", alert_id)
            self._poke.set()
            return
        if due is not None and due < wake_at:
            self._poke.set()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            self._poke.clear()
            pass_time = self.bot.clock.now()
            moved: asyncio.Event | None = getattr(self.bot.clock, "changed", None)  # a FakeClock
            raised = 0
            try:
                raised = await reraise_due(self.bot)
                raised += await reraise_conversations(self.bot)
            except Exception:
                log.exception("Re-raising unclaimed alerts failed; trying again shortly")
            if raised:
                log.info("Raised %d unclaimed safety alerts again", raised)
            self.last_pass_at = pass_time
            self.bot.dispatch(REPASS_EVENT, raised)
            try:
                when = await next_due(self.bot)
            except Exception:
                when = None
            if isinstance(moved, asyncio.Event) and moved.is_set():
                continue  # a test clock moved on during the pass: look again at the new time
            if when is not None and when <= pass_time:
                when = None  # due but not sent (nobody reachable): retry on the next check
            elif when is not None and when <= self.bot.clock.now():
                continue  # fell due during the pass: go again now
            await self._sleep(when, moved)

    async def _sleep(self, when: datetime | None, moved: asyncio.Event | None) -> None:
        """Until `when` (at most CHECK_EVERY_S), a poke, or the test clock moving. `moved` is
        the clock's event from before the pass, so a move at any moment since is not missed."""
        now = self.bot.clock.now()
        delay = CHECK_EVERY_S
        if when is not None:
            delay = min(delay, (when - now).total_seconds())
        if delay <= 0:
            return
        waiters = [asyncio.ensure_future(self._poke.wait())]
        if isinstance(moved, asyncio.Event):
            waiters.append(asyncio.ensure_future(moved.wait()))
        self.sleeping_until = now + timedelta(seconds=delay)
        try:
            await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.sleeping_until = None
            for waiter in waiters:
                waiter.cancel()


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Escalation(bot))
