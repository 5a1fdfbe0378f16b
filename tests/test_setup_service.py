from datetime import UTC, datetime, time, timedelta

import discord
import pytest

from bot import setup_service as svc
from bot import timezones as tz
from bot.daily_prompts.schedules import configure, get_schedule, set_options
from bot.storage import audit, purge
from bot.storage.db import Database
from bot.storage.dialect import migration_to_postgres
from bot.storage.guilds import (
    GuildSettings,
    forget_interaction_settings,
    get_settings,
    settings_of_interaction,
    update_settings,
)

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
G1, G2 = 111, 222


# --- permission report -----------------------------------------------------------------------


def test_every_missing_permission_is_named_in_order() -> None:
    granted = discord.Permissions(view_channel=True, send_messages=True)
    assert svc.missing_permissions(granted, svc.DAILY_PROMPT_THREADS.required) == (
        "Embed Links",
        "Read Message History",
        "Create Public Threads",
        "Send Messages in Threads",
    )


def test_administrator_needs_nothing_else() -> None:
    assert svc.missing_permissions(discord.Permissions(administrator=True), svc.POSTING) == ()


def test_only_what_each_feature_uses_is_required() -> None:
    """The bot deletes only its own anonymous posts (no Manage Messages needed) and opens
    threads only for daily prompts when asked to."""
    posting = discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, read_message_history=True
    )
    for purpose in (svc.CHECKINS, svc.ALERTS, svc.DAILY_PROMPT):
        assert svc.missing_permissions(posting, purpose.required) == ()
    assert svc.missing_permissions(posting, svc.DAILY_PROMPT_THREADS.required) == (
        "Create Public Threads",
        "Send Messages in Threads",
    )


def test_check_channels_reports_each_state() -> None:
    settings = GuildSettings(guild_id=G1, alerts_channel_id=5, checkin_channel_id=None)
    targets = svc.settings_targets(settings)
    assert [(c.purpose, c.status) for c in svc.check_channels(targets, lambda _: None)] == [
        (svc.CHECKINS, "not_set"),
        (svc.ALERTS, "not_found"),
    ]
    full = discord.Permissions.all()
    settings = GuildSettings(guild_id=G1, alerts_channel_id=5, checkin_channel_id=6)
    checks = svc.check_channels(
        svc.settings_targets(settings), lambda cid: full if cid == 5 else discord.Permissions()
    )
    assert [c.status for c in checks] == ["missing", "ok"]
    assert checks[0].missing[0] == "View Channel" and checks[0].channel_id == 6
    assert checks[1].ok


def test_only_a_moderators_channel_is_flagged_when_everyone_can_read_it() -> None:
    settings = GuildSettings(guild_id=G1, alerts_channel_id=5, checkin_channel_id=6)
    full = discord.Permissions.all()
    checks = svc.check_channels(svc.settings_targets(settings), lambda _: full, lambda _: True)
    assert [(c.purpose, c.status, c.public, c.ok) for c in checks] == [
        (svc.CHECKINS, "ok", False, True),
        (svc.ALERTS, "ok", True, False),
    ]


async def test_daily_prompt_channel_is_checked_with_threads_when_used(db: Database) -> None:
    settings = GuildSettings(guild_id=G1)
    assert (await svc.channel_targets(db, settings))[-1] == (svc.DAILY_PROMPT, None)
    await configure(db, G1, channel_id=77, post_time=time(9), timezone="UTC", now=NOW)
    assert (await svc.channel_targets(db, settings))[-1] == (svc.DAILY_PROMPT, 77)
    await set_options(db, G1, use_thread=True)
    assert (await svc.channel_targets(db, settings))[-1] == (svc.DAILY_PROMPT_THREADS, 77)


# --- describing changes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "text"),
    [
        ("alerts_channel_id", 42, "<#42>"),
        ("moderator_role_id", 7, "<@&7>"),
        ("moderator_role_id", None, "not set"),
        ("retention_days", None, "kept until deleted"),
        ("retention_days", 90, "90 days"),
        ("approval_queue", True, "on"),
        ("safety_mode", "mods", "mods (moderators only, no reply to the member)"),
        ("anon_delay_max_s", 30, "up to 30 s"),
        ("region", "GB", "GB"),
    ],
)
def test_format_value(setting: str, value: object, text: str) -> None:
    assert svc.format_value(setting, value) == text


