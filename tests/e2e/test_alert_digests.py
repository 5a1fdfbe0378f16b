"""A raid of alerts: those that pile up while one is being posted go out together, up to five
to a post (Discord posts to a channel one at a time, so one post each would leave the last far
behind). A digest's buttons act on their own alert, and every change re-renders the whole post
with the others as they are."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.safety_service import alerts
from bot.storage.guilds import update_settings
from cogs.alerts import QUEUED_EVENT

pytestmark = pytest.mark.both_backends

MESSAGES = "POST /channels/{channel_id}/messages"
LINES = [
    "honestly i just want to die",
    "he gives me the silent treatment every time i see my friends",
    "i have the rope ready and i'm doing it tonight",
    "he hit me again last night",
    "i don't see the point of being here anymore",
    "he checks my phone every night and takes my bank card",
    "i took all my pills an hour ago",
    "he said he would kill me if i told anyone",
]


def shown_ids(post: FakeMessage) -> list[int]:
    """The alert numbers a post shows, from its embeds' footers (alert-N)."""
    return [int(e["footer"]["text"].split(" ")[0].removeprefix("alert-")) for e in post.embeds]


def embed_of(post: FakeMessage, alert_id: int) -> str:
    return next(
        json.dumps(e) for e in post.embeds if e["footer"]["text"].startswith(f"alert-{alert_id} ")
    )


async def pile_up(bot: Bridgeline, fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    """Holds the first alert post at Discord until every other alert waits behind it, then
    lets Discord answer; returns the alert posts once every alert is shown."""
    await update_settings(
        bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id, safety_mode="mods",
        moderator_role_id=world.moderator_role.id,
    )  # fmt: skip
    queued: list[int] = []

    async def waiting(guild_id: int) -> None:
        queued.append(guild_id)

    bot.add_listener(waiting, "on_" + QUEUED_EVENT)
    held = fake.faults.hold(
        MESSAGES, match=lambda params, _: params["channel_id"] == str(world.mod_alerts.id)
    )
    await fake.send_message(world.general, world.you, LINES[0])
    await fake.wait_until(lambda: True if held.reached.is_set() else None, what="first post")
    for line in LINES[1:]:
        await fake.send_message(world.general, world.you, line)
    await fake.wait_until(
        lambda: True if len(queued) == len(LINES) - 1 else None, what="the rest queued"
    )
    held.release()

    def all_shown() -> list[FakeMessage] | None:
        posts = [m for m in fake.messages(world.mod_alerts) if m.embeds]
        return posts if sum(len(p.embeds) for p in posts) == len(LINES) else None

    posts = await fake.wait_until(all_shown, what="every alert posted")
    await bot.in_flight.drain()  # each post recorded against its alerts
    return posts


async def test_alerts_that_pile_up_go_out_five_to_a_post_each_once(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    posts = await pile_up(bot, fake, world)
    assert [len(p.embeds) for p in posts] == [1, 5, 2]
    numbers = [n for p in posts for n in shown_ids(p)]
    assert sorted(numbers) == numbers and len(set(numbers)) == len(LINES)
    for post in posts:
        for n in shown_ids(post):
            stored = await alerts.get_alert(bot.db, n)
            assert stored is not None and stored.alert_message_id == post.id
    digest = posts[1]
    labels = [b["label"] for b in digest.buttons]
    assert labels == [f"#{n} · {a}" for n in shown_ids(digest) for a in ("I'm on it", "Resolved")]
    assert [b["label"] for b in posts[0].buttons] == ["I'm on it", "Resolved"]  # alone: as ever
    imminent = [p for p in posts if any("IMMINENT" in e["title"] for e in p.embeds)]
    assert imminent and all(
        p.content.count(f"<@&{world.moderator_role.id}>") == 1 for p in imminent
    )
    assert not fake.violations


async def test_a_digest_button_acts_on_its_own_alert_and_keeps_the_others(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    digest = (await pile_up(bot, fake, world))[1]
    first, second, third, fourth, _ = shown_ids(digest)

    claim = await fake.click(digest, f"#{third} · I'm on it", world.mod)
    assert (await claim.response()).type == 7
    assert shown_ids(digest) == [first, second, third, fourth, _]  # all five still there
    assert f"<@{world.mod.user.id}> is on it" in embed_of(digest, third)
    assert all("is on it" not in embed_of(digest, n) for n in (first, second, fourth))

    done = await fake.click(digest, f"#{first} · Resolved", world.owner)
    assert (await done.response()).type == 7
    disabled = {b["label"] for b in digest.buttons if b.get("disabled")}
    assert disabled == {f"#{first} · I'm on it", f"#{first} · Resolved"}
    assert f"<@{world.mod.user.id}> is on it" in embed_of(digest, third)  # not lost by the edit
    statuses = {n: (await alerts.get_alert(bot.db, n)) for n in (first, second, third)}
    assert {n: a.status for n, a in statuses.items() if a} == {
        first: "resolved",
        second: "open",
        third: "claimed",
    }

    await alerts.set_revealed(bot.db, fourth)  # a change made elsewhere: the post is redrawn
    bot.dispatch("safety_alert_changed", fourth)

    def redrawn() -> Any:
        return True if "Author asked for contact" in embed_of(digest, fourth) else None

    await fake.wait_until(redrawn, what="the post redrawn")
    assert len(digest.embeds) == 5 and "Resolved by" in embed_of(digest, first)
    assert "is on it" in embed_of(digest, third)
