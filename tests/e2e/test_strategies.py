"""The guidance commands end to end, as a member sees them through the fake Discord:
/strategy list|show|random|steps, /script, /why, /reflect, /faq, /warning-signs, paging,
autocomplete and "Share in channel" (including when the bot may not post there)."""

from __future__ import annotations

from typing import Any

import discord

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, Overwrite, StandardGuild
from bot.ui.share import SHARED_FOOTER, SHARED_NOTE
from bot.ui.views import NOT_YOURS

SEND = discord.Permissions(send_messages=True).value


async def private_reply(
    fake: FakeDiscord, path: str, options: dict[str, Any] | None = None, user: Any = "you"
) -> FakeMessage:
    inter = await fake.slash(path, options, user, "general")
    response = await inter.response()
    assert response.ephemeral, f"/{path} answered publicly"
    assert response.message is not None
    return response.message


async def answer_to_click(fake: FakeDiscord, message: FakeMessage, label: str, user: Any = "you"):
    inter = await fake.click(message, label, user)
    return await inter.response()


def labels(message: FakeMessage) -> list[str]:
    return [b.get("label", "") for b in message.buttons]


async def test_strategy_list_names_all_seven_and_the_menu_opens_one(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(fake, "strategy list")
    for strategy in bot.content.strategies:
        assert strategy.title in shown.text
    menu = shown.selects[0]
    assert [o["value"] for o in menu["options"]] == [s.id for s in bot.content.strategies]
    assert "Share in channel" in labels(shown)

    picked = await fake.select(shown, menu["custom_id"], ["boundaries"], world.you)
    opened = await picked.response()
    assert opened.ephemeral and opened.message is not None
    assert "Boundaries around silence" in opened.message.text
    assert labels(opened.message)[:3] == ["Previous", "1 / 3", "Next"]


async def test_strategy_pages_turn_and_only_the_invoker_can_turn_them(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    strategy = bot.content.strategy("regulate-then-relate")
    assert strategy is not None
    shown = await private_reply(fake, "strategy show", {"strategy": strategy.id})
    assert strategy.why in shown.text and strategy.scripts[0].text not in shown.text
    assert shown.button("Previous").get("disabled")

    turned = await answer_to_click(fake, shown, "Next")
    assert turned.type == 7
    assert all(s.text in shown.text for s in strategy.scripts)
    assert strategy.fallback in shown.text and "2 / 3" in labels(shown)

    await answer_to_click(fake, shown, "Next")
    assert strategy.mistake in shown.text and "/resources show" in shown.text
    assert shown.button("Next").get("disabled")

    await answer_to_click(fake, shown, "Previous")
    assert "2 / 3" in labels(shown)

    stranger = await answer_to_click(fake, shown, "Next", world.mod)
    assert stranger.ephemeral and NOT_YOURS in stranger.text
    assert "2 / 3" in labels(shown), "someone else's click changed nothing"


async def test_strategy_show_autocomplete_and_free_text(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    choices = await fake.autocomplete("strategy show", {"strategy": "boundries"}, "strategy")
    assert choices[0] == {"name": "Boundaries around silence", "value": "boundaries"}
    everything = await fake.autocomplete("strategy show", {"strategy": ""}, "strategy")
    assert [c["value"] for c in everything] == [s.id for s in bot.content.strategies]

    typed = await private_reply(fake, "strategy show", {"strategy": "bite sized conversations"})
    assert "Bite-sized conversations" in typed.text

    unknown = await private_reply(fake, "strategy show", {"strategy": "how to bake bread"})
    assert "don't know a strategy" in unknown.text and not unknown.embeds


async def test_strategy_show_takes_any_case_and_the_number_from_the_list(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    third = bot.content.strategies[2]
    for typed in ("3", "#3", "Strategy 3", "third", "THREE", third.id.upper(), third.title.upper()):
        shown = await private_reply(fake, "strategy show", {"strategy": typed})
        assert shown.embeds and shown.embeds[0]["title"] == third.title, typed
    suggested = await fake.autocomplete("strategy show", {"strategy": "3"}, "strategy")
    assert suggested[0]["value"] == third.id
    too_far = await private_reply(fake, "strategy show", {"strategy": "8"})
    assert "give a number from 1 to 7" in too_far.text and not too_far.embeds


async def test_strategy_random_and_steps(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(fake, "strategy random")
    titles = [s.title for s in bot.content.strategies]
    assert shown.embeds[0]["title"] in titles
    assert "1 / 3" in labels(shown)

    steps = await private_reply(fake, "strategy steps")
    for step in bot.content.sequence:
        assert step.label in steps.text and f"/strategy show {step.strategy_id}" in steps.text


async def test_script_search_finds_words_for_situations_in_members_words(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    situations = {
        "he wont tlk to me after we argued": "Low-pressure openings",
        "its been 3 days of silence": "Boundaries around silence",
        "i said something awful and want to fix it": "Repair-ready language",
        "she only gives me one word answers": "Reflective listening",
        "every time we discuss money it turns into a 3 hour fight": "Bite-sized conversations",
        "we both need to cool down before we say something worse": "Regulate first, then relate",
        "how do i keep things warm between us day to day": "Daily emotional deposits",
    }
    for situation, title in situations.items():
        shown = await private_reply(fake, "script", {"situation": situation})
        embed = shown.embeds[0]
        scripts = [f for f in embed["fields"] if f["name"].startswith("From: ")]
        assert 1 <= len(scripts) <= 3  # plus, at most, a gentle check first
        assert len(embed["fields"]) - len(scripts) <= 1
        assert any(f"From: {title}" == f["name"] for f in scripts), situation
        assert situation not in shown.text, "the member's words are never echoed"
        assert "Share in channel" in labels(shown)


async def test_script_autocomplete_suggests_situations_despite_typos(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    choices = await fake.autocomplete("script", {"situation": "silent treatmnt"}, "situation")
    assert 0 < len(choices) <= 25
    assert any("silent" in c["name"].lower() for c in choices[:5])
    assert all(c["name"] == c["value"] for c in choices)


async def test_script_nothing_found_says_so_gently(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(fake, "script", {"situation": "qzxv plmk wrtn"})
    assert "No close match" in shown.text and "/strategy list" in shown.text


async def test_script_search_about_fear_or_punishment_gets_support_not_scripts(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    situation = "he ignores me for days to punish me and im scared of him"
    shown = await private_reply(fake, "script", {"situation": situation})
    assert "/resources show" in shown.text and "/warning-signs" in shown.text
    assert "Words you could use" not in shown.text
    assert all(s.text not in shown.text for s in bot.content.scripts)
    assert "counselling" not in shown.text.lower()
    assert "Share in channel" not in labels(shown), "a safety reply is never shareable"
    assert situation not in shown.text


async def test_script_search_describing_control_gets_support_not_scripts(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """Isolation, monitoring or money control is not something better words should fix, and a
    script such as 'I'm going to see my friend tonight' could raise the risk."""
    for situation in (
        "he checks my phone and wont let me see my friends",
        "she controls all the money and i have to ask for bus fare",
    ):
        shown = await private_reply(fake, "script", {"situation": situation})
        assert "Words you could use" not in shown.text, situation
        assert all(s.text not in shown.text for s in bot.content.scripts)
        assert "/resources show" in shown.text
        assert "Share in channel" not in labels(shown)


async def test_script_search_with_an_unclear_sign_offers_both_kinds_of_help(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(
        fake, "script", {"situation": "he goes quiet for a week every time and i just wait"}
    )
    fields = shown.embeds[0]["fields"]
    assert fields[0]["name"] == "First, a check" and "/resources show" in fields[0]["value"]
    assert any(f["name"].startswith("From: ") for f in fields[1:])


async def test_why_lists_reasons_and_the_control_reason_points_to_support(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(fake, "why")
    for reason in bot.content.withdrawal_reasons:
        assert reason.title in shown.text
    menu = shown.selects[0]

    control = next(r for r in bot.content.withdrawal_reasons if r.abuse_related)
    picked = await fake.select(shown, menu["custom_id"], [control.id], world.you)
    opened = (await picked.response()).message
    assert opened is not None and control.body in opened.text
    assert "/resources show" in opened.text and "/warning-signs" in opened.text
    assert "/strategy show" not in opened.text and "Strategies that fit" not in opened.text

    ordinary = next(r for r in bot.content.withdrawal_reasons if not r.abuse_related)
    picked = await fake.select(shown, menu["custom_id"], [ordinary.id], world.you)
    opened = (await picked.response()).message
    assert opened is not None and "Strategies that fit" in opened.text


async def test_reflect_gives_one_prompt_and_another_on_request(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    prompts = {p.text for p in bot.content.reflection_prompts}
    shown = await private_reply(fake, "reflect")

    def current() -> str:
        found = [p for p in prompts if p in shown.text]
        assert len(found) == 1
        return found[0]

    first = current()
    changed = await answer_to_click(fake, shown, "Another")
    assert changed.type == 7
    assert current() != first


async def test_faq_autocomplete_and_answers_with_support_near_the_member(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    choices = await fake.autocomplete("faq", {"question": "is it abuse"}, "question")
    assert choices[0]["value"] == "is-it-abuse"
    assert all(len(c["name"]) <= 100 for c in choices)

    entry = bot.content.faq_entry("is-it-abuse")
    assert entry is not None
    shown = await private_reply(fake, "faq", {"question": "is-it-abuse"})
    assert entry.answer in shown.text
    assert "/resources show" in shown.text and "Strategies that fit" not in shown.text
    directory = next(r for r in bot.content.resources if r.kind == "directory")
    assert directory.name in shown.text

    ordinary = await private_reply(fake, "faq", {"question": "should i ignore them back"})
    assert "Should I ignore my partner back?" in ordinary.text

    # free text that matches no question is never answered with a guess: the member picks
    unknown = await private_reply(fake, "faq", {"question": "what is the capital of peru"})
    assert "couldn't" in unknown.text
    assert all(f.answer[:60] not in unknown.text for f in bot.content.faq)


async def test_faq_free_text_offers_the_closest_questions_to_pick_from(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(fake, "faq", {"question": "is it normal that he goes quiet"})
    assert "Is it one of these?" in shown.text
    menu = shown.selects[0]
    assert 1 <= len(menu["options"]) <= 3
    picked = await fake.select(shown, menu["custom_id"], [menu["options"][0]["value"]], world.you)
    opened = await picked.reply()
    entry = bot.content.faq_entry(menu["options"][0]["value"])
    assert entry is not None and opened is not None and entry.question in opened.text
    other = await fake.select(shown, menu["custom_id"], [menu["options"][0]["value"]], world.mod)
    assert "someone else's reply" in (await other.response()).text


async def test_warning_signs_page_and_point_to_resources(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    signs = bot.content.warning_signs
    shown = await private_reply(fake, "warning-signs")
    assert all(s.title in shown.text for s in signs.signs)
    assert "/resources show" in shown.text
    await answer_to_click(fake, shown, "Next")
    assert all(c.control in shown.text for c in signs.contrasts)
    assert "/resources show" in shown.text


async def test_share_posts_an_anonymous_public_copy_once_without_pings(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(fake, "faq", {"question": "how-long-to-wait"})
    shared = await answer_to_click(fake, shown, "Share in channel")
    assert shared.ephemeral and "Posted a copy" in shared.text

    public = await fake.wait_for_message(world.general)
    assert not public.ephemeral and public.content == SHARED_NOTE
    assert public.embeds[0]["title"] == "How long should I wait before reaching out?"
    assert public.embeds[0]["footer"]["text"] == SHARED_FOOTER
    assert "you" not in public.content and str(world.you.id) not in public.text
    post = next(r for r in reversed(fake.requests) if r.route.endswith("/messages"))
    assert post.body["allowed_mentions"] == {"parse": []}

    again = await answer_to_click(fake, shown, "Share in channel")
    assert "already shared" in again.text
    posts = [m for m in fake.messages(world.general) if not m.ephemeral]
    assert len(posts) == 1


async def test_share_shares_the_page_on_show(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(fake, "strategy show", {"strategy": "repair-language"})
    await answer_to_click(fake, shown, "Next")
    await answer_to_click(fake, shown, "Share in channel")
    public = await fake.wait_for_message(world.general)
    assert public.embeds[0]["title"] == "Repair-ready language: what to say"


async def test_share_without_send_permission_explains_privately_and_posts_nothing(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    bot_role = next(r for r in world.guild.roles.values() if r.managed)
    quiet = await fake.add_channel(
        world.guild, "quiet", overwrites=[Overwrite(bot_role.id, 0, deny=SEND)]
    )
    inter = await fake.slash("strategy steps", None, world.you, quiet)
    shown = (await inter.response()).message
    assert shown is not None
    refused = await answer_to_click(fake, shown, "Share in channel")
    assert refused.ephemeral
    assert "can't post" in refused.text and "Send Messages" in refused.text
    assert [m for m in fake.messages(quiet) if not m.ephemeral] == []


async def test_share_refused_by_discord_is_explained_too(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await private_reply(fake, "reflect")
    fake.faults.missing_permissions("POST /channels/{channel_id}/messages")
    refused = await answer_to_click(fake, shown, "Share in channel")
    assert refused.ephemeral and "can't post" in refused.text
    assert [m for m in fake.messages(world.general) if not m.ephemeral] == []


# --- In the bot's DMs: the same private answers, without "Share in channel" --------------------


async def dm_reply(
    fake: FakeDiscord, path: str, options: dict[str, Any] | None = None, user: Any = "you"
) -> FakeMessage:
    inter = await fake.slash(path, options, user, fake.dm_channel(user))
    response = await inter.response()
    assert response.message is not None and response.message.channel.type == 1
    return response.message


async def test_strategy_show_in_a_dm_pages_without_a_share_button(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    strategy = bot.content.strategy("boundaries")
    assert strategy is not None
    in_server = await private_reply(fake, "strategy show", {"strategy": strategy.id})
    assert "Share in channel" in labels(in_server)

    shown = await dm_reply(fake, "strategy show", {"strategy": strategy.id})
    assert shown.embeds == in_server.embeds
    assert labels(shown) == ["Previous", "1 / 3", "Next"]
    turned = await answer_to_click(fake, shown, "Next")
    assert turned.type == 7 and "2 / 3" in labels(shown)
    assert strategy.scripts[0].text in shown.text


async def test_strategy_list_and_steps_in_a_dm(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    listed = await dm_reply(fake, "strategy list")
    assert all(s.title in listed.text for s in bot.content.strategies)
    assert labels(listed) == [], "no share button in DMs"
    menu = listed.selects[0]
    picked = await fake.select(listed, menu["custom_id"], ["boundaries"], world.you)
    opened = await picked.response()
    assert opened.message is not None and "Boundaries around silence" in opened.message.text
    assert "Share in channel" not in labels(opened.message)

    steps = await dm_reply(fake, "strategy steps")
    assert bot.content.sequence[0].label in steps.text and labels(steps) == []


async def test_script_in_a_dm_finds_words_and_gives_support_for_fear(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    words = await dm_reply(fake, "script", {"situation": "my partner ignores me after a fight"})
    assert "Words you could use" in words.text and labels(words) == []

    support = await dm_reply(fake, "script", {"situation": "im scared he will hurt me"})
    assert "Words you could use" not in support.text and "/resources show" in support.text
    assert "findahelpline.com" in support.text, "no server, so international services"
    assert labels(support) == []
