"""Request bodies are checked against the vendored spec subset and the documented limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.fakediscord import FakeDiscord, StandardGuild
from bot.fakediscord import spec as fake_spec
from bot.fakediscord.make_spec_subset import DEFAULT_SPEC, SUBSET_KEYS, build_subset


def test_valid_and_invalid_callback_bodies() -> None:
    route = "POST /interactions/{interaction_id}/{interaction_token}/callback"
    ok = {"type": 4, "data": {"content": "hi", "flags": 64}}
    assert fake_spec.validate(route, ok) == []
    bad = {"type": 4, "data": {"content": 5}}
    (violation,) = fake_spec.validate(route, bad)
    assert violation.path == "$.data.content"
    assert violation.schema.startswith("CreateMessageInteractionCallbackRequest#")


def test_dm_recipient_as_int_is_accepted_but_not_other_types() -> None:
    route = "POST /users/@me/channels"
    assert fake_spec.validate(route, {"recipient_id": 123}) == []
    assert fake_spec.validate(route, {"recipient_id": "123"}) == []
    assert fake_spec.validate(route, {"recipient_id": "abc"}) != []


def test_subset_matches_shared_spec() -> None:
    if not DEFAULT_SPEC.exists():
        pytest.skip(f"shared spec not found at {DEFAULT_SPEC}")
    fresh = build_subset(json.loads(DEFAULT_SPEC.read_text(encoding="utf-8")))
    vendored = json.loads(Path(fake_spec.SUBSET_PATH).read_text(encoding="utf-8"))
    for key in SUBSET_KEYS:
        assert fresh[key] == vendored[key], "spec_subset.json is stale: rerun make_spec_subset"


async def test_too_long_content_fails_with_path(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    inter = await fake.slash("long", {"size": 2001}, world.you, world.general)
    await fake.wait_until(lambda: bot.errors or None, 5, "bot error")
    assert bot.errors[0].status == 400 and bot.errors[0].code == 50035
    assert "data.content" in str(bot.errors[0])
    assert inter.callbacks == []
    assert {v.path for v in fake.violations} == {"$.data.content"}
    assert all("2001" in v.message for v in fake.violations)
    with pytest.raises(AssertionError, match=r"\$\.data\.content"):
        fake.assert_no_violations()
    assert fake.violations == []


async def test_limits_on_embeds_and_commands(fake: FakeDiscord, world: StandardGuild) -> None:
    from bot.fakediscord.routing import limit_violations

    embed = {"title": "t" * 257, "fields": [{"name": "n", "value": "v" * 1025}]}
    found = limit_violations("POST /channels/{channel_id}/messages", {"embeds": [embed]})
    assert [v.path for v in found] == ["$.embeds[0].title", "$.embeds[0].fields[0].value"]
    bad_cmd = [{"name": "Bad Name", "description": "", "type": 1}]
    found = limit_violations("PUT /applications/{application_id}/commands", bad_cmd)
    assert {v.path for v in found} == {"$[0].name", "$[0].description"}
