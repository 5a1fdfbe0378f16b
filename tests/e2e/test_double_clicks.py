"""Every button is idempotent: two presses at once (a double click, or a second click before
Discord showed the first answer) do the thing once, and both presses get an answer."""

from __future__ import annotations

import pytest
from test_checkins import bot_posts, check_in, configure, post_anonymously, report

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, Interaction, StandardGuild
from bot.storage import audit
from bot.ui.share import SHARED_NOTE

pytestmark = pytest.mark.both_backends

WRONG = "Something went wrong"


def nothing_went_wrong(fake: FakeDiscord, world: StandardGuild) -> None:
    for member in (world.you, world.mod, world.owner):
        for message in fake.ephemeral_messages(member):
            assert WRONG not in message.text, message.text


async def both_answered(*presses: Interaction) -> None:
    for press in presses:
        await press.response()


async def test_two_presses_of_post_anonymously_post_once_and_both_are_answered(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    saved = await check_in(fake, world.you, "pressed twice")
    first = await fake.click(saved, "Post anonymously", world.you)
    second = await fake.click(saved, "Post anonymously", world.you)
    await both_answered(first, second)
    await fake.wait_for_message(world.check_ins, lambda m: "pressed twice" in m.text)
    await fake.wait_for_message(None, lambda m: "already chose" in m.text, include_ephemeral=True)
    assert await bot.db.fetchval("SELECT COUNT(*) FROM anon_posts") == 1
    assert len(bot_posts(fake, world)) == 1
    assert "appear anonymously" in saved.text and saved.buttons == []
    nothing_went_wrong(fake, world)


async def test_two_presses_of_share_in_channel_post_one_copy(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await (await fake.slash("strategy random", None, world.you, "general")).response()
    assert shown.message is not None
    first = await fake.click(shown.message, "Share in channel", world.you)
    second = await fake.click(shown.message, "Share in channel", world.you)
    await both_answered(first, second)
    texts = " | ".join([(await first.reply()).text, (await second.reply()).text])
    assert "already shared" in texts and "Posted a copy" in texts
    copies = [m for m in fake.messages(world.general) if m.text.startswith(SHARED_NOTE)]
    assert len(copies) == 1
    nothing_went_wrong(fake, world)


async def test_a_second_press_of_delete_everything_is_answered(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    await check_in(fake, world.you, "mine")
    confirm = await (await fake.slash("privacy forget", None, world.you, "general")).response()
    assert confirm.message is not None
    first = await fake.click(confirm.message, "Delete everything", world.you)
    second = await fake.click(confirm.message, "Delete everything", world.you)
    await both_answered(first, second)
    assert "Already confirmed" in (await second.reply()).text
    await fake.wait_until(lambda: True if "Done." in confirm.text else None, what="forget")
    assert await bot.db.fetchval("SELECT COUNT(*) FROM checkins") == 0
    nothing_went_wrong(fake, world)


async def test_two_presses_of_remove_post_remove_it_once(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    post = await post_anonymously(fake, world, "report me")
    alert: FakeMessage = await report(fake, world, post, world.owner, "")
    first = await fake.click(alert, "Remove post", world.mod)
    second = await fake.click(alert, "Remove post", world.mod)
    await both_answered(first, second)  # each asks first
    asked = [(await first.response()).message, (await second.response()).message]
    assert all(a is not None and "Remove this anonymous post" in a.text for a in asked)
    confirms = [await fake.click(a, "Remove post", world.mod) for a in asked if a is not None]
    await both_answered(*confirms)
    texts = " | ".join(a.text for a in asked if a is not None)
    assert "Removed" in texts and "already taken down" in texts
    assert fake.messages_by_id[post.id].deleted
    removals = [e for e in await audit.recent(bot.db, world.guild.id)
                if e.action == "checkins.anon_removed"]  # fmt: skip
    assert len(removals) == 1
    nothing_went_wrong(fake, world)


async def test_a_second_press_of_finish_in_the_setup_wizard_is_answered(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await (await fake.slash("setup start", None, world.owner, "general")).response()
    assert shown.message is not None
    await (await fake.click(shown.message, "Next", world.owner)).response()
    first = await fake.click(shown.message, "Finish", world.owner)
    second = await fake.click(shown.message, "Finish", world.owner)
    await both_answered(first, second)
    assert "already finished" in (await second.reply()).text
    assert "set up" in shown.message.text or "Setup finished" in shown.message.text
    completed = [e for e in await audit.recent(bot.db, world.guild.id)
                 if e.action == "setup.completed"]  # fmt: skip
    assert len(completed) == 1
    nothing_went_wrong(fake, world)
