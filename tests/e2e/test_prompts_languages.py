"""Daily prompts in the server's language and /prompts replies in the moderator's, through the
fake Discord. Prompt ids are the same in every language, so changing the server's language
keeps the rotation (no prompt repeats)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.daily_prompts import PromptScheduler
from bot.daily_prompts.claims import recent_posts
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.i18n import t
from bot.storage.guilds import update_settings
from bot.ui.prompt_embeds import format_day, marker, thread_name


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def tick(bot: Bridgeline, clock: FakeClock, to: datetime) -> None:
    scheduler = getattr(bot, "prompt_scheduler", None)
    assert isinstance(scheduler, PromptScheduler)
    clock.set(to)
    await scheduler.run_due(clock.now())


async def ask(
    fake: FakeDiscord, path: str, options: dict[str, Any] | None = None, user: Any = "mod"
) -> FakeMessage:
    inter = await fake.slash(path, options, user, "general")
    reply = await inter.reply()
    assert reply.ephemeral
    return reply


def posts(fake: FakeDiscord, world: StandardGuild) -> list[FakeMessage]:
    return [m for m in fake.messages(world.daily_prompt) if m.author.id == fake.bot_user.id]


async def test_a_spanish_server_gets_spanish_posts_and_a_french_moderator_french_replies(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await update_settings(bot.db, world.guild.id, language="es")
    world.mod.user.locale = "fr"
    options = {"channel": world.daily_prompt, "time": "09:00", "timezone": "UTC", "thread": True}
    reply = await ask(fake, "prompts setup", options)
    assert reply.embeds[0]["title"] == t("fr", "prompts.setup.done_title")
    assert t("fr", "prompts.schedule.thread_on") in str(reply.embeds[0]["fields"])

    await tick(bot, clock, utc(2026, 3, 3, 9))
    (post,) = posts(fake, world)
    day = date(2026, 3, 3)
    spanish = {p.text for p in bot.content.in_lang("es").prompts}
    assert post.embeds[0]["description"] in spanish
    assert post.embeds[0]["title"] == t("es", "prompts.post.title", date=format_day(day, "es"))
    assert post.embeds[0]["footer"]["text"].startswith(marker(day, "es"))
    assert [b["label"] for b in post.buttons] == [t("es", "prompts.post.reflect_button")]
    thread = fake.channel(post.thread_id) if post.thread_id else None
    assert thread is not None and thread.name == thread_name(day, "es")

    paused = await ask(fake, "prompts pause")
    assert paused.text == t("fr", "prompts.replies.paused")
    again = await ask(fake, "prompts pause")
    assert again.text == t("fr", "prompts.replies.already_paused")
    status = await ask(fake, "prompts status")
    assert status.embeds[0]["title"] == t("fr", "prompts.status.title")
    assert t("fr", "prompts.pause_reasons.moderator") in str(status.embeds[0]["fields"])


async def test_changing_the_servers_language_keeps_the_rotation(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    await ask(fake, "prompts setup", {"channel": world.daily_prompt, "time": "09:00",
                                       "timezone": "UTC"})  # fmt: skip
    await tick(bot, clock, utc(2026, 3, 3, 9))
    await update_settings(bot.db, world.guild.id, language="pt")
    await tick(bot, clock, utc(2026, 3, 4, 9))
    first, second = posts(fake, world)
    assert first.embeds[0]["footer"]["text"].startswith(marker(date(2026, 3, 3), "en"))
    assert second.embeds[0]["footer"]["text"].startswith(marker(date(2026, 3, 4), "pt"))
    records = sorted(await recent_posts(bot.db, world.guild.id), key=lambda r: r.local_date)
    keys = [r.prompt_key for r in records]
    assert len(set(keys)) == 2, "no prompt repeats across the change"
    portuguese = bot.content.in_lang("pt").prompt(str(keys[1]).removeprefix("c:"))
    assert portuguese is not None and second.embeds[0]["description"] == portuguese.text


async def test_a_german_moderator_is_refused_in_german(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    world.mod.user.locale = "de"
    refused = await ask(fake, "prompts resume")
    assert refused.text == t("de", "prompts.replies.not_set_up")
    options = {"channel": world.daily_prompt, "time": "25:00", "timezone": "UTC"}
    refused = await ask(fake, "prompts setup", options)
    assert refused.text == t("de", "prompts.setup.bad_time", value="“25:00”")
    short = await ask(fake, "prompts add", {"text": "Hm?"})
    assert short.text == t("de", "prompts.custom.too_short", min=10)
    listed = await ask(fake, "prompts list")
    assert listed.embeds[0]["description"] == t("de", "prompts.custom.list_empty")
