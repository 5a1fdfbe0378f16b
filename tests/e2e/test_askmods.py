"""/ask-mods end to end through the fake Discord: an anonymous conversation in a staff thread
where moderators never learn who asked (every recorded message and embed checked), replies by
DM or, with DMs closed, through /ask-mods; block, unblock, reveal only on the member's press,
end and delete, the safety scan raising the alert in the same thread, and rate limits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.askmods import identity, store
from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.storage import audit

pytestmark = pytest.mark.both_backends

TEXT, REPLY = "askmods:text", "askmods:reply"
IMMINENT = "i want to k1ll mys3lf tonight"


async def ask(fake: FakeDiscord, text: str, identity_choice: str | None = None) -> FakeMessage:
    """/ask-mods, fill in the modal; returns the "Sent" confirmation (ephemeral)."""
    options = {"identity": identity_choice} if identity_choice else None
    await (await fake.slash("ask-mods", options, "you", "general")).modal_shown()
    submitted = await fake.submit_modal({TEXT: text}, "you")
    return await sent_confirmation(fake, submitted)


async def sent_confirmation(fake: FakeDiscord, submitted: Any) -> FakeMessage:
    def check() -> FakeMessage | None:
        return next((m for m in submitted.followup_messages if "Sent to the" in m.text), None)

    found = await fake.wait_until(check, what="the sent confirmation")
    assert found.ephemeral
    return found


def starter(fake: FakeDiscord, world: StandardGuild) -> FakeMessage:
    posts = [m for m in fake.messages(world.mod_alerts) if m.thread_id is not None]
    assert len(posts) >= 1
    return posts[-1]


def thread_messages(
    fake: FakeDiscord, post: FakeMessage, deleted: bool = False
) -> list[FakeMessage]:
    assert post.thread_id is not None
    return fake.messages(post.thread_id, deleted=deleted)


async def wait_in_thread(fake: FakeDiscord, post: FakeMessage, needle: str) -> FakeMessage:
    def check() -> FakeMessage | None:
        return next((m for m in thread_messages(fake, post) if needle in m.text), None)

    return await fake.wait_until(check, what=f"{needle!r} in the thread")


async def moderator_reply(fake: FakeDiscord, world: StandardGuild, text: str) -> Any:
    await (await fake.click(starter(fake, world), "Reply", world.mod)).modal_shown()
    submitted = await fake.submit_modal({REPLY: text}, world.mod)
    await submitted.followups(1)
    return submitted


def assert_identity_hidden(fake: FakeDiscord, world: StandardGuild, post: FakeMessage) -> None:
    """Every message the fake recorded in the staff channel and the thread, every embed, every
    component, every edit: no trace of the member's id (which every mention, user object and
    profile link would carry; their name "you" is too common a word to search for)."""
    you = world.you.user
    secrets_ = {str(you.id)}
    seen = [*fake.messages(world.mod_alerts, deleted=True), *thread_messages(fake, post, True)]
    seen += fake.ephemeral_messages(world.mod)
    assert seen
    for message in seen:
        dumped = json.dumps([message.to_json(), message.history])
        for secret in secrets_:
            assert secret not in dumped, (secret, message)


async def test_anonymous_conversation_moderators_never_learn_who(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    you = world.you.user
    sent = await ask(fake, f"Can I talk to someone? @everyone <@{world.mod.user.id}>")
    conversation = (await staffed.db.fetchall("SELECT * FROM askmods_conversations"))[0]
    label = conversation["label"]
    assert label in sent.text and sent.button("Write to the moderators")

    post = starter(fake, world)
    assert f"Conversation {label}" in post.text and "anonymous" in post.text
    assert [b["label"] for b in post.buttons] == ["Reply", "Close", "Block this asker"]
    first = await wait_in_thread(fake, post, "Can I talk to someone?")
    assert "@\u200beveryone" in first.text and first.mentions == []  # inert

    await moderator_reply(fake, world, "Of course. We're here. What's going on?")
    dm = await fake.wait_for_dm(you, lambda m: "reply from the moderators" in m.text.lower())
    assert "We're here" in dm.text and label in dm.text
    assert str(world.mod.user.id) not in json.dumps(dm.to_json())  # the member doesn't see who

    await (await fake.click(dm, "Write to the moderators", you)).modal_shown()
    await sent_confirmation(fake, await fake.submit_modal({TEXT: "Thank you. It's home."}, you))
    await wait_in_thread(fake, post, "It's home")

    assert_identity_hidden(fake, world, post)
    # The database holds no raw id beside the content either.
    for table in ("askmods_conversations", "askmods_messages"):
        for row in await staffed.db.fetchall(f"SELECT * FROM {table}"):
            assert str(you.id) not in json.dumps([str(v) for v in dict(row).values()])
    box = conversation["delivery_box"]
    assert identity.unseal(staffed.settings.secret, box) == you.id  # only with the secret


async def test_block_holds_and_unblock_lifts_it(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    await ask(fake, "hello")
    post = starter(fake, world)
    label = post.text.split("Conversation ")[1].split()[0]

    refused = await (await fake.click(post, "Block this asker", world.you)).response()
    assert refused.ephemeral and "moderators" in refused.text  # members can't press it

    blocked = await fake.click(post, "Block this asker", world.mod)
    await blocked.followups(1)
    await fake.wait_for_dm(world.you, lambda m: "paused new ones" in m.text)
    assert [b["label"] for b in post.buttons] == ["Unblock"]
    trail = await audit.recent(staffed.db, world.guild.id)
    assert (trail[0].action, trail[0].target) == ("askmods.block", label)

    again = await (await fake.slash("ask-mods", None, "you", "general")).response()
    assert again.type == 4 and "paused conversations from you" in again.text  # no modal
    assert await store.is_blocked(
        staffed.db,
        world.guild.id,
        identity.asker_pseudonym(staffed.settings.secret, world.guild.id, world.you.user.id),
    )

    lifted = await fake.click(post, "Unblock", world.mod)
    await lifted.followups(1)
    assert post.buttons == []
    await (await fake.slash("ask-mods", None, "you", "general")).modal_shown()
    assert_identity_hidden(fake, world, post)


async def test_reveal_happens_only_when_the_member_presses(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    sent = await ask(fake, "I'd like help")
    post = starter(fake, world)
    mention = f"<@{world.you.user.id}>"

    asked = await fake.click(sent, "Tell them who I am", "you")
    prompt = (await asked.response()).message
    assert prompt is not None and "can't be undone" in prompt.text
    await (await fake.click(prompt, "Cancel", "you")).response()
    assert_identity_hidden(fake, world, post)  # cancelling reveals nothing

    asked = await fake.click(sent, "Tell them who I am", "you")
    prompt = (await asked.response()).message
    assert prompt is not None
    await (await fake.click(prompt, "Yes, tell them", "you")).response()
    revealed = await wait_in_thread(fake, post, "chose to tell you who they are")
    assert mention in revealed.text and revealed.mentions == []
    await fake.wait_until(lambda: True if mention in post.text else None, what="named post")


async def test_named_from_the_start_shows_the_member(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    sent = await ask(fake, "Hi, it's me", "named")
    assert "can see it's you" in sent.text
    assert not any(b["label"] == "Tell them who I am" for b in sent.buttons)
    assert f"<@{world.you.user.id}>" in starter(fake, world).text


async def test_dms_closed_member_reads_the_reply_through_ask_mods(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    await ask(fake, "hello")
    fake.close_dms(world.you)
    await moderator_reply(fake, world, "We'd like to help. Are you safe right now?")
    await wait_in_thread(fake, starter(fake, world), "DMs are closed")
    panel = await (await fake.slash("ask-mods", None, "you", "general")).response()
    assert panel.ephemeral and "Are you safe right now?" in panel.text
    assert panel.message is not None and panel.message.button("Write to the moderators")


async def test_imminent_message_raises_the_alert_in_the_same_thread(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    await (await fake.slash("ask-mods", None, "you", "general")).modal_shown()
    submitted = await fake.submit_modal({TEXT: IMMINENT}, "you")
    await sent_confirmation(fake, submitted)
    help_reply = next(m for m in submitted.followup_messages if "automated" in m.text)
    assert help_reply.ephemeral and "emergency" in help_reply.text.lower()
    post = starter(fake, world)
    urgent = await wait_in_thread(fake, post, "Urgent: safety concern")
    assert f"<@&{world.moderator_role.id}>" in urgent.content
    assert "k1ll" not in urgent.text and "kill" not in urgent.text  # never quoted in the alert
    assert_identity_hidden(fake, world, post)


async def test_end_and_delete_removes_words_and_records(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    sent = await ask(fake, "something private")
    post = starter(fake, world)
    words = await wait_in_thread(fake, post, "something private")
    prompt = (await (await fake.click(sent, "End and delete", "you")).response()).message
    assert prompt is not None
    ended = await fake.click(prompt, "End and delete", "you")
    await fake.wait_until(
        lambda: True if ended.original and "is ended" in ended.original.text else None,
        what="the member told it is deleted",
    )
    await wait_in_thread(fake, post, "ended this conversation")
    assert words.deleted and post.buttons == []
    for table in ("askmods_conversations", "askmods_messages"):
        assert await staffed.db.fetchval(f"SELECT COUNT(*) FROM {table}") == 0


async def test_rate_limit_on_opening(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    """Three a day, even when each is ended and deleted straight away."""
    for n in range(3):
        sent = await ask(fake, f"conversation {n}")
        prompt = (await (await fake.click(sent, "End and delete", "you")).response()).message
        assert prompt is not None
        ended = await fake.click(prompt, "End and delete", "you")
        await fake.wait_until(
            lambda i=ended: True if i.original and "is ended" in i.original.text else None,
            what="ended",
        )
    refused = await (await fake.slash("ask-mods", None, "you", "general")).response()
    assert "several conversations today" in refused.text


async def test_privacy_forget_erases_conversations_and_their_words_in_the_thread(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    await ask(fake, "words to forget")
    post = starter(fake, world)
    words = await wait_in_thread(fake, post, "words to forget")
    prompt = (await (await fake.slash("privacy forget", None, "you", "general")).response()).message
    assert prompt is not None and "/ask-mods" in prompt.text
    confirmed = await fake.click(prompt, "Delete everything", "you")
    await fake.wait_until(
        lambda: True if confirmed.original and "Done." in confirmed.original.text else None,
        what="forget done",
    )
    assert words.deleted
    assert await staffed.db.fetchval("SELECT COUNT(*) FROM askmods_messages") == 0


async def test_moderators_talking_in_the_thread_raise_no_safety_alert(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    await ask(fake, "hello")
    post = starter(fake, world)
    assert post.thread_id is not None
    await fake.send_message(post.thread_id, world.mod, "i want to die, this thread is heavy")
    await fake.send_message(world.general, world.you, "honestly i just want to die")
    await fake.wait_for_message(world.mod_alerts, lambda m: "Safety alert" in m.text)
    rows = await staffed.db.fetchall("SELECT channel_id FROM safety_alerts")
    assert [r["channel_id"] for r in rows] == [world.general.id]  # only the member's message


async def test_a_block_outlives_end_and_delete_and_can_still_be_lifted(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    sent = await ask(fake, "hello")
    post = starter(fake, world)
    await (await fake.click(post, "Block this asker", world.mod)).followups(1)
    prompt = (await (await fake.click(sent, "End and delete", "you")).response()).message
    assert prompt is not None
    ended = await fake.click(prompt, "End and delete", "you")
    await fake.wait_until(
        lambda: True if ended.original and "is ended" in ended.original.text else None,
        what="the conversation deleted",
    )
    assert await staffed.db.fetchval("SELECT COUNT(*) FROM askmods_conversations") == 0
    assert [b["label"] for b in post.buttons] == ["Unblock"]
    again = await (await fake.slash("ask-mods", None, "you", "general")).response()
    assert "paused conversations from you" in again.text  # erasing did not lift the block

    assert (await (await fake.click(post, "Unblock", world.mod)).response()).type == 7
    assert post.buttons == []
    await (await fake.slash("ask-mods", None, "you", "general")).modal_shown()
    trail = await audit.recent(staffed.db, world.guild.id)
    assert trail[0].action == "askmods.unblock" and trail[0].target in post.text
