"""/resources end to end: private listing by topic and region, a member's own region (also used
by safety replies), the public post and the server's own entries, with permission checks."""

from __future__ import annotations

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild
from bot.privacy import pseudonym
from bot.storage import audit
from bot.storage.guilds import update_settings

MODERATORS_ONLY = "This is for moderators"


async def run(fake: FakeDiscord, path: str, options: dict | None, user, channel="general"):
    inter = await fake.slash(path, options, user, channel)
    return await inter.response()


async def test_show_is_private_and_follows_topic_and_region(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    default = await run(fake, "resources show", None, world.you)
    assert default.ephemeral
    assert "findahelpline.com" in default.text and "this server's default" in default.text
    assert "your local emergency number" in default.text  # INTL: no country number guessed

    gb = await run(fake, "resources show", {"topic": "crisis", "region": "GB"}, world.you)
    assert "Samaritans" in gb.text and "999" in gb.text and "press 55" in gb.text
    assert "Domestic Abuse Helpline" not in gb.text

    abuse = await run(fake, "resources show", {"topic": "abuse", "region": "GB"}, world.you)
    assert "National Domestic Abuse Helpline" in abuse.text
    assert "Relate" not in abuse.text and "Counselling" not in abuse.text  # never for abuse

    everything = await run(fake, "resources show", {"region": "GB"}, world.you)
    assert (
        "Relate" in everything.text and "couples counselling is not recommended" in everything.text
    )

    unknown = await run(fake, "resources show", {"region": "Atlantis"}, world.you)
    assert unknown.ephemeral and "Pick a region from the list" in unknown.text
    assert fake.messages(world.general) == []


async def test_autocomplete_offers_regions_and_topics(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    regions = await fake.autocomplete("resources show", {}, "region", world.you)
    assert {c["value"] for c in regions} >= {"US", "GB", "AU", "INTL"}
    united = await fake.autocomplete("resources show", {"region": "united"}, "region", world.you)
    assert [c["value"] for c in united] == ["US", "GB"]
    topics = await fake.autocomplete("resources show", {"topic": "abu"}, "topic", world.you)
    assert [c["value"] for c in topics] == ["abuse"]
    own = await fake.autocomplete("resources region", {"region": ""}, "region", world.you)
    assert own[0]["value"] == "default"


async def test_members_region_is_stored_by_pseudonym_and_used_everywhere(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(bot.db, world.guild.id, region="US", safety_mode="dm")
    chosen = await run(fake, "resources region", {"region": "NZ"}, world.you)
    assert chosen.ephemeral and "New Zealand" in chosen.text
    rows = await bot.db.fetchall("SELECT * FROM member_regions")
    assert [(r["pseudonym"], r["region"]) for r in rows] == [
        (pseudonym(bot.settings.secret, world.guild.id, world.you.user.id), "NZ")
    ]
    assert str(world.you.user.id) not in str([tuple(r) for r in rows])

    shown = await run(fake, "resources show", {"topic": "crisis"}, world.you)
    assert "1737" in shown.text and "your choice" in shown.text
    other = await run(fake, "resources show", {"topic": "crisis"}, world.mod)
    assert "988" in other.text  # everyone else still sees the server's region

    await fake.send_message(world.general, world.you, "i want to die")
    dm = await fake.wait_for_dm(world.you)
    assert "1737" in dm.text and "988" not in dm.text

    await run(fake, "resources region", {"region": "default"}, world.you)
    assert await bot.db.fetchall("SELECT * FROM member_regions") == []


async def test_post_is_public_and_for_moderators_only(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    refused = await run(fake, "resources post", {"topic": "crisis"}, world.you)
    assert refused.ephemeral and MODERATORS_ONLY in refused.text

    await update_settings(bot.db, world.guild.id, region="IE")
    posted = await run(fake, "resources post", {"topic": "crisis"}, world.mod)
    assert not posted.ephemeral
    assert "Samaritans Ireland" in posted.text and "50808" in posted.text
    assert posted.message in fake.messages(world.general)
    trail = await audit.recent(bot.db, world.guild.id)
    assert (trail[0].action, trail[0].actor_id, trail[0].detail) == (
        "resources.post",
        world.mod.user.id,
        "crisis / IE",
    )


async def test_server_entries_are_validated_listed_and_removed_by_moderators(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    entry = {
        "name": "Riverside Counselling Centre",
        "topic": "counselling",
        "phone": "+44 20 7946 0000",
        "url": "https://riverside.example.org",
        "notes": "Mon-Fri 9-5, sliding scale",
        "region": "GB",
    }
    for path, options in (
        ("resources add", entry),
        ("resources remove", {"name": "Riverside Counselling Centre"}),
        ("resources list", None),
    ):
        refused = await run(fake, path, options, world.you)
        assert refused.ephemeral and MODERATORS_ONLY in refused.text, path

    bad_phone = await run(fake, "resources add", {**entry, "phone": "call us"}, world.mod)
    assert "phone number doesn't look right" in bad_phone.text
    bad_url = await run(
        fake, "resources add", {**entry, "url": "http://riverside.example.org"}, world.mod
    )
    assert "https://" in bad_url.text
    neither = await run(fake, "resources add", {"name": "Nothing", "topic": "other"}, world.mod)
    assert "phone number or a website" in neither.text

    added = await run(fake, "resources add", entry, world.mod)
    assert added.ephemeral and "Added **Riverside Counselling Centre**" in added.text
    again = await run(fake, "resources add", entry, world.mod)
    assert "already a resource called" in again.text

    listed = await run(fake, "resources list", None, world.mod)
    assert "Riverside Counselling Centre" in listed.text and "+44 20 7946 0000" in listed.text
    shown = await run(fake, "resources show", {"topic": "counselling", "region": "GB"}, world.you)
    assert "Riverside Counselling Centre" in shown.text and "Added by this server" in shown.text
    abuse = await run(fake, "resources show", {"topic": "abuse", "region": "GB"}, world.you)
    assert "Riverside" not in abuse.text

    choices = await fake.autocomplete("resources remove", {"name": "river"}, "name", world.mod)
    assert [c["value"] for c in choices] == ["Riverside Counselling Centre"]
    removed = await run(
        fake, "resources remove", {"name": "riverside counselling centre"}, world.mod
    )
    assert "Removed **Riverside Counselling Centre**" in removed.text
    missing = await run(fake, "resources remove", {"name": "Riverside"}, world.mod)
    assert "no resource by that name" in missing.text

    actions = [e.action for e in await audit.recent(bot.db, world.guild.id)]
    assert actions[:2] == ["resources.remove", "resources.add"]


async def test_server_entries_are_shown_only_in_their_region_and_disguises_are_refused(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(bot.db, world.guild.id, region="GB")
    police = {"name": "Police", "topic": "crisis", "phone": "999", "notes": "if in danger"}
    added = await run(fake, "resources add", police, world.mod)  # the server's region
    assert "Added **Police** for members in United Kingdom" in added.text
    local = {"name": "Town Helpline", "topic": "crisis", "url": "https://town.example.org"}
    await run(fake, "resources add", {**local, "region": "everywhere"}, world.mod)

    uk = await run(fake, "resources show", {"topic": "crisis", "region": "GB"}, world.you)
    assert "Police" in uk.text and "Town Helpline" in uk.text
    australia = await run(fake, "resources show", {"topic": "crisis", "region": "AU"}, world.you)
    assert "999" not in australia.text and "Police" not in australia.text
    assert "Town Helpline" in australia.text
    posted = await fake.slash("resources post", {"topic": "crisis", "region": "AU"}, world.mod)
    assert "Police" not in (await posted.response()).text
    listed = await run(fake, "resources list", None, world.mod)
    assert "United Kingdom · **Police**" in listed.text and "everywhere · **Town" in listed.text

    everywhere = {"name": "Ambulance", "topic": "crisis", "phone": "112", "region": "everywhere"}
    refused = await run(fake, "resources add", everywhere, world.mod)
    assert "Emergency numbers work in one country only" in refused.text
    for bad, problem in (
        ({"name": "Help\u202eenilpleh", "phone": "0800 123 456"}, "invisible characters (U+202E)"),
        ({"name": "Helpline", "phone": "0800\u200b123 456"}, "invisible characters (U+200B)"),
        ({"name": "Helpline", "phone": "0800 123 456", "notes": "chat: discord.gg/abc"}, "invite"),
        ({"name": "Helpline", "url": "https://discord.com/invite/abc"}, "invite"),
    ):
        answer = await run(fake, "resources add", {"topic": "other", **bad}, world.mod)
        assert problem in answer.text, (bad, answer.text)
    names = [r["name"] for r in await bot.db.fetchall("SELECT name FROM server_resources")]
    assert sorted(names) == ["Police", "Town Helpline"]


async def test_choosing_germany_lists_the_german_lines_and_safety_replies_use_them(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(bot.db, world.guild.id, region="US", safety_mode="dm")
    offered = await fake.autocomplete(
        "resources region", {"region": "deutsch"}, "region", world.you
    )
    assert [c["value"] for c in offered] == ["default", "DE"]  # found by its own name

    chosen = await run(fake, "resources region", {"region": "DE"}, world.you)
    assert chosen.ephemeral and "**Germany**" in chosen.text
    for line in ("TelefonSeelsorge", "0800 111 0 111", "Gewalt gegen Frauen", "116 016", "112"):
        assert line in chosen.text, line
    assert "findahelpline.com" in chosen.text and "988" not in chosen.text
    assert fake.messages(world.general) == []

    typed = await run(fake, "resources region", {"region": "österreich"}, world.you)
    assert "**Austria**" in typed.text and "Frauenhelpline" in typed.text and "142" in typed.text

    await run(fake, "resources region", {"region": "DE"}, world.you)
    await fake.send_message(world.general, world.you, "i want to k1ll mys3lf tonight")
    dm = await fake.wait_for_dm(world.you)
    assert dm.text.index("112") < dm.text.index("automated message")  # imminent: number first
    assert dm.text.index("TelefonSeelsorge") < dm.text.index("findahelpline.com")
    assert "988" not in dm.text


async def test_a_region_with_a_gap_lists_the_directory_for_it(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    swiss = await run(fake, "resources show", {"topic": "abuse", "region": "CH"}, world.you)
    assert "112" in swiss.text and "findahelpline.com" in swiss.text
    assert "Domestic abuse and safety\n" not in swiss.text  # no Swiss abuse line to list
    mexico = await run(fake, "resources show", {"topic": "crisis", "region": "MX"}, world.you)
    assert "call 911" in mexico.text and "findahelpline.com" in mexico.text
    assert "Crisis support, any time" not in mexico.text  # no Mexican crisis line to list
    assert "Línea de las Mujeres" not in mexico.text
