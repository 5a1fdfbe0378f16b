"""Check-ins end to end: private entries, anonymous posts that ping nobody, the delay across a
restart, history, delete, moderation without unmasking, the rate limit, the approval queue,
the crisis path and bad input, as members and moderators see them through the fake Discord."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import discord
import pytest

from bot import member_notes
from bot.checkins import repo
from bot.checkins.models import to_db_time
from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import HANG_GUARD, FakeDiscord, FakeMessage, StandardGuild, run_bot
from bot.i18n import t
from bot.privacy import pseudonym
from bot.public_text import ZWSP
from bot.storage import audit
from bot.storage.guilds import update_settings

pytestmark = pytest.mark.both_backends

MOOD, BODY, HELP = "checkin:mood", "checkin:body", "checkin:help"
POST_ROUTE = "POST /channels/{channel_id}/messages"


async def configure(bot: Bridgeline, world: StandardGuild, **changes: Any) -> None:
    settings: dict[str, Any] = {
        "checkin_channel_id": world.check_ins.id,
        "alerts_channel_id": world.mod_alerts.id,
        "moderator_role_id": world.moderator_role.id,
        "anon_delay_max_s": 0,
    }
    await update_settings(bot.db, world.guild.id, **{**settings, **changes})


@pytest.fixture
async def ready(fake: FakeDiscord, world: StandardGuild, bot: Bridgeline) -> Bridgeline:
    await configure(bot, world)
    return bot


async def check_in(
    fake: FakeDiscord, user: Any, text: str, mood: str = "3", help_text: str | None = None
) -> FakeMessage:
    """/checkin new and submit the modal; returns the private reply."""
    await (await fake.slash("checkin new", None, user, "general")).modal_shown()
    fields = {MOOD: mood, BODY: text, **({HELP: help_text} if help_text else {})}
    answer = await (await fake.submit_modal(fields, user)).response()
    assert answer.ephemeral and answer.message is not None
    return answer.message


async def share(fake: FakeDiscord, saved: FakeMessage, user: Any) -> str:
    """Press "Post anonymously" on the private reply; returns what the author is told (the
    button defers, then edits the reply)."""
    edits = len(saved.history)
    pressed = await fake.click(saved, "Post anonymously", user)
    assert (await pressed.response()).type == 6
    await fake.wait_until(lambda: True if len(saved.history) > edits else None, what="the edit")
    return saved.text


async def post_anonymously(fake: FakeDiscord, world: StandardGuild, text: str) -> FakeMessage:
    told = await share(fake, await check_in(fake, world.you, text), world.you)
    assert "appear anonymously" in told, told
    return await fake.wait_for_message(world.check_ins)


def on_post_sent(bot: Bridgeline) -> asyncio.Event:
    """Set when the bot confirms an anonymous post as sent (listener added before start)."""
    sent = asyncio.Event()

    async def listener(post_id: int) -> None:
        sent.set()

    bot.add_listener(listener, "on_checkin_post_sent")
    return sent


async def label_of(bot: Bridgeline, post: FakeMessage) -> str:
    """The label moderators see for the author of this post."""
    (post_id,) = {b["custom_id"].rsplit(":", 1)[1] for b in post.buttons}  # reply, report
    label = await bot.db.fetchval("SELECT label FROM anon_posts WHERE id = ?", (int(post_id),))
    assert isinstance(label, str) and label.startswith("anon-")
    return label


async def report(
    fake: FakeDiscord, world: StandardGuild, post: FakeMessage, user: Any, reason: str
) -> FakeMessage:
    """Report, fill in the optional reason; returns the moderators' alert."""
    await (await fake.click(post, "Report", user)).modal_shown()
    told = await (await fake.submit_modal({"checkin:report_reason": reason}, user)).response()
    assert told.ephemeral and "your name was not shared" in told.text
    return await fake.wait_for_message(world.mod_alerts, lambda m: "was reported" in m.text)


async def confirm(fake: FakeDiscord, source: FakeMessage, action: str, user: Any) -> str:
    """A Remove/Block button on `source` (or a context menu, given its interaction's reply):
    press it, then confirm; returns what the moderator is told."""
    asked = await (await fake.click(source, action, user)).response()
    assert asked.ephemeral and asked.message is not None and "?" in asked.text
    done = await (await fake.click(asked.message, action, user)).response()
    assert done.type == 7
    return asked.message.text


