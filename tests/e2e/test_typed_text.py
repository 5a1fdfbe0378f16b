"""Whatever a member types goes through the one safety scan: slash-command text (/faq, /script,
/strategy show, /prompts add, in a server or a DM) is answered with support instead of the
command when it reads like crisis, danger or control; the check-in modal's two text fields and
the anonymous-reply modal get the private reply and an imminent alert. Nothing is echoed."""

from __future__ import annotations

from typing import Any

from bot.client import Bridgeline
from bot.daily_prompts.custom import list_custom
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.safety_service.server_resources import list_resources
from bot.storage.guilds import update_settings

IMMINENT = "i'm going to kill myself tonight"
HITS = "my partner hits me, should we do couples therapy?"


def is_alert(message: FakeMessage) -> bool:
    return any("Safety alert" in (e.get("title") or "") for e in message.embeds)


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def labels(message: FakeMessage) -> list[str]:
    return [b.get("label") or "" for b in message.buttons]


async def configure(bot: Bridgeline, world: StandardGuild, **changes: Any) -> None:
    await update_settings(
        bot.db,
        world.guild.id,
        alerts_channel_id=world.mod_alerts.id,
        checkin_channel_id=world.check_ins.id,
        moderator_role_id=world.moderator_role.id,
        anon_delay_max_s=0,
        **changes,
    )


async def private(
    fake: FakeDiscord, command: str, options: dict[str, Any], user: Any, channel: Any = "general"
) -> FakeMessage:
    answer = await (await fake.slash(command, options, user, channel)).response()
    assert answer.ephemeral and answer.message is not None
    return answer.message


async def test_faq_about_a_partner_who_hits_gets_support_never_couples_counselling(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="US")
    shown = await private(fake, "faq", {"question": HITS}, world.you)
    text = shown.text
    assert "National Domestic Violence Hotline" in text and "not your fault" in text
    assert "call 911" in text  # danger at high shows the emergency number
    assert "couples" not in text.lower()
    assert "counsell" not in text.lower().replace("not a counsellor", "")
    assert "haven't run `/faq`" in text and "Nothing you typed was saved" in text
    assert all(entry.question not in text for entry in bot.content.faq)
    assert "hits" not in text and "therapy" not in text.lower()  # nothing echoed
    assert "Share in channel" not in labels(shown)


async def test_an_ordinary_faq_question_still_gets_its_answer(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    entry = bot.content.faq[0]
    shown = await private(fake, "faq", {"question": entry.id}, world.you)
    assert entry.question in shown.text and "haven't run" not in shown.text


async def test_imminent_text_in_faq_script_and_strategy_show_leads_with_the_number(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="GB")
    for command, option in (
        ("faq", "question"),
        ("script", "situation"),
        ("strategy show", "strategy"),
    ):
        shown = await private(fake, command, {option: IMMINENT}, world.you)
        assert "999" in first_line(shown.text), command
        assert "999" in first_line(shown.embeds[0]["description"]), command
        assert "Samaritans" in shown.text and "kill" not in shown.text.lower(), command
        assert "Words you could use" not in shown.text


async def test_a_command_in_a_dm_is_screened_too(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private(
        fake, "faq", {"question": IMMINENT}, world.you, fake.dm_channel(world.you)
    )
    assert "your local emergency number" in first_line(shown.text)
    assert "findahelpline.com" in shown.text


async def test_a_custom_prompt_that_reads_like_a_crisis_is_not_added(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="GB")
    shown = await private(fake, "prompts add", {"text": IMMINENT}, world.mod)
    assert "999" in first_line(shown.text) and "haven't run `/prompts add`" in shown.text
    assert await list_custom(bot.db, world.guild.id) == []
    fine = await private(
        fake, "prompts add", {"text": "What helped you rest this week?"}, world.mod
    )
    assert "haven't run" not in fine.text
    assert len(await list_custom(bot.db, world.guild.id)) == 1


async def test_resources_add_is_left_to_moderators(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """A service's description is about the service, not its typist: not screened."""
    candidates = ("Open 24/7 if you are scared of him", "For when he hits you or you are scared")
    notes = next((n for n in candidates if bot.scanner.scan(n).flagged), None)
    assert notes is not None, "need a description the scan flags"
    shown = await private(
        fake,
        "resources add",
        {
            "name": "Riverside Support",
            "topic": "abuse",
            "url": "https://example.org",
            "notes": notes,
        },
        world.mod,
    )
    assert "Added **Riverside Support**" in shown.text
    assert [r.name for r in await list_resources(bot.db, world.guild.id)] == ["Riverside Support"]


async def test_the_check_ins_what_would_help_field_is_read_too(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="GB")
    await (await fake.slash("checkin new", None, world.you, "general")).modal_shown()
    fields = {"checkin:mood": "2", "checkin:body": "A long week.", "checkin:help": IMMINENT}
    submitted = await fake.submit_modal(fields, world.you)
    saved = await submitted.response()
    ref = saved.text.split("Reference ")[1].split()[0]
    reply = (await submitted.followups(1))[0]
    assert reply.ephemeral and "999" in first_line(reply.text)
    assert "kill" not in reply.text.lower() and "tonight" not in reply.text
    alert = await fake.wait_for_message(world.mod_alerts, lambda m: is_alert(m) and ref in m.text)
    assert "IMMINENT" in alert.embeds[0]["title"] and "kill" not in alert.text


async def test_an_anonymous_reply_is_read_and_answered_privately(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="AU")
    await (await fake.slash("checkin new", None, world.you, "general")).modal_shown()
    fields = {"checkin:mood": "3", "checkin:body": "Is it normal to feel this tired?"}
    saved = await (await fake.submit_modal(fields, world.you)).response()
    assert saved.message is not None
    await (await fake.click(saved.message, "Post anonymously", world.you)).response()
    post = await fake.wait_for_message(world.check_ins)

    await (await fake.click(post, "Reply anonymously", world.mod)).modal_shown()
    submitted = await fake.submit_modal({"checkin:reply": IMMINENT}, world.mod)
    assert "Reply saved" in (await submitted.reply()).text
    reply = (await submitted.followups(1))[0]
    assert reply.ephemeral and "000" in first_line(reply.text) and "Lifeline" in reply.text
    assert "kill" not in reply.text.lower()
    alert = await fake.wait_for_message(world.mod_alerts, is_alert)
    assert "IMMINENT" in alert.embeds[0]["title"] and str(world.mod.user.id) not in alert.text


async def test_a_refused_check_in_is_still_read_and_not_shown_back(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """An invisible-only reflection is refused (nothing is saved, so no alert), but what the
    member typed beside it is read: the private reply follows, and the refusal does not show
    the flagged text back."""
    await configure(bot, world, region="NZ")
    await (await fake.slash("checkin new", None, world.you, "general")).modal_shown()
    fields = {"checkin:mood": "1", "checkin:body": "\u200b", "checkin:help": IMMINENT}
    submitted = await fake.submit_modal(fields, world.you)
    refused = await submitted.response()
    assert "Not saved yet" in refused.text and "kill" not in refused.text.lower()
    reply = (await submitted.followups(1))[0]
    assert reply.ephemeral and "111" in first_line(reply.text) and "1737" in reply.text
    assert "kill" not in reply.text.lower()
