"""/privacy end to end: export of everything stored about a member, erasure after confirmation
(public posts taken down), and the anonymity guarantee: after a whole session of check-ins no
table holds the raw user id of an anonymous author, and no log line holds their text or id."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from test_checkins import check_in, configure, confirm, post_anonymously, report, share

from bot.checkins import member_data
from bot.checkins.datarights import Member, export_member
from bot.client import Bridgeline
from bot.fakediscord import HANG_GUARD, FakeDiscord, StandardGuild
from bot.privacy import pseudonym

pytestmark = pytest.mark.both_backends


@pytest.fixture
async def ready(fake: FakeDiscord, world: StandardGuild, bot: Bridgeline) -> Bridgeline:
    await configure(bot, world)
    return bot


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What goes into the attached JSON (the fake keeps only an attachment's name and size)."""
    captured: list[dict[str, Any]] = []

    async def capture(db: Any, member: Member) -> dict[str, Any]:
        data = await export_member(db, member)
        captured.append(json.loads(json.dumps(data)))  # as the file holds it
        return data

    monkeypatch.setattr(member_data, "export_member", capture)
    return captured


async def test_export_sends_every_table_with_their_data_privately(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline, exported: list[dict[str, Any]]
) -> None:
    await check_in(fake, world.you, "private thoughts", "2", "sleep")
    await post_anonymously(fake, world, "shared thoughts")
    await (await fake.slash("resources region", {"region": "GB"}, world.you, "general")).response()
    await share(fake, await check_in(fake, world.owner, "the owner's post"), world.owner)
    owners = await fake.wait_for_message(world.check_ins, lambda m: "owner's post" in m.text)
    await report(fake, world, owners, world.you, "")  # reporting counts too
    await check_in(fake, world.owner, "the owner's entry")

    command = await fake.slash("privacy export", None, world.you, "general")
    (message,) = await command.followups(1)
    assert message.ephemeral and message.visible_to is world.you.user
    assert [a["filename"] for a in message.attachments] == ["bridgeline-my-data.json"]
    assert message.attachments[0]["size"] > 200
    (data,) = exported
    tables = data["tables"]
    assert sorted(c["body"] for c in tables["checkins"]) == ["private thoughts", "shared thoughts"]
    assert [p["body"] for p in tables["anon_posts"]] == ["shared thoughts"]
    assert tables["member_regions"][0]["region"] == "GB"  # another feature's table, discovered
    assert len(tables["anon_reports"]) == 1
    mine = pseudonym(ready.settings.secret, world.guild.id, world.you.user.id)
    assert data["your_pseudonym"] == mine
    assert tables["anon_posts"][0]["label"] in data["your_anonymous_labels"]
    assert "the owner's entry" not in json.dumps(data) and "owner's post" not in json.dumps(data)


