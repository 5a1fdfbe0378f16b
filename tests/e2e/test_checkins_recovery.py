"""Check-ins after something broke half-way: a post left `sending` by a crash, longer ago than
Discord remembers nonces, and a check-in saved whose reply never reached the member."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from test_checkins import BODY, MOOD, POST_ROUTE, bot_posts, check_in, configure, on_post_sent

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import HANG_GUARD, FakeDiscord, StandardGuild, run_bot

pytestmark = pytest.mark.both_backends


async def crash_while_sending(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    text: str,
    *,
    reached_discord: bool,
) -> None:
    """A post is queued and claimed; the process dies before confirming it (after the send
    reached Discord, or before)."""
    first = make_bridgeline()
    sent = on_post_sent(first)
    async with run_bot(first, fake):
        await configure(first, world)
        if not reached_discord:
            fake.faults.server_error(POST_ROUTE, status=503)  # held back, retried later
        saved = await check_in(fake, world.you, text)
        await (await fake.click(saved, "Post anonymously", world.you)).response()
        if reached_discord:
            await asyncio.wait_for(sent.wait(), HANG_GUARD)
        else:
            await fake.wait_until(
                lambda: True if any(r.route == POST_ROUTE for r in fake.requests) else None,
                what="the failed send",
            )
        await first.get_cog("CheckIns").sender.stop()  # type: ignore[union-attr]
        # what a crash between claiming and confirming leaves behind
        await first.db.execute("UPDATE anon_posts SET status = 'sending', message_id = NULL")
    fake.faults.clear()


async def test_a_post_left_sending_past_the_nonce_window_is_found_not_posted_again(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
) -> None:
    await crash_while_sending(fake, world, make_bridgeline, "sent once", reached_discord=True)
    (original,) = bot_posts(fake, world)
    clock.advance(timedelta(minutes=30))
    fake.expire_nonces()  # Discord no longer de-duplicates this nonce
    sends_before = len([r for r in fake.requests if r.route == POST_ROUTE])
    restarted = make_bridgeline()
    confirmed = on_post_sent(restarted)
    async with run_bot(restarted, fake):
        await asyncio.wait_for(confirmed.wait(), HANG_GUARD)
        row = await restarted.db.fetchone("SELECT status, message_id FROM anon_posts")
        assert row is not None and (row["status"], row["message_id"]) == ("posted", original.id)
    assert bot_posts(fake, world) == [original]
    assert len([r for r in fake.requests if r.route == POST_ROUTE]) == sends_before


async def test_a_post_that_never_reached_discord_is_sent_after_the_window(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
) -> None:
    await crash_while_sending(fake, world, make_bridgeline, "not yet out", reached_discord=False)
    assert bot_posts(fake, world) == []
    clock.advance(timedelta(minutes=30))
    fake.expire_nonces()
    restarted = make_bridgeline()
    confirmed = on_post_sent(restarted)
    async with run_bot(restarted, fake):
        await asyncio.wait_for(confirmed.wait(), HANG_GUARD)
    (posted,) = bot_posts(fake, world)
    assert "not yet out" in posted.text


async def test_a_checkin_whose_reply_never_arrived_is_saved_once_when_resent(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    await (await fake.slash("checkin new", None, world.you, "general")).modal_shown()
    fake.faults.deadline_exceeded = True  # saved, but the reply comes too late to be shown
    lost = await fake.submit_modal({MOOD: "2", BODY: "tired of waiting"}, world.you)

    def refused() -> bool | None:
        late = [r for r in fake.requests if r.params.get("interaction_id") == str(lost.id)]
        return True if any(r.status == 404 for r in late) else None

    await fake.wait_until(refused, what="the reply Discord refused")
    assert not lost.callbacks  # the member saw "This interaction failed"
    fake.faults.deadline_exceeded = False
    again = await check_in(fake, world.you, "tired of waiting", "2")  # the member sends it again
    assert "Check-in saved" in again.text
    rows = await bot.db.fetchall("SELECT public_id FROM checkins")
    assert len(rows) == 1 and rows[0][0] in again.text
