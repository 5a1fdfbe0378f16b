"""/setup end to end: the guided setup from scratch, the direct commands, the permission report
and the audit trail, as a manager sees them through the fake Discord."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import time
from pathlib import Path

import discord

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.daily_prompts.schedules import configure
from bot.fakediscord import FakeDiscord, FakeMessage, Overwrite, StandardGuild
from bot.storage import audit
from bot.storage.guilds import get_settings


async def _ephemeral(fake: FakeDiscord, path: str, options: dict | None, user, channel="general"):
    inter = await fake.slash(path, options, user, channel)
    response = await inter.response()
    assert response.ephemeral, f"/{path} answered publicly"
    assert response.message is not None
    return response.message


async def test_guided_setup_from_scratch_to_a_working_configuration(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    guild_id = world.guild.id
    assert (await get_settings(bot.db, guild_id)).checkin_channel_id is None
    shown: FakeMessage = await _ephemeral(fake, "setup start", None, world.owner)
    assert "Step 1 of 2" in shown.text
    await fake.select(shown, "setup:checkin_channel_id", [world.check_ins], world.owner)
    await fake.select(shown, "setup:alerts_channel_id", [world.mod_alerts], world.owner)
    await fake.select(shown, "setup:moderator_role_id", [world.moderator_role], world.owner)
    await fake.select(shown, "setup:region", ["GB"], world.owner)
    assert (await get_settings(bot.db, guild_id)).checkin_channel_id is None  # nothing saved yet

    nxt = await fake.click(shown, "Next", world.owner)
    assert (await nxt.response()).type == 7
    assert "Step 2 of 2" in shown.text
    await fake.select(shown, "setup:timezone", ["Europe/London"], world.owner)
    await fake.select(shown, "setup:safety_mode", ["dm"], world.owner)
    finish = await fake.click(shown, "Finish", world.owner)
    assert (await finish.response()).type == 7

    assert "Bridgeline is set up" in shown.text
    assert shown.components == []
    assert "✅ **Check-in channel**" in shown.text and "✅ **Alerts channel**" in shown.text
    assert "United Kingdom (GB)" in shown.text and "Europe/London" in shown.text
    settings = await get_settings(bot.db, guild_id)
    assert (
        settings.checkin_channel_id,
        settings.alerts_channel_id,
        settings.moderator_role_id,
        settings.region,
        settings.timezone,
        settings.safety_mode,
    ) == (
        world.check_ins.id,
        world.mod_alerts.id,
        world.moderator_role.id,
        "GB",
        "Europe/London",
        "dm",
    )
    actions = [e.action for e in await audit.recent(bot.db, guild_id)]
    assert sorted(actions) == sorted(
        [
            "setup.checkin_channel",
            "setup.alerts_channel",
            "setup.moderator_role",
            "setup.region",
            "setup.timezone",
            "setup.safety_mode",
            "setup.completed",
        ]
    )
    assert all(e.actor_id == world.owner.id for e in await audit.recent(bot.db, guild_id))

    show = await _ephemeral(fake, "setup show", None, world.owner)
    assert f"<#{world.check_ins.id}>" in show.text and "⚠️" not in show.text


async def test_wizard_keeps_current_values_goes_back_and_cancels(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await _ephemeral(fake, "setup region", {"region": "AU"}, world.owner)
    await _ephemeral(fake, "setup checkin-channel", {"channel": world.check_ins}, world.owner)
    shown = await _ephemeral(fake, "setup start", None, world.owner)
    region = next(s for s in shown.selects if s["custom_id"] == "setup:region")
    assert [o["value"] for o in region["options"] if o.get("default")] == ["AU"]
    placeholders = {s["custom_id"]: s.get("placeholder") for s in shown.selects}
    assert placeholders["setup:checkin_channel_id"].startswith("Check-in channel: #check-ins")
    assert placeholders["setup:alerts_channel_id"] == "Alerts channel: choose one"
    await (await fake.click(shown, "Next", world.owner)).response()
    back = await fake.click(shown, "Back", world.owner)
    assert (await back.response()).type == 7 and "Step 1 of 2" in shown.text
    await fake.select(shown, "setup:region", ["US"], world.owner)
    cancel = await fake.click(shown, "Cancel", world.owner)
    await cancel.response()
    assert "Nothing was changed" in shown.text and shown.components == []
    assert (await get_settings(bot.db, world.guild.id)).region == "AU"

    shown = await _ephemeral(fake, "setup start", None, world.owner)
    await (await fake.click(shown, "Next", world.owner)).response()
    assert "Proposed for Australia: **Australia/Sydney**" in shown.text  # the zone was UTC
    await (await fake.click(shown, "Finish", world.owner)).response()
    kept = await get_settings(bot.db, world.guild.id)
    assert (kept.region, kept.timezone) == ("AU", "Australia/Sydney")

    shown = await _ephemeral(fake, "setup start", None, world.owner)
    await (await fake.click(shown, "Next", world.owner)).response()
    await (await fake.click(shown, "Finish", world.owner)).response()
    assert "Setup finished: nothing changed" in shown.text
    kept = await get_settings(bot.db, world.guild.id)
    assert (kept.region, kept.checkin_channel_id) == ("AU", world.check_ins.id)


async def test_wizard_belongs_to_the_manager_who_opened_it(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await _ephemeral(fake, "setup start", None, world.owner)
    other = await fake.add_member(world.guild, "co-owner", permissions=discord.Permissions(32))
    intruder = await fake.click(shown, "Next", other)
    assert "belong to someone else" in (await intruder.response()).text
    assert "Step 1 of 2" in shown.text


async def test_direct_commands_validate_and_save(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    owner, gid = world.owner, world.guild.id
    saved = await _ephemeral(fake, "setup alerts-channel", {"channel": world.mod_alerts}, owner)
    assert "Saved" in saved.text and f"not set → <#{world.mod_alerts.id}>" in saved.text
    again = await _ephemeral(fake, "setup alerts-channel", {"channel": world.mod_alerts}, owner)
    assert "Nothing changed" in again.text

    await _ephemeral(fake, "setup checkin-channel", {"channel": world.check_ins}, owner)
    await _ephemeral(fake, "setup moderator-role", {"role": world.moderator_role}, owner)
    everyone = await _ephemeral(
        fake, "setup moderator-role", {"role": world.guild.roles[gid]}, owner
    )
    assert "@everyone can't be the moderator role" in everyone.text

    choices = await fake.autocomplete("setup timezone", {}, "timezone", owner)
    assert choices and choices[0]["value"] == "UTC"
    typed = await fake.autocomplete("setup timezone", {"timezone": "chica"}, "timezone", owner)
    assert typed[0]["value"] == "America/Chicago"
    bad_tz = await _ephemeral(fake, "setup timezone", {"timezone": "Moon/Base"}, owner)
    assert "isn't a timezone I know" in bad_tz.text
    await _ephemeral(fake, "setup timezone", {"timezone": "america/chicago"}, owner)

    regions = await fake.autocomplete("setup region", {"region": "zeal"}, "region", owner)
    assert [c["value"] for c in regions] == ["NZ"]
    own_name = await fake.autocomplete("setup region", {"region": "brasil"}, "region", owner)
    assert [c["value"] for c in own_name] == ["BR"]
    await _ephemeral(fake, "setup region", {"region": "Deutschland"}, owner)  # typed in full
    assert (await get_settings(bot.db, gid)).region == "DE"
    bad_region = await _ephemeral(fake, "setup region", {"region": "XX"}, owner)
    assert "I don't know the region 'XX'" in bad_region.text
    await _ephemeral(fake, "setup region", {"region": "ie"}, owner)

    await _ephemeral(fake, "setup safety-mode", {"mode": "mods"}, owner)
    empty = await _ephemeral(fake, "setup anonymous", {}, owner)
    assert "Give at least one" in empty.text
    anon = {"delay": 20, "rate": 5, "daily_tag": False, "approval_queue": True}
    await _ephemeral(fake, "setup anonymous", anon, owner)
    await _ephemeral(fake, "setup retention", {"days": 90}, owner)

    s = await get_settings(bot.db, gid)
    assert (s.checkin_channel_id, s.moderator_role_id, s.timezone, s.region) == (
        world.check_ins.id,
        world.moderator_role.id,
        "America/Chicago",
        "IE",
    )
    assert (s.safety_mode, s.anon_delay_max_s, s.anon_rate_per_hour) == ("mods", 20, 5)
    assert (s.anon_daily_tag, s.approval_queue, s.retention_days) == (False, True, 90)

    cleared = await _ephemeral(fake, "setup retention", {"days": 0}, owner)
    assert "90 days → kept until deleted" in cleared.text
    role_cleared = await _ephemeral(fake, "setup moderator-role", {}, owner)
    assert "→ not set" in role_cleared.text
    s = await get_settings(bot.db, gid)
    assert s.retention_days is None and s.moderator_role_id is None


async def test_missing_permissions_are_named_per_channel(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    bot_role = next(r for r in world.guild.roles.values() if r.managed)
    deny = discord.Permissions(embed_links=True, read_message_history=True)
    locked = await fake.add_channel(
        world.guild, "locked", overwrites=[Overwrite(bot_role.id, 0, deny=deny.value)]
    )
    reply = await _ephemeral(fake, "setup checkin-channel", {"channel": locked}, world.owner)
    assert (
        f"⚠️ **Check-in channel** <#{locked.id}>: I'm missing "
        "**Embed Links, Read Message History** there." in reply.text
    )
    assert "➖ **Alerts channel**: not set (moderator alerts go to the server owner" in reply.text
    assert "➖ **Daily prompt channel**: not set" in reply.text

    hidden = discord.Permissions(view_channel=True).value
    secret = await fake.add_channel(
        world.guild,
        "secret",
        overwrites=[
            Overwrite(bot_role.id, 0, deny=hidden),
            Overwrite(world.guild.id, 0, deny=hidden),
        ],
    )
    reply = await _ephemeral(fake, "setup alerts-channel", {"channel": secret}, world.owner)
    assert f"<#{secret.id}>: I'm missing **View Channel, Send Messages" in reply.text

    no_threads = discord.Permissions(create_public_threads=True).value
    prompts = await fake.add_channel(
        world.guild, "prompts", overwrites=[Overwrite(bot_role.id, 0, deny=no_threads)]
    )
    await configure(
        bot.db,
        world.guild.id,
        channel_id=prompts.id,
        post_time=time(21),
        timezone="UTC",
        now=clock.now(),
        use_thread=True,
    )
    await _ephemeral(fake, "setup alerts-channel", {"channel": world.mod_alerts}, world.owner)
    await fake.delete_channel(world.mod_alerts)
    show = await _ephemeral(fake, "setup show", None, world.owner)
    assert f"❌ **Alerts channel** <#{world.mod_alerts.id}>: I can't find or see" in show.text
    assert (
        f"⚠️ **Daily prompt channel** <#{prompts.id}>: I'm missing **Create Public Threads**"
        in show.text
    )
    assert "To fix: channel settings" in show.text


async def test_audit_trail_lists_changes_newest_first_with_paging(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    empty = await _ephemeral(fake, "setup audit", None, world.owner)
    assert "Nothing recorded yet" in empty.text
    for days in range(1, 13):
        await _ephemeral(fake, "setup retention", {"days": days}, world.owner)
    page = await _ephemeral(fake, "setup audit", None, world.owner)
    assert page.text.index("11 days → 12 days") < page.text.index("10 days → 11 days")
    assert f"<@{world.owner.id}>" in page.text and "`setup.retention_days`" in page.text
    assert "Entries 1-10 of 12" in page.text
    nxt = await fake.click(page, "Next", world.owner)
    await nxt.response()
    assert "Entries 11-12 of 12" in page.text and "not set → 1 days" not in page.text
    assert "kept until deleted → 1 days" in page.text

    refused = await _ephemeral(fake, "setup audit", None, world.mod)
    assert "server managers" in refused.text and "retention" not in refused.text


async def _owner_reply(fake: FakeDiscord, path: str, options: dict | None = None) -> str:
    inter = await fake.slash(path, options, fake.app_owner)  # the bot's owner, in a DM
    assert (await inter.response()).type == 5  # deferred while it works
    return (await inter.reply()).text


async def test_reload_content_validates_before_swapping(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, tmp_path: Path
) -> None:
    copy, original = tmp_path / "content", bot.settings.content_dir
    shutil.copytree(original, copy)
    bot.settings = replace(bot.settings, content_dir=copy)
    (copy / "faq.toml").write_text("[[faq]]\nid = 'broken'\n", encoding="utf-8")
    before = bot.content
    text = await _owner_reply(fake, "admin reload-content")
    assert "Content not reloaded" in text and "faq.toml" in text and "keeps the content" in text
    assert bot.content is before

    shutil.copy(original / "faq.toml", copy)
    text = await _owner_reply(fake, "admin reload-content")
    assert "Content reloaded" in text and "content OK" in text
    assert bot.content is not before and bot.scanner is not None


async def test_reload_content_refuses_a_regex_that_backtracks_catastrophically(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, tmp_path: Path
) -> None:
    copy, original = tmp_path / "content", bot.settings.content_dir
    shutil.copytree(original, copy)
    bot.settings = replace(bot.settings, content_dir=copy)
    with (copy / "safety.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[[crisis.patterns]]\nid = 'zz'\nseverity = 'high'\n")
        fh.write(r"regex = '\bzz(?:\w+\s?)+zz\b'" + "\n")
    before, scanner = bot.content, bot.scanner
    text = await _owner_reply(fake, "admin reload-content")
    assert "Content not reloaded" in text and "keeps the content" in text
    assert "safety.toml" in text and "crisis.patterns[" in text
    assert "backtrack catastrophically" in text
    assert bot.content is before and bot.scanner is scanner


async def test_owner_syncs_commands(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    def puts() -> int:
        return sum(1 for r in fake.requests if r.method == "PUT" and "commands" in r.route)

    before = puts()
    text = await _owner_reply(fake, "admin sync")
    assert puts() == before + 1
    assert f"{len(fake.commands[None])} commands registered globally" in text
    entry = (await audit.recent(bot.db, world.guild.id))[:1]
    assert entry == []  # from a DM there is no server to audit it in

    refused = await fake.slash("admin sync", None, world.owner, world.general)
    assert "bot's owner only" in (await refused.response()).text
    assert puts() == before + 1


async def test_a_public_alerts_channel_needs_confirmation_and_stays_flagged(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    owner, gid = world.owner, world.guild.id
    asked = await _ephemeral(fake, "setup alerts-channel", {"channel": world.general}, owner)
    assert "Everyone can read that channel" in asked.text and "never scanned" in asked.text
    assert (await get_settings(bot.db, gid)).alerts_channel_id is None  # not before an answer
    await (await fake.click(asked, "Cancel", owner)).response()
    assert "Nothing was changed" in asked.text
    assert (await get_settings(bot.db, gid)).alerts_channel_id is None

    asked = await _ephemeral(fake, "setup alerts-channel", {"channel": world.general}, owner)
    await (await fake.click(asked, "Use it anyway", owner)).response()
    assert "Saved" in asked.text and "Not private" in asked.text and asked.components == []
    assert (await get_settings(bot.db, gid)).alerts_channel_id == world.general.id
    actions = [e.action for e in await audit.recent(bot.db, gid)]
    assert "setup.alerts_channel_public" in actions
    show = await _ephemeral(fake, "setup show", None, owner)
    assert f"⚠️ **Alerts channel** <#{world.general.id}>" in show.text

    private = await _ephemeral(fake, "setup alerts-channel", {"channel": world.mod_alerts}, owner)
    assert "Saved" in private.text and "Not private" not in private.text
    assert f"✅ **Alerts channel** <#{world.mod_alerts.id}>" in private.text
    assert "never scanned for safety concerns" in private.text


async def test_wizard_asks_before_a_public_alerts_channel(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await _ephemeral(fake, "setup start", None, world.owner)
    await fake.select(shown, "setup:alerts_channel_id", [world.general], world.owner)
    await (await fake.click(shown, "Next", world.owner)).response()
    await (await fake.click(shown, "Finish", world.owner)).response()
    assert "Everyone can read that channel" in shown.text
    assert (await get_settings(bot.db, world.guild.id)).alerts_channel_id is None
    await (await fake.click(shown, "Back", world.owner)).response()
    assert "Step 1 of 2" in shown.text
    await (await fake.click(shown, "Next", world.owner)).response()
    await (await fake.click(shown, "Finish", world.owner)).response()
    await (await fake.click(shown, "Use it anyway", world.owner)).response()
    assert "Bridgeline is set up" in shown.text and "Not private" in shown.text
    assert (await get_settings(bot.db, world.guild.id)).alerts_channel_id == world.general.id


async def test_wizard_proposes_the_regions_timezone_and_keeps_a_managers_pick(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await _ephemeral(fake, "setup start", None, world.owner)
    await fake.select(shown, "setup:region", ["AU"], world.owner)
    await (await fake.click(shown, "Next", world.owner)).response()
    assert "Proposed for Australia: **Australia/Sydney**" in shown.text
    zones = next(s for s in shown.selects if s["custom_id"] == "setup:timezone")["options"]
    assert [o["value"] for o in zones if o.get("default")] == ["Australia/Sydney"]
    assert zones[0]["value"] == "Australia/Sydney" and "Australia/Perth" in [
        o["value"] for o in zones
    ]
    await fake.select(shown, "setup:timezone", ["Australia/Perth"], world.owner)
    await (await fake.click(shown, "Back", world.owner)).response()
    await (await fake.click(shown, "Next", world.owner)).response()
    assert "Proposed for" not in shown.text  # the manager's pick stands
    await (await fake.click(shown, "Finish", world.owner)).response()
    settings = await get_settings(bot.db, world.guild.id)
    assert (settings.region, settings.timezone) == ("AU", "Australia/Perth")

    shown = await _ephemeral(fake, "setup start", None, world.owner)
    await (await fake.click(shown, "Next", world.owner)).response()
    assert "Proposed for" not in shown.text  # Perth is already an Australian zone
