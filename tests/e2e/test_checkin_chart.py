"""/checkin history's mood chart through the fake Discord: a real PNG (decoded here) of the
member's own days only, private, with alt text; 30 or 90 days; the text sparkline stays."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import HANG_GUARD, FakeDiscord, StandardGuild
from bot.moodchart.render import BACKGROUND, HEIGHT, POINT, STREAK, STREAK_Y, WIDTH, Geometry
from bot.storage.guilds import update_settings

MOOD, BODY = "checkin:mood", "checkin:body"


@pytest.fixture
async def ready(fake: FakeDiscord, world: StandardGuild, bot: Bridgeline) -> Bridgeline:
    await update_settings(bot.db, world.guild.id, checkin_channel_id=world.check_ins.id)
    return bot


async def check_in(fake: FakeDiscord, user: Any, mood: str) -> None:
    await (await fake.slash("checkin new", None, user, "general")).modal_shown()
    answer = await (await fake.submit_modal({MOOD: mood, BODY: "today"}, user)).response()
    assert answer.ephemeral


async def history(fake: FakeDiscord, user: Any, days: int | None = None) -> tuple[Any, Image.Image]:
    options = {"days": days} if days else None
    shown = await (await fake.slash("checkin history", options, user, "general")).response()
    assert shown.ephemeral and shown.message is not None  # private to the member
    (attachment,) = shown.message.attachments
    data = fake.attachment_data[int(attachment["id"])]
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes the whole PNG (raises if it is not one)
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    assert not image.info.get("Comment") and not getattr(image, "text", {})  # pixels only
    return shown.message, image.convert("RGB")


def has_point(image: Image.Image, x: int, y: int) -> bool:
    return image.getpixel((x, y)) == POINT


def column_has_point(image: Image.Image, x: int) -> bool:
    return any(image.getpixel((x, y)) == POINT for y in range(HEIGHT))


async def test_chart_shows_only_the_members_own_days(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline, clock: FakeClock
) -> None:
    # Day 0: only the owner checks in. Days 1-3: you (1, 3, 5); the owner again on day 2.
    await check_in(fake, world.owner, "2")
    for day, mood in enumerate(("1", "3", "5"), start=1):
        clock.advance(timedelta(days=1))
        await check_in(fake, world.you, mood)
        if day == 2:
            await check_in(fake, world.owner, "4")

    message, image = await history(fake, world.you)
    attachment = message.attachments[0]
    assert attachment["filename"] == "mood-30-days.png"
    alt = attachment["description"]
    assert "last 30 days" in alt and "3 days with a check-in" in alt and "average 3.0" in alt
    assert "Current streak: 3 days" in alt
    assert "`" in message.text and "Streak: **3** days" in message.text  # sparkline stays

    geo = Geometry(30)
    today = 29  # index of today in a 30-day window
    for index, mood in ((today - 2, 1), (today - 1, 3), (today, 5)):
        assert has_point(image, geo.x(index), geo.y(mood)), (index, mood)
        assert image.getpixel((geo.x(index), STREAK_Y)) == STREAK
    owner_only_day = geo.x(today - 3)
    assert not column_has_point(image, owner_only_day)  # the owner's day 0 is not drawn
    assert image.getpixel((owner_only_day, STREAK_Y)) == BACKGROUND
    assert not has_point(image, geo.x(today - 1), geo.y(4))  # nor their mood on day 2


async def test_ninety_days_and_an_empty_chart(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    message, image = await history(fake, world.you, 90)
    assert message.attachments[0]["filename"] == "mood-90-days.png"
    assert "no check-ins yet" in message.attachments[0]["description"]
    assert not any(column_has_point(image, Geometry(90).x(i)) for i in range(90))

    await check_in(fake, world.you, "4")
    message, image = await history(fake, world.you, 90)
    assert has_point(image, Geometry(90).x(89), Geometry.y(4))


async def test_a_repeat_view_reuses_the_chart_until_the_days_change(
    fake: FakeDiscord,
    world: StandardGuild,
    ready: Bridgeline,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Drawing holds the GIL for milliseconds (issue 16): an unchanged chart is not drawn
    again, and a new check-in, another window or another member's view draws afresh."""
    from bot.moodchart import attach

    drawn: list[int] = []
    real = attach.render_png

    def counting(series: Any, lang: str) -> bytes:
        drawn.append(len(series.days))
        return real(series, lang)

    monkeypatch.setattr(attach, "render_png", counting)
    await check_in(fake, world.you, "3")
    first, image = await history(fake, world.you)
    again, same = await history(fake, world.you)
    assert len(drawn) == 1  # the second view drew nothing
    assert same.tobytes() == image.tobytes()
    assert again.attachments[0]["description"] == first.attachments[0]["description"]
    await check_in(fake, world.you, "5")
    _, changed = await history(fake, world.you)
    assert len(drawn) == 2 and changed.tobytes() != image.tobytes()
    await history(fake, world.you, days=90)
    await history(fake, world.owner)
    assert drawn == [30, 30, 90, 30]


async def test_erasing_my_data_drops_my_chart_from_memory(
    fake: FakeDiscord, world: StandardGuild, ready: Bridgeline
) -> None:
    """The cache holds only pixels the member was shown, but erasing means erasing."""
    await check_in(fake, world.you, "4")
    await history(fake, world.you)
    charts = ready.get_cog("CheckIns").charts  # type: ignore[union-attr]
    assert len(charts) == 1
    forget = await fake.slash("privacy forget", None, world.you, "general")
    confirm = (await forget.response()).message
    assert confirm is not None
    await (await fake.click(confirm, "Delete everything", world.you)).response()
    await fake.wait_until(lambda: True if "Done." in confirm.text else None, HANG_GUARD, "forget")
    assert len(charts) == 0
