"""Request bodies are checked against the vendored spec subset and the documented limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.fakediscord import HANG_GUARD, FakeDiscord, StandardGuild
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
    await fake.wait_until(lambda: bot.errors or None, HANG_GUARD, "bot error")
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


MESSAGES = "POST /channels/{channel_id}/messages"
CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"


@pytest.mark.parametrize("key", ["message_id", "channel_id", "guild_id"])
def test_message_reference_ids_may_be_integers(key: str) -> None:
    ref = {"message_id": "1", key: 123}
    assert fake_spec.validate(MESSAGES, {"content": "x", "message_reference": ref}) == []
    for bad in (-1, "abc", 1.5):
        found = fake_spec.validate(MESSAGES, {"message_reference": {**ref, key: bad}})
        assert [v.path for v in found] == [f"$.message_reference.{key}"]


@pytest.mark.parametrize(("kind", "default_type"), [(5, "user"), (6, "role"), (8, "channel")])
def test_select_default_value_ids_may_be_integers(kind: int, default_type: str) -> None:
    def body(value: Any) -> dict[str, Any]:
        menu = {"type": kind, "custom_id": "s", "default_values": [value]}
        return {"components": [{"type": 1, "components": [menu]}]}

    assert fake_spec.validate(MESSAGES, body({"type": default_type, "id": 42})) == []
    assert fake_spec.validate(MESSAGES, body({"type": default_type, "id": "42"})) == []
    assert fake_spec.validate(MESSAGES, body({"type": default_type, "id": -42})) != []
    assert fake_spec.validate(MESSAGES, body({"type": default_type, "id": "me"})) != []
    assert fake_spec.validate(MESSAGES, body({"type": "nobody", "id": 42})) != []


@pytest.mark.parametrize("key", ["users", "roles"])
def test_allowed_mention_ids_may_be_integers_within_the_list_limits(key: str) -> None:
    data = {"content": "hi", "allowed_mentions": {key: [1, "2"]}}
    assert fake_spec.validate(MESSAGES, data) == []
    assert fake_spec.validate(CALLBACK, {"type": 4, "data": data}) == []
    for bad in ([-1], ["x"], [1, 1], list(range(101))):
        found = fake_spec.validate(MESSAGES, {"allowed_mentions": {key: bad}})
        assert found and all(v.path.startswith(f"$.allowed_mentions.{key}") for v in found)


def test_other_snowflakes_stay_strict() -> None:
    """The relaxations are per field; the shared SnowflakeType is unchanged."""
    assert fake_spec._subset()["components"]["schemas"]["SnowflakeType"]["type"] == "string"
    route = "PATCH /guilds/{guild_id}/members/{user_id}"
    assert fake_spec.validate(route, {"roles": [123]}) != []
    assert fake_spec.validate(route, {"roles": ["123"]}) == []
    assert fake_spec.validate(route, {"channel_id": 5}) != []
    allowed = {"allowed_mentions": {"parse": [1]}}
    assert fake_spec.validate(MESSAGES, allowed) != []


async def test_discord_py_replies_with_integer_reference_and_mentions(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    asked = await fake.send_message(world.general, world.you, "!reply")
    reply = await fake.wait_for_message(world.general)
    assert reply.reference_id == asked.id and reply.content == f"noted {world.you.mention}"
    (sent,) = [r.body for r in fake.requests if r.route == MESSAGES]
    assert isinstance(sent["message_reference"]["message_id"], int)
    assert sent["allowed_mentions"]["users"] == [world.you.id]
    assert sent["allowed_mentions"]["roles"] == [world.moderator_role.id]
    assert bot.errors == [] and fake.violations == []


async def test_discord_py_select_defaults_are_accepted(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    shown = (await (await fake.slash("defaults", user=world.you)).response()).message
    assert shown is not None and fake.violations == []
    defaults = {s["custom_id"]: s["default_values"] for s in shown.selects}
    assert defaults["u"] == [{"id": world.you.id, "type": "user"}]
    assert defaults["c"] == [{"id": world.general.id, "type": "channel"}]
    assert defaults["m"] == [
        {"id": world.you.id, "type": "user"},
        {"id": world.guild.id, "type": "role"},
    ]


def test_repeated_bodies_get_the_same_answer_from_the_cache() -> None:
    bad = {"type": 4, "data": {"content": 5}}
    first = fake_spec.validate(CALLBACK, bad)
    first.clear()  # callers get their own list
    again = fake_spec.validate(CALLBACK, {"data": {"content": 5}, "type": 4})  # key order
    assert [v.path for v in again] == ["$.data.content"]
    assert fake_spec.validate(CALLBACK, {"type": 4, "data": {"content": "5"}}) == []


def test_command_localisations_are_held_to_discords_rules() -> None:
    from bot.fakediscord.routing import limit_violations

    route = "PUT /applications/{application_id}/commands"

    def command(**extra: Any) -> dict[str, Any]:
        return {"name": "help", "description": "Help", "type": 1, **extra}

    good = command(
        name_localizations={"es-ES": "ayuda", "de": "hilfe"},
        description_localizations={"es-ES": "Ayuda"},
    )
    assert fake_spec.validate(route, [good]) == []
    assert limit_violations(route, [good]) == []
    unknown_locale = command(name_localizations={"es": "ayuda"})
    assert [v.path for v in fake_spec.validate(route, [unknown_locale])] == [
        "$[0].name_localizations"
    ]
    too_long = command(description_localizations={"fr": "x" * 101})
    assert fake_spec.validate(route, [too_long]) != []
    upper = command(name_localizations={"de": "Hilfe"})
    assert [v.path for v in limit_violations(route, [upper])] == ["$[0].name_localizations.de"]
    other = {"name": "faq", "description": "FAQ", "type": 1, "name_localizations": {"de": "hilfe"}}
    clash = limit_violations(route, [command(name_localizations={"de": "hilfe"}), other])
    assert [v.message for v in clash] == ["two siblings are both named 'hilfe' in de"]
    option = {"type": 3, "name": "topic", "description": "x", "name_localizations": {"fr": "x y"}}
    spaced = limit_violations(route, [command(options=[option])])
    assert [v.path for v in spaced] == ["$[0].options[0].name_localizations.fr"]