async def test_apply_changes_writes_and_audits_only_what_differs(db: Database) -> None:
    await update_settings(db, G1, region="GB")
    settings, changes = await svc.apply_changes(
        db, G1, 99, region="GB", alerts_channel_id=5, safety_mode="dm"
    )
    assert settings.alerts_channel_id == 5 and settings.safety_mode == "dm"
    assert [c.setting for c in changes] == ["alerts_channel_id", "safety_mode"]
    entries = await audit.recent(db, G1)
    assert [(e.action, e.actor_id, e.detail) for e in reversed(entries)] == [
        ("setup.alerts_channel", 99, "not set → <#5>"),
        (
            "setup.safety_mode",
            99,
            "nudge (gentle public nudge with a private button) → dm (private DM to the member)",
        ),
    ]
    _, again = await svc.apply_changes(db, G1, 99, region="GB")
    assert again == [] and len(await audit.recent(db, G1)) == 2


# --- timezones -------------------------------------------------------------------------------


def test_timezones() -> None:
    assert tz.canonical_timezone("europe/london") == "Europe/London"
    assert tz.canonical_timezone("new york") is None
    assert tz.canonical_timezone("america/new york") == "America/New_York"
    assert tz.canonical_timezone("Mars/Olympus") is None
    assert tz.timezone_suggestions("")[0] == "UTC"
    assert "America/New_York" in tz.timezone_suggestions("new_y")
    assert tz.timezone_suggestions("berl")[0] == "Europe/Berlin"
    assert len(tz.timezone_suggestions("a")) == 25
    assert all(tz.canonical_timezone(z) == z for z in tz.COMMON_TIMEZONES)


@pytest.mark.parametrize("typed", ["EST", "est", " PST ", "BST", "IST", "CST6CDT", "GMT", "AEST"])
def test_abbreviations_are_refused_with_the_zones_they_probably_mean(typed: str) -> None:
    with pytest.raises(tz.TimezoneError) as refused:
        tz.resolve_timezone(typed)
    meant = tz.abbreviation_zones(typed)
    assert meant and f"`{meant[0]}`" in str(refused.value) and "abbreviation" in str(refused.value)
    assert tz.timezone_suggestions(typed)[: len(meant)] == list(meant)
    assert typed.strip().upper() not in tz.timezone_suggestions(typed)


def test_resolve_accepts_iana_names_in_any_case_and_explains_unknown_ones() -> None:
    assert tz.resolve_timezone("america/chicago") == "America/Chicago"
    assert tz.resolve_timezone("UTC") == "UTC"
    with pytest.raises(tz.TimezoneError, match="isn't a timezone I know"):
        tz.resolve_timezone("Moon/Base")
    assert all(tz.canonical_timezone(z) for zones in tz.REGION_ZONES.values() for z in zones)


def test_the_region_proposes_its_zone_unless_the_current_one_fits() -> None:
    assert tz.proposed_timezone("GB", "UTC") == "Europe/London"
    assert tz.proposed_timezone("US", "America/Chicago") is None
    assert tz.proposed_timezone("AU", "Europe/London") == "Australia/Sydney"
    assert tz.proposed_timezone("INTL", "UTC") is None


async def test_the_prompt_schedule_follows_the_server_timezone(db: Database) -> None:
    now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    await configure(db, G1, channel_id=5, post_time=time(9), timezone="UTC", now=now)
    _, changed = await svc.apply_changes(db, G1, 99, now=now, timezone="America/New_York")
    assert [c.setting for c in changed] == ["timezone"]
    schedule = await get_schedule(db, G1)
    assert schedule is not None and schedule.timezone == "America/New_York"
    assert schedule.next_run_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 09:00 EST


# --- removal and purge -----------------------------------------------------------------------


async def _extra_feature_tables(db: Database) -> None:
    """Tables as a later feature might add them (as a migration would: in SQLite's words,
    translated for PostgreSQL): one with guild_id, one child without it."""
    for ddl in (
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, guild_id INTEGER NOT NULL, body TEXT);",
        "CREATE TABLE post_flags (id INTEGER PRIMARY KEY, "
        "post_id INTEGER NOT NULL REFERENCES posts (id), flag TEXT);",
        # references the primary key implicitly, with a cascade of its own
        "CREATE TABLE flag_notes (flag_id INTEGER REFERENCES post_flags ON DELETE CASCADE);",
    ):
        await db.execute(migration_to_postgres(ddl) if db.dialect == "postgresql" else ddl)
    for guild in (G1, G2):
        post = await db.fetchval(
            "INSERT INTO posts (guild_id, body) VALUES (?, 'x') RETURNING id", (guild,)
        )
        flag = await db.fetchval(
            "INSERT INTO post_flags (post_id, flag) VALUES (?, 'f') RETURNING id", (post,)
        )
        await db.execute("INSERT INTO flag_notes (flag_id) VALUES (?)", (flag,))
        await update_settings(db, guild, region="US")
        await audit.record(db, guild, 1, "setup.region")


