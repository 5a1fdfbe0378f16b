"""/help, the one-time welcome after a member's first command, and notes left for a member
(their anonymous post was removed or rejected) shown privately at their next command."""

from __future__ import annotations

import re

from test_checkins import check_in, configure, post_anonymously, share
from test_permissions import EXPECTED, MEMBER, synced_commands

from bot.checkins import notices
from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild

WELCOME = "First time using Bridgeline here?"


async def test_help_names_every_member_command_and_the_limits_of_privacy(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    answer = await (await fake.slash("help", None, world.you, "general")).response()
    shown = answer.message
    assert answer.ephemeral and shown is not None and len(shown.embeds) == 1
    text = shown.text
    named = set(re.findall(r"`/([a-z-]+(?: [a-z-]+)?)`", text))
    member_commands = {name for name, who in EXPECTED.items() if who == MEMBER}
    synced = set(synced_commands(fake))
    assert named <= synced, named - synced  # nothing invented
    missing = {c for c in member_commands - named if c not in {"help", "strategy random"}}
    assert not missing, missing
    assert "whoever runs the bot holds the key" in text and "Discord itself knows" in text
    assert "not a counsellor" in text
    assert WELCOME not in text and await shown_followups(fake, world) == []


async def shown_followups(fake: FakeDiscord, world: StandardGuild) -> list[str]:
    return [m.text for m in fake.ephemeral_messages(world.you) if WELCOME in m.text]


async def test_the_welcome_comes_once_after_a_members_first_command(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    first = await fake.slash("why", None, world.you, "general")
    assert "First time" not in (await first.response()).text
    (welcome,) = await first.followups(1)
    assert welcome.ephemeral and WELCOME in welcome.text and "/help" in welcome.text
    second = await fake.slash("reflect", None, world.you, "general")
    await second.response()
    moderator = await fake.slash("alerts open", None, world.mod, "general")
    await moderator.response()
    third = await fake.slash("faq", {"question": "ignore"}, world.you, "general")
    await third.response()
    assert len(await shown_followups(fake, world)) == 1  # once, for this member
    assert not [m for m in fake.ephemeral_messages(world.mod) if WELCOME in m.text]
    stored = await bot.db.fetchall("SELECT * FROM member_welcomed")
    assert len(stored) == 1 and str(world.you.user.id) not in str(dict(stored[0]))


async def test_an_author_is_told_privately_when_a_moderator_removes_their_post(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    post = await post_anonymously(fake, world, "words a moderator will take down")
    # The sender tells the author the post is up on their button's interaction, after the
    # message appears; removed before that, the author is told there instead (the live path: test_checkins' rejection).
    await fake.wait_until(
        lambda: [m for m in fake.ephemeral_messages(world.you) if "post is up" in m.text] or None,
        what="the author's 'your post is up' note",
    )
    asked = await (await fake.context_menu("Remove anonymous post", post, world.mod)).response()
    assert asked.message is not None
    await (await fake.click(asked.message, "Remove post", world.mod)).response()
    assert fake.messages_by_id[post.id].deleted

    other = await fake.slash("checkin history", None, world.owner, "general")
    await other.response()
    mine = await fake.slash("checkin history", None, world.you, "general")
    await mine.response()
    told = [m for m in await mine.followups(1) if "removed your anonymous post" in m.text]
    assert told and told[0].ephemeral and told[0].visible_to is world.you.user
    assert "words a moderator will take down"[:20] in told[0].text
    for member in (world.owner, world.mod):
        assert not [m for m in fake.ephemeral_messages(member) if "removed your" in m.text]
    again = await fake.slash("checkin history", None, world.you, "general")
    await again.response()
    assert await bot.db.fetchval("SELECT COUNT(*) FROM member_notes") == 0  # shown once


async def test_a_rejection_after_the_authors_interaction_expired_waits_for_them(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, approval_queue=True)
    await share(fake, await check_in(fake, world.you, "please look at this"), world.you)
    review = await fake.wait_for_message(world.mod_alerts, lambda m: "look at this" in m.text)
    post_id = await bot.db.fetchval("SELECT id FROM anon_posts")
    notices.forget(bot, int(post_id))  # as after 15 minutes or a restart
    await (await fake.click(review, "Reject", world.mod)).response()
    mine = await fake.slash("checkin history", None, world.you, "general")
    await mine.response()
    told = [m for m in await mine.followups(1) if "didn't approve" in m.text]
    assert told and told[0].visible_to is world.you.user
    assert str(world.you.user.id) not in review.text
