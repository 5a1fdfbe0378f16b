"""The guidance commands in the member's language, through the fake Discord: a member whose
Discord is in Spanish (es-ES), German or French sees the wording (catalog) and the content
(Content.in_lang) in that language, and /script searches their language's scripts."""

from __future__ import annotations

from typing import Any

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.i18n import t
from bot.storage.guilds import update_settings
from bot.ui.embeds import clip


async def private_reply(
    fake: FakeDiscord, path: str, user: Any, options: dict[str, Any] | None = None
) -> FakeMessage:
    inter = await fake.slash(path, options, user, "general")
    response = await inter.response()
    assert response.ephemeral, f"/{path} answered publicly"
    assert response.message is not None
    return response.message


def embed(message: FakeMessage) -> dict[str, Any]:
    return dict(message.embeds[0])


async def test_a_spanish_member_reads_the_strategies_in_spanish(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    member = await fake.add_member(world.guild, "ana", locale="es-ES")
    spanish = bot.content.in_lang("es")
    shown = await private_reply(fake, "strategy list", member)
    assert embed(shown)["title"] == t("es", "guidance.strategy.list_title")
    assert t("es", "guidance.strategy.list_pick") in shown.text
    for strategy in spanish.strategies:
        assert strategy.title in shown.text
    menu = shown.selects[0]
    assert menu["placeholder"] == t("es", "guidance.strategy.select_placeholder")
    assert [o["label"] for o in menu["options"]] == [s.title for s in spanish.strategies]

    picked = await fake.select(shown, menu["custom_id"], ["boundaries"], member)
    opened = (await picked.response()).message
    assert opened is not None
    strategy = spanish.strategy("boundaries")
    assert strategy is not None and strategy.why in opened.text
    assert t("es", "guidance.strategy.when_field") in opened.text
    assert t("es", "guidance.strategy.page_why") in embed(opened)["footer"]["text"]


async def test_strategy_show_finds_a_spanish_or_english_name_and_answers_in_spanish(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    member = await fake.add_member(world.guild, "ana", locale="es-419")
    spanish, english = bot.content.in_lang("es"), bot.content
    for typed in (spanish.strategies[2].title, english.strategies[2].title):
        shown = await private_reply(fake, "strategy show", member, {"strategy": typed})
        assert embed(shown)["title"] == spanish.strategies[2].title
    refused = await private_reply(fake, "strategy show", member, {"strategy": "zzzz qqqq"})
    assert refused.text == t("es", "guidance.strategy.unknown")
    refused = await private_reply(fake, "strategy show", member, {"strategy": "42"})
    assert refused.text == t("es", "guidance.strategy.no_such_number", count=7)


async def test_script_search_in_spanish_finds_spanish_scripts_and_english_keywords_work(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    member = await fake.add_member(world.guild, "ana", locale="es-ES")
    spanish_scripts = {s.text for s in bot.content.in_lang("es").scripts}
    # Five words: under the meaning layer's six, so only the search answers. (Six, "no me habla
    # después de una pelea", the fine-tuned model reads as a sign of abuse: a known false
    # alarm on one silence after a fight, measured on blind_31s in the model README.)
    for situation in ("no habla tras una pelea", "won't talk after a fight"):
        found = await private_reply(fake, "script", member, {"situation": situation})
        assert embed(found)["title"] == t("es", "guidance.script.results_title")
        quoted = [f["value"].split("\n")[0].removeprefix("> ") for f in embed(found)["fields"]]
        assert quoted and all(q in spanish_scripts for q in quoted)
    nothing = await private_reply(fake, "script", member, {"situation": "qwerty asdf zxcv"})
    assert embed(nothing)["title"] == t("es", "guidance.script.none_title")
    offered = await fake.autocomplete("script", {"situation": "pelea"}, "situation", member)
    spanish_tags = {tag for s in bot.content.in_lang("es").scripts for tag in s.tags}
    assert offered and all(c["value"] in spanish_tags for c in offered)


async def test_reflect_and_faq_in_spanish(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    member = await fake.add_member(world.guild, "ana", locale="es-ES")
    spanish = bot.content.in_lang("es")
    shown = await private_reply(fake, "reflect", member)
    assert embed(shown)["title"] == t("es", "guidance.reflect.title")
    assert any(p.text in shown.text for p in spanish.reflection_prompts)
    another = t("es", "guidance.reflect.another")
    assert another in [b.get("label") for b in shown.buttons]
    turned = await fake.click(shown, another, member)
    await turned.response()
    assert any(p.text in shown.text for p in spanish.reflection_prompts)

    entry = spanish.faq[0]
    answered = await private_reply(fake, "faq", member, {"question": entry.question})
    assert embed(answered)["title"] == entry.question
    assert embed(answered)["description"] == entry.answer
    offered = await fake.autocomplete("faq", {"question": ""}, "question", member)
    assert [c["name"] for c in offered] == [clip(f.question, 100) for f in spanish.faq]


async def test_a_german_member_reads_why_and_the_warning_signs_in_german(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    member = await fake.add_member(world.guild, "kai", locale="de")
    german = bot.content.in_lang("de")
    why = await private_reply(fake, "why", member)
    assert embed(why)["title"] == t("de", "guidance.why.overview_title")
    assert why.selects[0]["placeholder"] == t("de", "guidance.why.select_placeholder")
    reason = german.withdrawal_reasons[0]
    picked = await fake.select(why, why.selects[0]["custom_id"], [reason.id], member)
    opened = (await picked.response()).message
    assert opened is not None and embed(opened)["title"] == reason.title
    assert t("de", "guidance.why.what_helps_field") in opened.text

    signs = await private_reply(fake, "warning-signs", member)
    assert embed(signs)["title"] == german.warning_signs.title
    assert t("de", "guidance.support.footer") in embed(signs)["footer"]["text"]
    assert t("de", "guidance.warning_signs.familiar_field") in signs.text


async def test_the_members_language_wins_and_the_servers_fills_in(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(bot.db, world.guild.id, language="fr")
    english = await private_reply(fake, "strategy steps", world.you)  # Discord in en-US
    assert embed(english)["title"] == t("en", "guidance.strategy.steps_title")
    other = await fake.add_member(world.guild, "yuki", locale="ja")  # not one of ours
    french = await private_reply(fake, "strategy steps", other)
    assert embed(french)["title"] == t("fr", "guidance.strategy.steps_title")
    assert t("fr", "guidance.browse.footer") == embed(french)["footer"]["text"]
