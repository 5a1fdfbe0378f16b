""" "Ask a moderator to reach out" exposes that one check-in, nothing else the member wrote.

A member posts anonymously before and after a crisis check-in whose post goes to review; another
member posts too. The member then asks a moderator to reach out. Everything the moderators can
see (the alerts channel, their own private replies, the public channel) is read for anything
that could tie another post to the revealed one: the label shown for a post, the day's tag, the
answers to moderation actions. Each label belongs to one post only, the revealed check-in's post
carries no day tag, and blocking from the revealed post stops the member without telling the
moderator which other posts are theirs.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from test_checkin_alert_delay import checkin_alert_post
from test_checkins import from_menu, report, share

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.storage.guilds import update_settings

LABEL = re.compile(r"anon-[0-9a-z]+")
IMMINENT = "I want to kill myself tonight"


async def check_in(fake: FakeDiscord, who: Any, text: str, mood: str = "3") -> tuple[Any, Any]:
    await (await fake.slash("checkin new", None, who, "general")).modal_shown()
    submitted = await fake.submit_modal({"checkin:mood": mood, "checkin:body": text}, who)
    saved = (await submitted.response()).message
    assert saved is not None and "Check-in saved" in saved.text
    return submitted, saved


async def post(fake: FakeDiscord, world: StandardGuild, who: Any, text: str) -> FakeMessage:
    _, saved = await check_in(fake, who, text)
    assert "appear anonymously" in await share(fake, saved, who)
    return await fake.wait_for_message(world.check_ins, lambda m: text in m.text)


def day_tag(message: FakeMessage) -> str | None:
    title = message.embeds[0]["title"]
    return title.split(" · ", 1)[1] if " · " in title else None


def seen_by_moderators(fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    """The alerts channel, the public channel, and every private reply to a moderator."""
    return [
        *fake.messages(world.mod_alerts),
        *fake.messages(world.check_ins),
        *fake.ephemeral_messages(world.mod),
    ]


async def test_a_reveal_exposes_the_one_checkin_and_no_other_post(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    you = world.you
    bea = await fake.add_member(world.guild, "bea")
    await update_settings(bot.db, world.guild.id, checkin_channel_id=world.check_ins.id,
                          alerts_channel_id=world.mod_alerts.id, anon_delay_max_s=0,
                          moderator_role_id=world.moderator_role.id)  # fmt: skip
    before = await post(fake, world, you, "Morning. Another silent breakfast.")
    theirs = await post(fake, world, bea, "Mine went quiet too, last week.")
    clock.advance(timedelta(minutes=30))

    submitted, saved = await check_in(fake, you, IMMINENT, "1")
    private = (await submitted.followups(1))[0]
    assert "a moderator will look at it" in await share(fake, saved, you)
    review = next(m for m in fake.messages(world.mod_alerts) if "kill myself" in m.text)
    (revealed_label,) = LABEL.findall(review.text)
    reveal = await fake.click(private, "Ask a moderator to reach out", you)
    assert "moderators have been told" in (await reveal.followups(1))[0].text
    request = await fake.wait_for_message(world.mod_alerts, lambda m: "reach out" in m.text)
    assert f"<@{you.user.id}>" in request.text  # the moderators know who, for this one

    await (await fake.click(review, "Approve", world.mod)).response()
    flagged_post = await fake.wait_for_message(world.check_ins, lambda m: "kill myself" in m.text)
    clock.advance(timedelta(minutes=30))
    after = await post(fake, world, you, "Evening. He said two words, it's a start.")

    # What moderators do with the posts: report, remove, block; each answer names one post.
    assert "two words" in (await report(fake, world, after, bea, "")).text
    assert "quiet too" in (await report(fake, world, theirs, you, "")).text
    removed = await from_menu(fake, "Remove anonymous post", before, "Remove post", world.mod)
    blocked = await from_menu(
        fake, "Block anonymous author", flagged_post, "Block author", world.mod
    )
    assert revealed_label in blocked and LABEL.findall(blocked) == [revealed_label] * 2
    refused = await share(fake, (await check_in(fake, you, "one more"))[1], you)
    assert "paused anonymous posting for you" in refused  # the block works, by pseudonym

    # Labels: one per post, as every moderator-visible message shows them.
    posts = {"before": before, "theirs": theirs, "flagged": flagged_post, "after": after}
    labels: dict[str, set[str]] = {name: set() for name in posts}
    bodies = {name: message.embeds[0]["description"] for name, message in posts.items()}
    for message in seen_by_moderators(fake, world):
        for name, body in bodies.items():
            if body[:30] in message.text or f"/{posts[name].id}" in message.text:
                labels[name] |= set(LABEL.findall(message.text))
    labels["before"] |= set(LABEL.findall(removed))
    assert labels["flagged"] == {revealed_label}
    for name in ("before", "theirs", "after"):
        assert labels[name], f"moderators saw no label for {name}"
        assert not labels[name] & labels["flagged"], (name, labels)
    assert labels["before"].isdisjoint(labels["after"])  # not even linked to each other

    # The day's tag: the revealed check-in's post has none, so it points to no other post.
    assert day_tag(flagged_post) is None
    assert day_tag(before) is not None and day_tag(before) == day_tag(after)
    assert day_tag(theirs) != day_tag(before)

    # Nothing moderators see next to the member's name leads further.
    for word in [*labels["before"], *labels["after"], day_tag(before) or "-"]:
        assert word not in request.text
    for message in seen_by_moderators(fake, world):
        if str(you.user.id) in message.text:
            assert not set(LABEL.findall(message.text)) - {revealed_label}, message.text


async def test_a_reveal_that_cannot_reach_moderators_shares_nothing_and_can_be_retried(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
    alerts_id = str(world.mod_alerts.id)
    blocked = fake.faults.add(
        "POST /channels/{channel_id}/messages", 403, 50013, times=None,
        match=lambda p, _b: p.get("channel_id") == alerts_id,
    )  # fmt: skip
    fake.close_dms(world.owner)  # the owner fallback fails too
    submitted, _ = await check_in(fake, world.you, IMMINENT, "1")
    private = (await submitted.followups(1))[0]
    first = await fake.click(private, "Ask a moderator to reach out", world.you)
    told = (await first.followups(1))[0].text
    assert "nothing was shared" in told and "press the button again" in told
    assert await bot.db.fetchval("SELECT revealed FROM safety_alerts") == 0
    assert await bot.db.fetchval("SELECT used_at FROM safety_offers WHERE kind = 'reveal'") is None

    fake.faults.active.remove(blocked)
    again = await fake.click(private, "Ask a moderator to reach out", world.you)
    assert "moderators have been told" in (await again.followups(1))[0].text
    request = await fake.wait_for_message(world.mod_alerts, lambda m: "reach out" in m.text)
    assert f"<@{world.you.user.id}>" in request.text
    assert await bot.db.fetchval("SELECT revealed FROM safety_alerts") == 1


def member_field(alert: FakeMessage) -> str:
    (value,) = [f["value"] for f in alert.embeds[0]["fields"] if f["name"] == "Member"]
    return str(value)


async def checkin_alert(
    fake: FakeDiscord, bot: Bridgeline, clock: FakeClock, who: Any, text: str
) -> str:
    """A flagged check-in; returns how its alert says the member was answered."""
    submitted, saved = await check_in(fake, who, text, "1")
    ref = saved.text.split("Reference ")[1].split()[0]
    return member_field(await checkin_alert_post(fake, bot, clock, submitted, ref))


async def test_safety_answers_do_not_tie_a_checkin_to_a_public_message_or_another_checkin(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    """One member's flagged public message, then two flagged check-ins, then another public
    message, all within the six hours of the reply cooldown: what moderators and the channel
    see is what they would see for five different people."""
    you = world.you
    bea = await fake.add_member(world.guild, "bea")
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)
    said = await fake.send_message(world.general, you, "honestly i just want to die")
    await fake.wait_for_message(world.mod_alerts, lambda m: f"/{said.id}" in m.text)
    assert [m for m in fake.messages(world.general) if m.author is fake.bot_user]  # the nudge

    fresh = await checkin_alert(fake, bot, clock, bea, IMMINENT)
    assert await checkin_alert(fake, bot, clock, you, IMMINENT) == fresh
    assert (
        await checkin_alert(fake, bot, clock, you, "i keep thinking about not waking up") == fresh
    )

    await fake.send_message(world.general, bea, "honestly i just want to die")
    nudge = await fake.wait_for_message(world.general, lambda m: m.author is fake.bot_user)
    assert f"<@{bea.user.id}>" in nudge.content  # answered, though she just checked in