async def test_purge_removes_every_guild_table_and_dependants(db: Database) -> None:
    await _extra_feature_tables(db)
    assert {"guild_settings", "audit_log", "posts"} <= set(await purge.guild_tables(db))
    counts = await purge.purge_guild(db, G1)
    assert counts == {
        "guild_settings": 1,
        "audit_log": 1,
        "posts": 1,
        "post_flags": 1,
        "flag_notes": 1,
    }
    for table in await purge.guild_tables(db):
        assert await db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE guild_id = ?", (G1,)) == 0
    assert await db.fetchval("SELECT COUNT(*) FROM posts WHERE guild_id = ?", (G2,)) == 1
    assert await db.fetchval("SELECT COUNT(*) FROM post_flags") == 1
    assert await db.fetchval("SELECT COUNT(*) FROM flag_notes") == 1
    assert (await get_settings(db, G2)).region == "US"


async def test_purge_waits_thirty_days_and_rejoining_cancels_it(db: Database) -> None:
    await _extra_feature_tables(db)
    await purge.mark_left(db, G1, NOW)
    await purge.mark_left(db, G2, NOW)
    await purge.mark_left(db, G1, NOW + timedelta(days=3))  # a second removal keeps the first date
    assert (await get_settings(db, G1)).left_at == "2026-03-01T12:00:00Z"
    assert await purge.purge_due(db, NOW + timedelta(days=29, hours=23)) == []
    assert await purge.mark_rejoined(db, G2) is True
    assert await purge.mark_rejoined(db, G2) is False
    assert await purge.purge_due(db, NOW + timedelta(days=30)) == [G1]
    assert await db.fetchval("SELECT COUNT(*) FROM posts WHERE guild_id = ?", (G1,)) == 0
    assert await db.fetchval("SELECT COUNT(*) FROM posts WHERE guild_id = ?", (G2,)) == 1
    assert await purge.purge_due(db, NOW + timedelta(days=60)) == []


async def test_failed_purge_rolls_back_and_others_continue(db: Database) -> None:
    await _extra_feature_tables(db)
    if db.dialect == "postgresql":
        await db.execute(
            "CREATE FUNCTION no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF old.guild_id = 111 THEN RAISE EXCEPTION 'blocked'; END IF; RETURN old; END $$"
        )
        await db.execute(
            "CREATE TRIGGER no_delete BEFORE DELETE ON posts FOR EACH ROW EXECUTE FUNCTION "
            "no_delete()"
        )
    else:
        await db.execute(
            "CREATE TRIGGER no_delete BEFORE DELETE ON posts WHEN old.guild_id = 111 "
            "BEGIN SELECT RAISE(ABORT, 'blocked'); END"
        )
    await purge.mark_left(db, G1, NOW)
    await purge.mark_left(db, G2, NOW)
    assert await purge.purge_due(db, NOW + timedelta(days=31)) == [G2]
    assert (await get_settings(db, G1)).left_at is not None
    assert await db.fetchval("SELECT COUNT(*) FROM audit_log WHERE guild_id = ?", (G1,)) == 1


class _Interaction:
    """What `settings_of_interaction` uses of a discord.Interaction."""

    def __init__(self) -> None:
        self.extras: dict[str, object] = {}


async def test_an_interaction_reads_the_settings_once_until_it_changes_them(db: Database) -> None:
    one, other = _Interaction(), _Interaction()
    assert (await settings_of_interaction(db, one, G1)).region == "INTL"
    await update_settings(db, G1, region="GB")
    assert (await settings_of_interaction(db, one, G1)).region == "INTL"  # read once for it
    assert (await settings_of_interaction(db, other, G1)).region == "GB"  # another reads now
    assert (await settings_of_interaction(db, one, G2)).guild_id == G2  # never another server's
    forget_interaction_settings(one)  # what a command that changed them does
    assert (await settings_of_interaction(db, one, G1)).region == "GB"
