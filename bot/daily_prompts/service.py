"""The scheduler: finds due servers, claims, sends, retries and recovers.

`run_due(now)` is one tick; the background loop calls it at least every 30 s on the real clock,
and tests and the sandbox's `:tick` call it directly with their clock's time. Every server is
its own job (concurrency-limited, with a send timeout), so one server's failure or slowness never
holds up another; the shared pacer keeps the scheduler's requests within Discord's global limit.

Prompts are drawn in the server's language (`content(lang)`, its /setup language) and stored
as posted; their keys are the same in every language, so the shuffle bag is unaffected when a
server changes its language.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random

from bot.clock import Clock
from bot.content import Prompt
from bot.daily_prompts import claims
from bot.daily_prompts.claims import Claim
from bot.daily_prompts.models import PostRecord
from bot.daily_prompts.pacing import RequestPacer
from bot.daily_prompts.schedules import due_guilds, next_due_at, pause
from bot.daily_prompts.sender import OutgoingPost, Sender, TransientFailure, Unreachable
from bot.i18n.languages_in_use import server_lang
from bot.scheduling import load_zone, local_date
from bot.storage import audit
from bot.storage.db import Database

log = logging.getLogger(__name__)

LOOP_INTERVAL = 30.0
SEND_TIMEOUT = 60.0
STALE_CLAIM = timedelta(minutes=10)
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
#: Audit actor id for changes Bridgeline makes by itself (an automatic pause).
SYSTEM_ACTOR = 0


@dataclass
class TickReport:
    now: datetime
    due: int = 0
    rechecked: int = 0
    query_ms: float = 0.0
    posted: list[tuple[int, date]] = field(default_factory=list)
    late: list[tuple[int, date]] = field(default_factory=list)
    recovered: list[tuple[int, date]] = field(default_factory=list)
    retrying: list[tuple[int, date]] = field(default_factory=list)
    missed: list[tuple[int, date, str]] = field(default_factory=list)
    skipped_days: int = 0
    paused: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.due} due", f"{len(self.posted)} posted"]
        for label, items in (
            ("late", self.late),
            ("found already posted", self.recovered),
            ("retrying", self.retrying),
            ("missed", self.missed),
            ("paused", self.paused),
        ):
            if items:
                parts.append(f"{len(items)} {label}")
        if self.skipped_days:
            parts.append(f"{self.skipped_days} old day(s) skipped")
        return f"Daily prompts: {', '.join(parts)} (due-set query {self.query_ms:.2f} ms)"


@dataclass(frozen=True)
class PostNowResult:
    outcome: str  # 'posted' | 'already' | 'not_configured' | 'no_prompts' | 'retrying' | 'paused'
    message_id: int | None = None
    channel_id: int | None = None
    reason: str | None = None


class PromptScheduler:
    def __init__(
        self,
        db: Database,
        sender: Sender,
        clock: Clock,
        content: Callable[[str], tuple[Prompt, ...]],
        *,
        pacer: RequestPacer | None = None,
        concurrency: int = 16,
        send_timeout: float = SEND_TIMEOUT,
        stale: timedelta = STALE_CLAIM,
        retry_delays: tuple[timedelta, ...] = RETRY_DELAYS,
        rng: Random | None = None,
        interval: float = LOOP_INTERVAL,
        wait_ready: Callable[[], Awaitable[None]] | None = None,
        owns: Callable[[int], bool] | None = None,
    ) -> None:
        self.db, self.sender, self.clock = db, sender, clock
        #: Which servers this process posts for (its shards'); the others' owners post theirs.
        self._owns = owns or (lambda guild_id: True)
        self._content = content
        self.pacer = pacer or RequestPacer()
        self._slots = asyncio.Semaphore(concurrency)
        self.send_timeout = send_timeout
        self.stale = stale
        self.retry_delays = retry_delays
        self.rng = rng or Random()
        self.interval = interval
        self._wait_ready = wait_ready
        self.instance = secrets.token_hex(6)
        self._tick_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    # ---- ticks ----------------------------------------------------------------------------
    async def run_due(self, now: datetime | None = None) -> TickReport:
        """Posts what is due at `now` (default: the clock). Safe to call concurrently with
        the loop or from several processes: claims decide who sends."""
        async with self._tick_lock:
            now = now or self.clock.now()
            report = TickReport(now=now)
            started = time.perf_counter()
            due = [g for g in await due_guilds(self.db, now) if self._owns(g)]
            rechecks = [r for r in await claims.due_rechecks(self.db, now) if self._owns(r[0])]
            report.query_ms = (time.perf_counter() - started) * 1000
            report.due, report.rechecked = len(due), len(rechecks)
            jobs = [self._guarded(g, self._run_guild(g, now, report)) for g in due]
            jobs += [self._guarded(g, self._recheck(g, d, now, report)) for g, d in rechecks]
            await asyncio.gather(*jobs)
            if due or rechecks:
                log.info("%s", report.summary())
            return report

    async def _guarded(self, guild_id: int, job: Awaitable[None]) -> None:
        async with self._slots:
            try:
                await job
            except Exception:
                log.exception("Daily prompt job for guild %s failed", guild_id)

    def _token(self) -> str:
        return f"{self.instance}:{secrets.token_hex(4)}"

    async def _run_guild(self, guild_id: int, now: datetime, report: TickReport) -> None:
        prompts = self._content(await server_lang(self.db, guild_id))
        outcome = await claims.claim_due(
            self.db, guild_id, now, self._token(), prompts, self.rng, self.stale
        )
        report.skipped_days += len(outcome.skipped)
        if outcome.claim is not None:
            await self._deliver(outcome.claim, now, report)

    async def _recheck(self, guild_id: int, day: date, now: datetime, report: TickReport) -> None:
        claim = await claims.reclaim(self.db, guild_id, day, now, self._token(), self.stale)
        if claim is None:
            return
        try:
            found = await self.sender.find_existing(
                guild_id, claim.channel_id, day, self.pacer.acquire
            )
        except Unreachable as exc:
            await self._pause(claim, exc, report)
            return
        except TransientFailure:
            await self._retry_or_miss(claim, now, report, "discord_error")
            return
        if found is not None:
            await claims.confirm_sent(self.db, claim, found, None, now)
            report.recovered.append((guild_id, day))
            return
        zone_today = local_date(now, load_zone(claim.timezone))
        if claim.paused or (zone_today > day and now - claim.scheduled_at > claims.CATCH_UP_GRACE):
            await self._miss(claim, report, "paused" if claim.paused else "too_late")
            return
        await self._deliver(claim, now, report)

    # ---- sending ---------------------------------------------------------------------------
    async def _deliver(self, claim: Claim, now: datetime, report: TickReport | None) -> str:
        post = OutgoingPost(
            guild_id=claim.guild_id,
            channel_id=claim.channel_id,
            day=claim.day,
            text=claim.prompt_text,
            scheduled_at=claim.scheduled_at,
            late_by=claim.late_by if claim.late else None,
            timezone=claim.timezone,
            use_thread=claim.use_thread,
            ping_role_id=claim.ping_role_id,
            reflect_button=claim.reflect_button,
            lang=await server_lang(self.db, claim.guild_id),
        )
        try:
            delivered = await asyncio.wait_for(
                self.sender.send(post, self.pacer.acquire), self.send_timeout
            )
        except Unreachable as exc:
            await self._pause(claim, exc, report)
            return "paused"
        except (TransientFailure, TimeoutError) as exc:
            log.warning("Daily prompt send failed in guild %s: %s", claim.guild_id, type(exc))
            return await self._retry_or_miss(claim, now, report, "discord_error")
        except Exception:
            log.exception("Unexpected error sending the daily prompt in guild %s", claim.guild_id)
            return await self._retry_or_miss(claim, now, report, "error")
        if not await claims.confirm_sent(
            self.db, claim, delivered.message_id, delivered.thread_id, now
        ):
            log.warning("Claim for guild %s was taken over while sending", claim.guild_id)
        if report is not None:
            report.posted.append((claim.guild_id, claim.day))
            if claim.late:
                report.late.append((claim.guild_id, claim.day))
        return "posted"

    async def _retry_or_miss(
        self, claim: Claim, now: datetime, report: TickReport | None, reason: str
    ) -> str:
        if claim.attempt <= len(self.retry_delays):
            at = now + self.retry_delays[claim.attempt - 1]
            await claims.schedule_retry(self.db, claim, at, reason)
            if report is not None:
                report.retrying.append((claim.guild_id, claim.day))
            return "retrying"
        await self._miss(claim, report, reason)
        return "missed"

    async def _miss(self, claim: Claim, report: TickReport | None, reason: str) -> None:
        async with self.db.transaction() as conn:
            await claims.mark_missed(conn, claim, reason)
        log.warning("Daily prompt for guild %s on %s missed: %s", claim.guild_id, claim.day, reason)
        if report is not None:
            report.missed.append((claim.guild_id, claim.day, reason))

    async def _pause(self, claim: Claim, exc: Unreachable, report: TickReport | None) -> None:
        async with self.db.transaction() as conn:
            await claims.mark_missed(conn, claim, exc.reason)
            newly = await pause(conn, claim.guild_id, exc.reason)
        log.warning("Daily prompts paused in guild %s: %s", claim.guild_id, exc.reason)
        if report is not None:
            report.missed.append((claim.guild_id, claim.day, exc.reason))
            report.paused.append((claim.guild_id, exc.reason))
        if newly:
            await audit.record(
                self.db, claim.guild_id, SYSTEM_ACTOR, "prompts.auto_paused", detail=exc.reason
            )
            if exc.reason != "bot_removed":
                await self.sender.tell_moderators(
                    claim.guild_id, claim.channel_id, exc.reason, self.pacer.acquire
                )

    # ---- moderator actions -----------------------------------------------------------------
    async def post_now(self, guild_id: int, now: datetime | None = None) -> PostNowResult:
        """Today's prompt, now (it then counts as today's post); refuses a second one."""
        now = now or self.clock.now()
        prompts = self._content(await server_lang(self.db, guild_id))
        outcome = await claims.claim_today(
            self.db, guild_id, now, self._token(), prompts, self.rng, self.stale
        )
        if outcome.already is not None:
            return _already(outcome.already)
        if outcome.claim is None:
            return PostNowResult("no_prompts" if outcome.no_prompts else "not_configured")
        result = await self._deliver(outcome.claim, now, None)
        record = await _post(self.db, guild_id, outcome.claim.day)
        return PostNowResult(
            result,
            message_id=record.message_id if record else None,
            channel_id=outcome.claim.channel_id,
            reason=record.reason if record else None,
        )

    async def preview(self, guild_id: int) -> tuple[str, str] | None:
        """The prompt the next post will use (key, text), without using it up."""
        prompts = self._content(await server_lang(self.db, guild_id))
        return await claims.peek_next(self.db, guild_id, prompts, self.rng)

    # ---- the loop --------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="daily-prompts")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        if self._wait_ready is not None:
            await self._wait_ready()
        while True:
            try:
                await self.run_due()
                await asyncio.sleep(await self._seconds_to_next())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Daily prompt tick failed; trying again shortly")
                await asyncio.sleep(self.interval)

    async def _seconds_to_next(self) -> float:
        upcoming = await next_due_at(self.db)
        if upcoming is None:
            return self.interval
        wait = (upcoming - self.clock.now()).total_seconds()
        return min(self.interval, max(0.5, wait))


async def _post(db: Database, guild_id: int, day: date) -> PostRecord | None:
    records = await db.fetchall(
        "SELECT * FROM prompt_posts WHERE guild_id = ? AND local_date = ?",
        (guild_id, day.isoformat()),
    )
    return PostRecord.from_row(records[0]) if records else None


def _already(record: PostRecord) -> PostNowResult:
    return PostNowResult(
        "already", message_id=record.message_id, channel_id=record.channel_id, reason=record.status
    )
