"""Check-ins, anonymous posts and /privacy in the reader's language, through the fake Discord.

The member reads their own replies in their Discord language; the public post's framing and
what moderators see are in the server's language, and the member's own words are never
translated. Every expected text comes from the catalog (`t`), never typed out here.
"""

from __future__ import annotations

from typing import Any

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.i18n import t
from bot.storage.guilds import update_settings

MOOD, BODY = "checkin:mood", "checkin:body"
WORDS = "Hoy fue un día largo, pero hablé con una amiga."


async def configure(bot: Bridgeline, world: StandardGuild, **changes: Any) -> None:
    settings: dict[str, Any] = {
        "checkin_channel_id": world.check_ins.id,
        "alerts_channel_id": world.mod_alerts.id,
        "moderator_role_id": world.moderator_role.id,
        "anon_delay_max_s": 0,
        "anon_daily_tag": False,
    }
    await update_settings(bot.db, world.guild.id, **{**settings, **changes})


async def check_in(fake: FakeDiscord, member: Any, text: str) -> tuple[dict[str, Any], FakeMessage]:
    """/checkin new and the modal filled in; returns (the modal shown, the private reply)."""
    modal = await (await fake.slash("checkin new", None, member, "general")).modal_shown()
    answer = await (await fake.submit_modal({MOOD: "4", BODY: text}, member)).response()
    assert answer.ephemeral and answer.message is not None
    return modal, answer.message


async def post_it(fake: FakeDiscord, saved: FakeMessage, member: Any, lang: str) -> str:
    edits = len(saved.history)
    await (await fake.click(saved, t(lang, "checkins.posting.post_button"), member)).response()
    await fake.wait_until(lambda: True if len(saved.history) > edits else None, what="the edit")
    return saved.text


def modal_texts(modal: dict[str, Any]) -> list[str]:
    """The labels of the modal's Label components (mood, reflection, what would help)."""
    return [c["label"] for c in modal["components"] if "label" in c]