async def from_menu(fake: FakeDiscord, menu: str, post: FakeMessage, action: str, user: Any) -> str:
    """A moderator's context menu on a post ("Remove anonymous post", "Block anonymous
    author"), then its confirmation button; returns what the moderator is told."""
    asked = await (await fake.context_menu(menu, post, user)).response()
    assert asked.ephemeral and asked.message is not None and "?" in asked.text
    done = await (await fake.click(asked.message, action, user)).response()
    assert done.type == 7
    return asked.message.text


def bot_posts(fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    return [m for m in fake.messages(world.check_ins) if m.author is fake.bot_user]


async def test_private_checkin_is_saved_by_pseudonym_and_posts_nothing(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    await (await fake.slash("checkin new", None, world.you, "general")).modal_shown()
    modal = fake.modals[world.you.user.id].modal
    assert modal is not None and len(modal["components"]) == 3  # no prompt today
    saved = await check_in(fake, world.you, "Long day. He went quiet again.", "2", "a walk")
    assert "Check-in saved" in saved.text and "Only you can see it" in saved.text
    assert saved.button("Post anonymously")
    mine = await repo.own_checkins(
        ready.db,
        world.guild.id,
        pseudonym(ready.settings.secret, world.guild.id, world.you.user.id),
    )
    assert [(c.mood, c.body, c.help_text, c.visibility) for c in mine] == [
        (2, "Long day. He went quiet again.", "a walk", "private")
    ]
    assert mine[0].public_id in saved.text
    assert bot_posts(fake, world) == []


async def test_anonymous_post_reaches_the_channel_without_any_mention_firing(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    you = world.you.user.id
    text = (
        f"@everyone @here <@{you}> <@&{world.moderator_role.id}> join discord.gg/abc\n"
        "# LOOK AT ME\n[harmless](https://evil.example)"
    )
    post = await post_anonymously(fake, world, text)
    body = next(r.body for r in reversed(fake.requests) if r.route == POST_ROUTE)
    assert body["allowed_mentions"] == {"parse": []}
    assert body["enforce_nonce"] is True and body["nonce"]
    description = body["embeds"][0]["description"]
    assert f"@{ZWSP}everyone @{ZWSP}here <@{ZWSP}{you}> <@{ZWSP}&{world.moderator_role.id}>" in (
        description
    )
    assert "[invite link removed]" in description and "discord.gg" not in description
    assert "\\# LOOK AT ME" in description and "harmless (https://evil.example)" in description
    assert post.author is fake.bot_user and post.mentions == []
    assert str(you) not in post.text.replace(f"<@{ZWSP}{you}>", "")  # only the escaped text
    assert post.embeds[0]["title"].startswith("Anonymous check-in · ")  # the daily tag
    assert {b["label"] for b in post.buttons} == {"Reply anonymously", "Report"}
    up = await fake.wait_for_message(None, lambda m: "anonymous post is up" in m.text,
                                     include_ephemeral=True)  # fmt: skip
    assert up.visible_to is world.you.user


async def test_reply_anonymously_keeps_the_days_tag_and_report_names_nobody(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    post = await post_anonymously(fake, world, "Is it normal to feel this tired?")
    await (await fake.click(post, "Reply anonymously", world.you)).modal_shown()
    submitted = await fake.submit_modal({"checkin:reply": "Yes. Me too."}, world.you)
    assert (await submitted.response()).ephemeral
    assert "Reply saved" in (await submitted.reply()).text
    reply = await fake.wait_for_message(world.check_ins, lambda m: "Me too" in m.text)
    assert reply.embeds[0]["title"].startswith("Anonymous reply · ")
    assert reply.embeds[0]["title"].split(" · ")[1] == post.embeds[0]["title"].split(" · ")[1]
    assert f"/{world.check_ins.id}/{post.id})" in reply.embeds[0]["description"]  # jump link

    alert = await report(fake, world, post, world.owner, "")
    label = await label_of(ready, post)
    assert label in alert.text and "Reason given" not in alert.text
    for member in (world.owner, world.you):  # neither the reporter nor the author is named
        assert str(member.user.id) not in alert.text
    again = await (await fake.click(post, "Report", world.owner)).response()
    assert again.type == 4 and "already reported" in again.text  # no second form
    await confirm(fake, alert, "Remove post", world.mod)
    assert fake.messages_by_id[post.id].deleted


async def test_the_delay_survives_a_restart_and_the_post_goes_out_once(
    fake: FakeDiscord,
    world: StandardGuild,
    make_bridgeline: Callable[..., Bridgeline],
    clock: FakeClock,
) -> None:
    async with run_bot(make_bridgeline(), fake) as first:
        await configure(first, world, anon_delay_max_s=60)
        told = await share(fake, await check_in(fake, world.you, "Waiting is hard."), world.you)
        assert "within about 60 seconds" in told
        pending = await first.db.fetchone("SELECT status, due_at FROM anon_posts")
        assert pending is not None and pending["status"] == "queued"
    assert bot_posts(fake, world) == []
    second = make_bridgeline()
    second_sent = on_post_sent(second)
    async with run_bot(second, fake):
        clock.advance(timedelta(seconds=61))
        await asyncio.wait_for(second_sent.wait(), HANG_GUARD)
        (posted,) = bot_posts(fake, world)
        assert "Waiting is hard." in posted.text
        # a crash between claiming and confirming (the claim's lease still runs 30 s): once
        # the lease is over it is resent with the same nonce, and Discord dedups
        await second.db.execute(
            "UPDATE anon_posts SET status = 'sending', lease_until = ?",
            (to_db_time(clock.now() + timedelta(seconds=30)),),
        )
        nonce = await second.db.fetchval("SELECT nonce FROM anon_posts")
    third = make_bridgeline()
    confirmed = on_post_sent(third)
    async with run_bot(third, fake):
        clock.advance(timedelta(seconds=31))
        await asyncio.wait_for(confirmed.wait(), HANG_GUARD)
        sends = [r.body for r in fake.requests if r.route == POST_ROUTE]
        assert len(sends) == 2 and sends[0]["nonce"] == sends[1]["nonce"] == nonce
        assert all(body["enforce_nonce"] for body in sends)
        assert len(bot_posts(fake, world)) == 1  # Discord returned the first message
        assert await third.db.fetchval("SELECT status FROM anon_posts") == "posted"
        clock.advance(timedelta(hours=1))
        await third.wait_until_ready()
    assert len([r for r in fake.requests if r.route == POST_ROUTE]) == 2  # nothing more


async def test_history_pages_sparkline_and_streak(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline, clock: FakeClock
) -> None:
    empty = await (await fake.slash("checkin history", None, world.you, "general")).response()
    assert "No check-ins yet" in empty.text and "Streak: **0** days" in empty.text
    for mood in ("1", "3", "5"):
        await check_in(fake, world.you, f"feeling {mood}", mood)
        clock.advance(timedelta(days=1))
    for i in range(3):
        await check_in(fake, world.you, f"later {i}", "4")
    shown = await (await fake.slash("checkin history", None, world.you, "general")).response()
    assert shown.ephemeral and shown.message is not None
    spark = shown.text.split("`")[1]
    assert len(spark) == 30 and spark.endswith("▁▅█▆") and set(spark[:-4]) == {"·"}
    assert "Streak: **4** days" in shown.text
    assert "later 2" in shown.text and "feeling 1" not in shown.text  # newest first, 5 a page
    nxt = await fake.click(shown.message, "Next", world.you)
    assert (await nxt.response()).type == 7 and "feeling 1" in shown.message.text


async def test_delete_removes_the_entry_and_its_public_post(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    post = await post_anonymously(fake, world, "Today I said what I needed.")
    await check_in(fake, world.you, "A private one")
    await check_in(fake, world.owner, "Not yours")
    choices = await fake.autocomplete("checkin delete", {}, "entry", world.you)
    assert len(choices) == 2 and "A private one" in choices[0]["name"]
    target = next(c["value"] for c in choices if "needed" in c["name"])
    deleted = await fake.slash("checkin delete", {"entry": target}, world.you, "general")
    (answer,) = await deleted.followups(1)
    assert "removed from the channel too" in answer.text
    assert fake.messages_by_id[post.id].deleted
    assert await repo.get_checkin(ready.db, world.guild.id, target) is None
    owner_ref = (await fake.autocomplete("checkin delete", {}, "entry", world.owner))[0]["value"]
    refused = await fake.slash("checkin delete", {"entry": owner_ref}, world.you, "general")
    assert "can't find that check-in" in (await refused.response()).text
    assert await repo.get_checkin(ready.db, world.guild.id, owner_ref) is not None


async def test_moderators_remove_and_block_without_learning_who_posted(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    first = await post_anonymously(fake, world, "first")
    denied = await fake.context_menu("Remove anonymous post", first, world.you)
    assert "for moderators" in (await denied.response()).text
    assert not fake.messages_by_id[first.id].deleted

    label = await label_of(ready, first)
    asked = await (await fake.context_menu("Remove anonymous post", first, world.mod)).response()
    assert (
        asked.ephemeral
        and asked.message is not None
        and "Remove this anonymous post" in (asked.text)
    )
    await (await fake.click(asked.message, "Cancel", world.mod)).response()
    assert not fake.messages_by_id[first.id].deleted  # nothing without confirmation
    asked = await (await fake.context_menu("Remove anonymous post", first, world.mod)).response()
    assert asked.message is not None
    await (await fake.click(asked.message, "Remove post", world.mod)).response()
    removed = asked.message.text
    assert label in removed and str(world.you.user.id) not in removed
    assert fake.messages_by_id[first.id].deleted
    second = await post_anonymously(fake, world, "second")
    label2 = await label_of(ready, second)
    assert label2 != label  # one label per post: nothing links the two for moderators
    asked = await (await fake.context_menu("Block anonymous author", second, world.mod)).response()
    assert asked.message is not None and f"Block the author of `{label2}`" in asked.text
    await (await fake.click(asked.message, "Block author", world.mod)).response()
    blocked = asked.message.text
    assert "Blocked" in blocked and label2 in blocked and label not in blocked
    assert str(world.you.user.id) not in blocked
    actions = [(e.action, e.target) for e in await audit.recent(ready.db, world.guild.id)]
    assert ("checkins.anon_removed", label) in actions
    assert ("checkins.anon_blocked", label2) in actions

    told = await share(fake, await check_in(fake, world.you, "third"), world.you)
    assert "paused anonymous posting for you" in told and "saved privately" in told
    not_a_post = await fake.send_message(world.check_ins, world.owner, "hello")
    other = await fake.context_menu("Remove anonymous post", not_a_post, world.mod)
    assert "isn't an anonymous check-in post" in (await other.response()).text
    unknown = await fake.slash("checkin unblock", {"label": label}, world.mod, "general")
    assert "No blocked anonymous author" in (await unknown.response()).text
    unblock = await fake.slash("checkin unblock", {"label": label2}, world.mod, "general")
    assert "Lifted the block" in (await unblock.response()).text
    await post_anonymously(fake, world, "fourth")


async def test_rate_limit_per_pseudonym(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline, clock: FakeClock
) -> None:
    await configure(ready, world, anon_rate_per_hour=2)
    await post_anonymously(fake, world, "one")
    await post_anonymously(fake, world, "two")
    saved = await check_in(fake, world.you, "three")
    told = await share(fake, saved, world.you)
    assert t("en", "checkins.posting.rate_limited", limit=2, minutes=60) in told
    assert "saved privately" in told
    assert len(bot_posts(fake, world)) == 2
    other = await share(fake, await check_in(fake, world.owner, "owner's"), world.owner)
    assert "appear anonymously" in other  # the limit is per author
    clock.advance(timedelta(minutes=61))
    assert "appear anonymously" in await share(fake, saved, world.you)


async def test_approval_queue_in_the_alerts_channel(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    await configure(ready, world, approval_queue=True)
    told = await share(fake, await check_in(fake, world.you, "please approve me"), world.you)
    assert "A moderator will look at it" in told
    review = await fake.wait_for_message(world.mod_alerts, lambda m: "approve me" in m.text)
    assert "anon-" in review.text and str(world.you.user.id) not in review.text
    assert bot_posts(fake, world) == []
    denied = await (await fake.click(review, "Approve", world.you)).response()
    assert "for moderators" in denied.text
    approved = await (await fake.click(review, "Approve", world.mod)).response()
    assert approved.type == 7 and "approved" in review.text and review.buttons == []
    await fake.wait_for_message(world.check_ins, lambda m: "approve me" in m.text)

    await share(fake, await check_in(fake, world.you, "reject me"), world.you)
    review2 = await fake.wait_for_message(world.mod_alerts, lambda m: "reject me" in m.text)
    await (await fake.click(review2, "Reject", world.mod)).response()
    told_reject = await fake.wait_for_message(
        None, lambda m: "didn't approve" in m.text, include_ephemeral=True
    )
    assert told_reject.visible_to is world.you.user
    history = await (await fake.slash("checkin history", None, world.you, "general")).response()
    assert "not approved" in history.text
    assert [m for m in bot_posts(fake, world) if "reject me" in m.text] == []


async def test_crisis_checkin_dispatches_to_safety_and_is_held_for_review(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    flagged: list[tuple[Any, ...]] = []

    async def on_flag(interaction: discord.Interaction, detection: Any, ref: str) -> None:
        flagged.append((interaction.user.id, detection.severity, ref))

    ready.add_listener(on_flag, "on_checkin_flagged")
    saved = await check_in(fake, world.you, "I want to kill myself tonight", "1")
    await fake.wait_until(lambda: flagged or None, HANG_GUARD, "checkin_flagged")
    ref = saved.text.split("Reference ")[1].split()[0]
    assert flagged == [(world.you.user.id, "imminent", ref)]
    told = await share(fake, saved, world.you)
    assert "Because of what you wrote, a moderator will look at it" in told
    await fake.wait_for_message(world.mod_alerts, lambda m: "waiting for approval" in m.text)
    assert bot_posts(fake, world) == []
    await check_in(fake, world.you, "tired but ok", "3")
    assert len(flagged) == 1


@pytest.mark.parametrize(
    ("mood", "text", "problem"),
    [
        ("3", "   \n  ", "empty"),
        ("3", "\u200b\u200b\u2060", "empty"),
        ("3", "y" * 1001, "1,001 characters; the limit is 1,000"),
    ],
)
async def test_bad_input_is_refused_privately_and_can_be_retried(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline, mood: str, text: str, problem: str
) -> None:
    refused = await check_in(fake, world.you, text, mood)
    assert problem in refused.text and "Nothing was saved yet" in refused.text
    assert await ready.db.fetchval("SELECT COUNT(*) FROM checkins") == 0
    again = await (await fake.click(refused, "Try again", world.you)).modal_shown()
    fields = {c["component"]["custom_id"]: c["component"] for c in again["components"]}
    assert fields[BODY].get("value") == (text[:1000] if text.strip() else text or None)
    saved = await (await fake.submit_modal({MOOD: "2", BODY: "better now"}, world.you)).response()
    assert "Check-in saved" in saved.text


async def test_mood_is_a_select_of_five_and_nothing_else_is_accepted(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    shown = await (await fake.slash("checkin new", None, world.you, world.check_ins)).modal_shown()
    mood = next(
        c["component"]
        for c in shown["components"]
        if c.get("component", {}).get("custom_id") == MOOD
    )
    assert mood["type"] == 3  # a string select inside a label
    assert [o["value"] for o in mood["options"]] == ["1", "2", "3", "4", "5"]
    with pytest.raises(ValueError):
        await fake.submit_modal({MOOD: "7", BODY: "fine"}, world.you)
    assert await ready.db.fetchval("SELECT COUNT(*) FROM checkins") == 0


async def test_zalgo_and_emoji_only_are_accepted_cleanly(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    await check_in(fake, world.you, "😞💔", "1")
    zalgo = "s" + "\u0336\u0337\u0338\u0335" * 10 + "ad"
    post = await post_anonymously(fake, world, zalgo)
    assert post.embeds[0]["description"] == "s\u0336\u0337\u0338ad"
    bodies = [r[0] for r in await ready.db.fetchall("SELECT body FROM checkins ORDER BY id")]
    assert bodies == ["😞💔", "s\u0336\u0337\u0338ad"]


async def test_deleted_channel_or_missing_permission_keeps_the_checkin_private(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    saved = await check_in(fake, world.you, "still here")
    fake.faults.missing_permissions(POST_ROUTE)
    await share(fake, saved, world.you)
    failed = await fake.wait_for_message(None, lambda m: "couldn't be sent" in m.text,
                                         include_ephemeral=True)  # fmt: skip
    assert "missing a permission" in failed.text and "saved privately" in failed.text
    await fake.set_overwrite(
        world.check_ins, fake.bot_user, deny=discord.Permissions(send_messages=True)
    )
    told = await share(fake, await check_in(fake, world.you, "two"), world.you)
    assert "missing the" in told and "saved privately" in told
    await fake.delete_channel(world.check_ins)
    told = await share(fake, await check_in(fake, world.you, "three"), world.you)
    assert "no longer exists" in told and "saved privately" in told
    assert await ready.db.fetchval("SELECT COUNT(*) FROM checkins") == 3
    statuses = [r[0] for r in await ready.db.fetchall("SELECT status FROM anon_posts")]
    assert statuses == ["failed"]


async def test_todays_prompt_is_offered_in_the_modal_and_kept_with_the_entry(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline, clock: FakeClock
) -> None:
    prompt = "What is one thing you wish your partner understood today?"
    await ready.db.execute(
        "INSERT INTO prompt_posts (guild_id, local_date, status, prompt_text, scheduled_at) "
        "VALUES (?, ?, 'sent', ?, ?)",
        (world.guild.id, clock.now().date().isoformat(), prompt, "2026-03-02T09:00:00Z"),
    )
    modal = await (await fake.slash("checkin new", None, world.you, "general")).modal_shown()
    assert modal["components"][0]["type"] == 10 and prompt in modal["components"][0]["content"]
    await (await fake.submit_modal({MOOD: "4", BODY: "That I still care."}, world.you)).response()
    assert await ready.db.fetchval("SELECT prompt FROM checkins") == prompt


async def test_retention_deletes_old_checkins_and_their_posts_daily(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline, clock: FakeClock
) -> None:
    await configure(ready, world, retention_days=7)
    await check_in(fake, world.you, "old and private")
    old_post = await post_anonymously(fake, world, "old and public")
    clock.advance(timedelta(days=6))
    await check_in(fake, world.you, "recent")
    purged = asyncio.ensure_future(
        ready.wait_for(
            "checkin_retention_done", check=lambda removed: removed > 0, timeout=HANG_GUARD
        )
    )
    await asyncio.sleep(0)  # the listener is registered once the waiter has started
    clock.advance(timedelta(days=2))  # the first two are now 8 days old
    assert await purged == 2
    assert fake.messages_by_id[old_post.id].deleted
    bodies = [r[0] for r in await ready.db.fetchall("SELECT body FROM checkins")]
    assert bodies == ["recent"]
    assert await ready.db.fetchval("SELECT COUNT(*) FROM anon_posts") == 0


async def test_unblock_autocomplete_lists_blocked_labels_to_moderators_only(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    post = await post_anonymously(fake, world, "to be blocked")
    asked = await (await fake.context_menu("Block anonymous author", post, world.mod)).response()
    assert asked.message is not None
    await (await fake.click(asked.message, "Block author", world.mod)).response()
    assert "Blocked" in asked.message.text
    shown = await fake.autocomplete("checkin unblock", {}, "label", world.mod)
    assert len(shown) == 1 and shown[0]["name"].startswith("anon-")
    bystander = await fake.add_member(world.guild, "bystander")
    for member in (world.you, bystander):  # the blocked author, and any other member
        assert await fake.autocomplete("checkin unblock", {}, "label", member) == []


async def test_report_alerts_show_who_handled_them_and_disable_what_is_done(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    post = await post_anonymously(fake, world, "a post someone finds unkind")
    alert = await report(fake, world, post, world.owner, "It mocks <@1> and discord.gg/x")
    assert "Reason given" in alert.text and "It mocks" in alert.text
    assert "discord.gg" not in alert.text  # the reason is cleaned like a post
    assert str(world.owner.user.id) not in alert.text
    assert [b.get("disabled", False) for b in alert.buttons] == [False, False]

    # Removed through the context menu: the alert follows all the same.
    asked = await (await fake.context_menu("Remove anonymous post", post, world.mod)).response()
    assert asked.message is not None
    await (await fake.click(asked.message, "Remove post", world.mod)).response()
    await fake.wait_until(
        lambda: True if "Post removed by" in alert.text else None, what="alert updated"
    )
    assert f"Post removed by <@{world.mod.user.id}>" in alert.text
    assert "removed" in alert.embeds[0]["title"]
    assert [b["label"] for b in alert.buttons if b.get("disabled")] == ["Remove post"]

    told = await confirm(fake, alert, "Block author", world.owner)
    assert "Blocked" in told
    await fake.wait_until(
        lambda: True if "Author blocked by" in alert.text else None, what="alert updated"
    )
    assert f"Author blocked by <@{world.owner.user.id}>" in alert.text
    assert all(b.get("disabled") for b in alert.buttons)
    assert "Reason given" in alert.text  # the reporter's reason is kept


async def test_an_author_cannot_report_their_own_post_and_nobody_hears_of_it(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    post = await post_anonymously(fake, world, "my own words")
    before = len(fake.messages(world.mod_alerts))
    own = await (await fake.click(post, "Report", world.you)).response()
    assert own.type == 4 and own.ephemeral and "your own post" in own.text  # no form either
    assert len(fake.messages(world.mod_alerts)) == before
    assert await ready.db.fetchval("SELECT COUNT(*) FROM anon_reports") == 0


async def test_blocking_an_author_leaves_their_posts_waiting_for_approval_to_moderators(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    """Blocking cancels the author's posts still on their delay, tells the moderator nothing
    about them (a count, or closing other review messages, would show which posts share an
    author) and leaves the approval queue as it was; only the author is told, privately."""
    live = await post_anonymously(fake, world, "already out")
    await configure(ready, world, anon_delay_max_s=3600)
    told = await share(fake, await check_in(fake, world.you, "on its way"), world.you)
    assert "appear anonymously" in told
    await configure(ready, world, approval_queue=True)
    await share(fake, await check_in(fake, world.you, "waiting in the queue"), world.you)
    review = await fake.wait_for_message(world.mod_alerts, lambda m: "in the queue" in m.text)
    assert [b["label"] for b in review.buttons] == ["Approve", "Reject"]
    before = review.text

    asked = await (await fake.context_menu("Block anonymous author", live, world.mod)).response()
    assert asked.message is not None
    await (await fake.click(asked.message, "Block author", world.mod)).response()
    done = asked.message.text
    assert "Blocked" in done and "cancelled" not in done and "waiting" not in done
    statuses = dict(await ready.db.fetchall("SELECT body, status FROM anon_posts"))
    assert statuses == {
        "already out": "posted",
        "on its way": "rejected",
        "waiting in the queue": "awaiting_approval",
    }
    await asyncio.sleep(0)
    assert review.text == before  # the review stays open: moderators still decide
    assert [b["label"] for b in review.buttons] == ["Approve", "Reject"]
    (stored,) = [r[0] for r in await ready.db.fetchall("SELECT text FROM member_notes")]
    note = member_notes.shown(stored, "en")
    assert "1 post waiting to go out won't be posted" in note  # for the author alone
    rejected = await (await fake.click(review, "Reject", world.mod)).response()
    assert rejected.type == 7


async def test_a_report_alert_does_not_show_a_block_made_from_another_post(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    """The alert about one post shows what was done from that post only: a block made from the
    same author's other post would tell moderators the two posts share an author."""
    first = await post_anonymously(fake, world, "first of mine")
    second = await post_anonymously(fake, world, "second of mine")
    alert = await report(fake, world, second, world.owner, "")
    told = await from_menu(fake, "Block anonymous author", first, "Block author", world.mod)
    assert "Blocked" in told
    await confirm(fake, alert, "Remove post", world.mod)
    await fake.wait_until(
        lambda: True if "Post removed by" in alert.text else None, what="alert updated"
    )
    assert "blocked" not in alert.text.lower()
    assert [b["label"] for b in alert.buttons if not b.get("disabled")] == ["Block author"]
    told = await confirm(fake, alert, "Block author", world.mod)
    assert "Blocked the author of" in told and "already" not in told
