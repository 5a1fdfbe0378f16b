"""Modals with Label components (discord.py 2.6+): text inputs and select menus inside labels."""

from __future__ import annotations

from typing import Any

import pytest

from bot.fakediscord import FakeDiscord, StandardGuild


async def open_survey(fake: FakeDiscord, world: StandardGuild) -> dict[str, Any]:
    inter = await fake.slash("survey", user=world.you, channel=world.general)
    return await inter.modal_shown()


async def test_label_fields_are_found_by_the_labels_text(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    modal = await open_survey(fake, world)
    words = next(c for c in modal["components"] if c.get("label") == "Your words")
    assert words["component"]["label"] is None  # why the Label's own text must be used
    submitted = await fake.submit_modal(
        {"Your words": "a long silence", "Mood": ["calm", "sad"], "Who": world.mod}, world.you
    )
    assert (await submitted.reply()).content == (
        "note='' words='a long silence' mood=['calm', 'sad'] who=['mod'] role=[]"
    )
    assert fake.violations == []


async def test_label_fields_by_custom_id_and_selects_by_id_or_name(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    await open_survey(fake, world)
    fields = {"words": "hi", "mood": "tense", "who": "you", "role": world.moderator_role}
    submitted = await fake.submit_modal({**fields, "Plain note": "p"}, world.you)
    reply = await submitted.reply()
    assert reply.content == "note='p' words='hi' mood=['tense'] who=['you'] role=['Moderator']"
    rows = submitted.data["components"]
    assert [r["type"] for r in rows] == [1, 18, 18, 18, 18]
    assert submitted.data["resolved"]["users"].keys() == {str(world.you.id)}
    assert submitted.data["resolved"]["roles"].keys() == {str(world.moderator_role.id)}


async def test_modal_answers_are_checked_like_the_client_does(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    await open_survey(fake, world)
    ok = {"Your words": "hi", "Mood": "calm", "Who": "mod"}
    with pytest.raises(ValueError, match="not among the options"):
        await fake.submit_modal({**ok, "Mood": "angry"}, world.you)
    with pytest.raises(ValueError, match="takes 1-2 value"):
        await fake.submit_modal({**ok, "Mood": ["calm", "sad", "tense"]}, world.you)
    with pytest.raises(ValueError, match="'Who' takes 1-1"):
        await fake.submit_modal({"Your words": "hi", "Mood": "calm"}, world.you)
    with pytest.raises(ValueError, match="'Your words' is required"):
        await fake.submit_modal({"Mood": "calm", "Who": "mod"}, world.you)
    with pytest.raises(LookupError, match=r"no field\(s\) \['Colour'\]"):
        await fake.submit_modal({**ok, "Colour": "red"}, world.you)
    submitted = await fake.submit_modal(ok, world.you)  # the modal is still open after mistakes
    assert "mood=['calm']" in (await submitted.reply()).content