async def test_a_spanish_member_checks_in_and_posts_in_spanish_in_an_english_server(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    lucia = await fake.add_member(world.guild, "lucia", locale="es-ES")
    modal, saved = await check_in(fake, lucia, WORDS)
    assert modal["title"] == t("es", "checkins.modal.title")
    assert modal_texts(modal) == [
        t("es", f"checkins.modal.{k}") for k in ("mood_label", "body_label", "help_label")
    ]
    mood = modal["components"][0]["component"]
    assert mood["options"][3]["label"] == f"4 · {t('es', 'checkins.moods.4')}"
    embed = saved.embeds[0]
    assert embed["title"] == t("es", "checkins.saved.title")
    assert t("es", "checkins.saved.can_share") in embed["description"]
    assert [b["label"] for b in saved.buttons] == [t("es", "checkins.posting.post_button")]

    told = await post_it(fake, saved, lucia, "es")
    when = t("es", "checkins.posting.in_a_moment")
    channel = f"<#{world.check_ins.id}>"
    assert told.startswith(t("es", "checkins.posting.queued", channel=channel, when=when))

    post = await fake.wait_for_message(world.check_ins)
    # The server speaks English: the framing is English, her words stay exactly hers.
    assert post.embeds[0]["title"] == t("en", "checkins.post.checkin")
    assert post.embeds[0]["description"] == WORDS
    assert [b["label"] for b in post.buttons] == [
        t("en", "checkins.reply.button"),
        t("en", "checkins.report.button"),
    ]
    up = await fake.wait_for_message(
        None, lambda m: m.visible_to is lucia.user and m.text.startswith(
            t("es", "checkins.posting.posted", url="").strip()
        ), include_ephemeral=True,
    )  # fmt: skip
    assert up.text.endswith(f"/{world.check_ins.id}/{post.id}")  # the link to her post

    history = await (await fake.slash("checkin history", None, lucia, "general")).response()
    assert history.message is not None
    page = history.message.embeds[0]
    assert page["title"] == t("es", "checkins.history.title")
    assert t("es", "checkins.history.status.posted") in page["fields"][0]["name"]


async def test_a_german_server_frames_the_public_post_and_review_in_german(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, language="de", approval_queue=True)
    _, saved = await check_in(fake, world.you, "A quiet evening, finally.")
    assert saved.embeds[0]["title"] == t("en", "checkins.saved.title")  # an English client
    told = await post_it(fake, saved, world.you, "en")
    assert t("en", "checkins.posting.in_review", channel=f"<#{world.check_ins.id}>") in told

    review = await fake.wait_for_message(world.mod_alerts)
    assert review.embeds[0]["title"] == t("de", "checkins.review.title")
    assert review.embeds[0]["description"] == "A quiet evening, finally."
    assert [b["label"] for b in review.buttons] == [
        t("de", "checkins.moderators.approve"),
        t("de", "checkins.moderators.reject"),
    ]
    await (await fake.click(review, t("de", "checkins.moderators.approve"), world.mod)).response()
    post = await fake.wait_for_message(world.check_ins)
    assert post.embeds[0]["title"] == t("de", "checkins.post.checkin")
    assert post.embeds[0]["description"] == "A quiet evening, finally."
    assert post.embeds[0]["footer"]["text"] == t("de", "checkins.post.footer")


async def test_privacy_and_delete_answer_a_german_member_in_german(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world)
    jonas = await fake.add_member(world.guild, "jonas", locale="de")
    about = await (await fake.slash("privacy about", None, jonas, "general")).response()
    assert about.message is not None and about.ephemeral
    assert about.message.embeds[0]["title"] == t("de", "privacy.about_title")
    assert about.message.embeds[0]["description"] == t("de", "privacy.about")

    forget = await (await fake.slash("privacy forget", None, jonas, "general")).response()
    assert forget.message is not None
    assert forget.message.text == t("de", "privacy.forget_warning")
    assert t("de", "privacy.forget_button") in [b["label"] for b in forget.message.buttons]

    _, saved = await check_in(fake, jonas, "Heute war okay.")
    reference = saved.embeds[0]["footer"]["text"].split(" ")[1]
    assert saved.embeds[0]["footer"]["text"] == t("de", "checkins.saved.footer", ref=reference)
    deleted = await fake.slash("checkin delete", {"entry": reference}, jonas, "general")
    await deleted.response()
    done = await fake.wait_for_message(
        None, lambda m: reference in m.text and m.visible_to is jonas.user, include_ephemeral=True
    )
    assert done.text == t("de", "checkins.delete.done", ref=reference)


async def test_report_and_removal_each_reader_in_their_own_language(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """A French server: a Spanish author, a Brazilian reporter, a German moderator."""
    await configure(bot, world, language="fr")
    lucia = await fake.add_member(world.guild, "lucia", locale="es-ES")
    bia = await fake.add_member(world.guild, "bia", locale="pt-BR")
    max_ = await fake.add_member(world.guild, "max", roles=[world.moderator_role], locale="de")
    _, saved = await check_in(fake, lucia, WORDS)
    await post_it(fake, saved, lucia, "es")
    post = await fake.wait_for_message(world.check_ins)
    assert post.embeds[0]["title"] == t("fr", "checkins.post.checkin")

    modal = await (await fake.click(post, t("fr", "checkins.report.button"), bia)).modal_shown()
    assert modal["title"] == t("pt", "checkins.report.modal_title")
    fields = {"checkin:report_reason": "Não sei se isto está certo."}
    told = await (await fake.submit_modal(fields, bia)).response()
    assert told.ephemeral and told.text == t("pt", "checkins.report.sent")
    alert = await fake.wait_for_message(world.mod_alerts)
    assert alert.embeds[0]["title"] == t("fr", "checkins.alert.title")
    remove = t("fr", "checkins.moderators.remove_button")
    assert [b["label"] for b in alert.buttons] == [
        remove,
        t("fr", "checkins.moderators.block_button"),
    ]

    asked = await (await fake.click(alert, remove, max_)).response()
    assert asked.ephemeral and asked.message is not None
    label = alert.embeds[0]["fields"][0]["value"].split("`")[1]
    assert asked.text == t("de", "checkins.moderators.confirm_remove", label=label)
    done = await (await fake.click(asked.message, t("de", "checkins.moderators.remove_button"), max_)).response()  # fmt: skip
    assert done.type == 7
    assert asked.message.text == t("de", "checkins.moderators.removed", label=label)
    handled = t("fr", "checkins.alert.handled_removed", actor=max_.user.id)
    await fake.wait_until(lambda: True if handled in alert.text else None, what="alert updated")
    assert alert.embeds[0]["title"] == t("fr", "checkins.alert.removed_title")

    # Her post's "it is up" notice used her interaction: the note waits for her next command
    # and is then shown in her language.
    await (await fake.slash("checkin history", None, lucia, "general")).response()
    preview = t("es", "checkins.author_notes.removed", preview=WORDS)
    note = await fake.wait_for_message(
        None, lambda m: m.visible_to is lucia.user and preview in m.text, include_ephemeral=True
    )
    assert note.ephemeral


async def test_share_in_channel_speaks_to_the_member_in_their_language_and_to_the_server_in_its(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, language="fr")
    lucia = await fake.add_member(world.guild, "lucia", locale="es-ES")
    shown = await (await fake.slash("warning-signs", None, lucia, "general")).response()
    assert shown.message is not None
    share = t("es", "checkins.share.button")
    assert share in [b["label"] for b in shown.message.buttons]
    shared = await (await fake.click(shown.message, share, lucia)).response()
    assert shared.ephemeral
    assert shared.text == t("es", "checkins.share.done", channel=f"<#{world.general.id}>")
    public = await fake.wait_for_message(world.general)
    assert public.content == t("fr", "checkins.share.note")
    assert public.embeds[0]["footer"]["text"] == t("fr", "checkins.share.footer")