async def test_forget_asks_first_then_deletes_everything_posts_included(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    await check_in(fake, world.you, "private")
    post = await post_anonymously(fake, world, "public")
    await check_in(fake, world.owner, "the owner's entry")
    reported = await report(fake, world, post, world.owner, "")
    await configure(ready, world, approval_queue=True)
    await share(fake, await check_in(fake, world.you, "waiting for review"), world.you)
    review = await fake.wait_for_message(
        world.mod_alerts, lambda m: "waiting for approval" in m.text
    )

    cancel = await fake.slash("privacy forget", None, world.you, "general")
    asked = (await cancel.response()).message
    assert asked is not None and "can't be undone" in asked.text
    await (await fake.click(asked, "Cancel", world.you)).response()
    assert await ready.db.fetchval("SELECT COUNT(*) FROM checkins") == 4

    forget = await fake.slash("privacy forget", None, world.you, "general")
    confirm = (await forget.response()).message
    assert confirm is not None
    pressed = await fake.click(confirm, "Delete everything", world.you)
    assert (await pressed.response()).type == 7
    await fake.wait_until(lambda: True if "Done." in confirm.text else None, HANG_GUARD, "forget")
    assert "Everything Bridgeline kept about you in this server is deleted" in confirm.text
    for quoted in (post, reported, review):  # the post and every message quoting it
        assert fake.messages_by_id[quoted.id].deleted
    secret = ready.settings.secret
    mine = Member(world.guild.id, world.you.user.id,
                  pseudonym(secret, world.guild.id, world.you.user.id), secret)  # fmt: skip
    assert (await export_member(ready.db, mine))["tables"] == {}
    assert await ready.db.fetchval("SELECT COUNT(*) FROM checkins") == 1  # the owner's


async def test_forget_keeps_a_moderation_block(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    post = await post_anonymously(fake, world, "something")
    asked = await (await fake.context_menu("Block anonymous author", post, world.mod)).response()
    assert asked.message is not None
    await (await fake.click(asked.message, "Block author", world.mod)).response()
    forget = await fake.slash("privacy forget", None, world.you, "general")
    confirm = (await forget.response()).message
    assert confirm is not None and "moderation block" in confirm.text
    await (await fake.click(confirm, "Delete everything", world.you)).response()
    await fake.wait_until(lambda: True if "Done." in confirm.text else None, HANG_GUARD, "forget")
    told = await share(fake, await check_in(fake, world.you, "again"), world.you)
    assert "paused anonymous posting for you" in told


def _dump(rows_by_table: dict[str, list[dict[str, Any]]], needle: int) -> list[str]:
    """Every (table, column) whose value is the id as an int or inside text."""
    hits = []
    for table, rows in rows_by_table.items():
        for row in rows:
            for column, value in row.items():
                if value == needle or (
                    isinstance(value, str | bytes) and str(needle) in str(value)
                ):
                    hits.append(f"{table}.{column}")
    return hits


async def test_no_table_holds_an_anonymous_authors_user_id_and_logs_hold_no_text(
    fake: FakeDiscord,
    world: StandardGuild,
    ready: Bridgeline,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    author = world.you.user.id
    secret_text = "my partner has not spoken to me for nine days"
    await check_in(fake, world.you, secret_text, "2", "a hug")
    post = await post_anonymously(fake, world, "anonymous and sad")
    await (await fake.click(post, "Reply anonymously", world.you)).modal_shown()
    await (await fake.submit_modal({"checkin:reply": "replying to myself"}, world.you)).reply()
    alert = await report(fake, world, post, world.owner, "reason")
    flagged = await check_in(fake, world.you, "I want to kill myself tonight", "1")
    await fake.wait_for_message(world.mod_alerts, lambda m: "alert" in m.text.lower())
    await configure(ready, world, approval_queue=True)
    await share(fake, await check_in(fake, world.you, "queued one"), world.you)
    await confirm(fake, alert, "Block author", world.mod)
    await (await fake.slash("checkin history", None, world.you, "general")).response()
    assert flagged.ephemeral

    async with ready.db.session() as conn:
        tables = await conn.table_names()
    dump = {t: [dict(r) for r in await ready.db.fetchall(f'SELECT * FROM "{t}"')] for t in tables}
    assert sum(len(rows) for rows in dump.values()) > 10  # the session really stored things
    assert _dump(dump, author) == []
    assert _dump(dump, world.mod.user.id) != []  # the search works: the moderator is audited

    ours = ("bot.checkins", "cogs.checkins", "cogs.privacy", "bot.privacy")
    for record in caplog.records:
        line = record.getMessage()
        if record.name.startswith(("bot.", "cogs.")):
            for text in (secret_text, "anonymous and sad", "replying to myself", "kill myself"):
                assert text not in line, f"{record.name} logged check-in text"
        if record.name.startswith(ours):
            assert str(author) not in line, f"{record.name} logged the author's id"


async def test_privacy_about_explains_the_threat_model(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    about = await (await fake.slash("privacy about", None, world.you, "general")).response()
    assert about.ephemeral
    assert "never your user id" in about.text and "bot's secret key" in about.text
    assert "Discord itself" in about.text


async def test_anonymous_posting_promises_only_what_the_threat_model_allows(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    saved = await check_in(fake, world.you, "a thought to share")
    offered = saved.text  # before pressing: the message is then edited
    told = await share(fake, saved, world.you)
    await (await fake.click(await post_anonymously(fake, world, "x"), "Reply anonymously",
                            world.you)).modal_shown()  # fmt: skip
    placeholder = str(fake.modals[world.you.user.id].modal)
    for text in (offered, told, placeholder):
        assert "nobody" not in text.lower() and "moderators included" not in text
        assert "aren't shown" in text
    assert "Whoever runs the bot could find out" in offered
    assert "/privacy about" in offered and "/privacy about" in told
