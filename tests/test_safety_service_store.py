"""The safety tables: cooldowns, alerts, offers and member regions, across a reopen."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.privacy import pseudonym
from bot.safety_service import alerts, held, offers
from bot.safety_service.cooldown import claim_reply, cooldown_key
from bot.safety_service.cooldown import forget_before as forget_cooldowns_before
from bot.safety_service.policy import Flag
from bot.safety_service.regions import member_region, own_region, set_member_region
from bot.storage.db import Database
from bot.storage.guilds import update_settings
from bot.storage.migrate import migrate

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECRET = b"s" * 32
GUILD = 111
USER = 987654321012345678


async def test_cooldown_one_reply_per_category_per_six_hours(db: Database) -> None:
    flag = Flag({"crisis": "high", "abuse_sign": "concern"})
    first = await claim_reply(db, GUILD, "p1", flag, NOW)
    assert first == flag
    assert (await claim_reply(db, GUILD, "p1", flag, NOW + timedelta(hours=1))).categories == ()
    # another member, another server: separate
    assert (await claim_reply(db, GUILD, "p2", flag, NOW)).categories == flag.categories
    assert (await claim_reply(db, 222, "p1", flag, NOW)).categories == flag.categories
    # a new category for the same member still gets through
    danger = Flag({"danger": "high"})
    assert (await claim_reply(db, GUILD, "p1", danger, NOW + timedelta(hours=1))) == danger
    later = await claim_reply(db, GUILD, "p1", flag, NOW + timedelta(hours=6))
    assert later == flag


async def test_imminent_crisis_breaks_through_once_an_hour(db: Database) -> None:
    await claim_reply(db, GUILD, "p", Flag({"crisis": "high"}), NOW)
    imminent = Flag({"crisis": "imminent", "abuse_sign": "high"})
    at = NOW + timedelta(minutes=10)
    assert await claim_reply(db, GUILD, "p", imminent, at) == imminent
    assert (
        await claim_reply(db, GUILD, "p", imminent, at + timedelta(minutes=50))
    ).categories == ()
    again = await claim_reply(db, GUILD, "p", imminent, at + timedelta(minutes=61))
    assert again.categories == ("crisis",)
    # the bypass did not restart the six hours of the ordinary cooldown
    assert (
        await claim_reply(db, GUILD, "p", Flag({"crisis": "high"}), NOW + timedelta(hours=6))
    ).categories == ("crisis",)


async def test_cooldown_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    first = await Database.open(path)
    await migrate(first)
    await claim_reply(first, GUILD, "p", Flag({"danger": "high"}), NOW)
    await first.close()
    second = await Database.open(path)
    try:
        later = NOW + timedelta(hours=2)
        assert (
            await claim_reply(second, GUILD, "p", Flag({"danger": "high"}), later)
        ).categories == ()
    finally:
        await second.close()


async def test_one_alert_per_message_and_no_text_stored(db: Database) -> None:
    flag = Flag({"crisis": "imminent", "danger": "high"})
    kwargs = {"guild_id": GUILD, "source": "message", "flag": flag, "now": NOW}
    first = await alerts.create_alert(
        db, **kwargs, channel_id=5, message_id=77, jump_url="https://x"
    )
    assert first is not None
    assert await alerts.create_alert(db, **kwargs, channel_id=5, message_id=77) is None
    other = await alerts.create_alert(db, **kwargs, channel_id=5, message_id=78)
    assert other not in (None, first)
    checkin = await alerts.create_alert(
        db, guild_id=GUILD, source="checkin", flag=flag, now=NOW, checkin_ref="C-12"
    )
    assert checkin is not None
    assert (
        await alerts.create_alert(
            db, guild_id=GUILD, source="checkin", flag=flag, now=NOW, checkin_ref="C-12"
        )
        is None
    )
    alert = await alerts.get_alert(db, first)
    assert alert is not None
    assert alert.categories == ("crisis", "danger") and alert.severity == "imminent"
    assert alert.status == "open" and not alert.delivered and not alert.revealed
    async with db.session() as conn:
        columns = set(await conn.column_names("safety_alerts"))
    assert not columns & {"text", "content", "author_id", "user_id", "revealed_user_id"}
    assert not columns & {"pseudonym", "owner_tag"}  # nothing about the member at all


async def test_claim_resolve_and_listing(db: Database) -> None:
    flag = Flag({"abuse_sign": "concern"})
    ids = [
        await alerts.create_alert(
            db, guild_id=GUILD, source="message", flag=flag, now=NOW, message_id=i
        )
        for i in (1, 2, 3)
    ]
    a, b, c = (i for i in ids if i is not None)
    claimed = await alerts.claim(db, a, 900, NOW)
    assert claimed is not None and claimed.status == "claimed" and claimed.claimed_by == 900
    resolved = await alerts.resolve(db, b, 901, NOW)
    assert resolved is not None and resolved.resolved_by == 901
    assert await alerts.resolve(db, b, 902, NOW) is None
    assert await alerts.claim(db, b, 902, NOW) is None
    assert [x.id for x in await alerts.unresolved(db, GUILD)] == [a, c]
    posted = await alerts.mark_delivered(db, [c], 10, 20, NOW)
    assert posted == {c: await alerts.get_alert(db, c)} and posted[c].delivered
    assert [x.id for x in await alerts.undelivered(db)] == [a]
    assert await alerts.start_attempt(db, b) is None  # resolved: nothing to post
    assert await alerts.start_attempt(db, c) is None  # posted already
    for n in range(1, alerts.MAX_DELIVERY_ATTEMPTS + 1):
        attempt = await alerts.start_attempt(db, a)
        assert attempt is not None and attempt.attempts == n
    assert await alerts.undelivered(db) == []


async def test_a_held_alert_is_invisible_until_released_then_numbered_in_order(
    db: Database,
) -> None:
    flag = Flag({"abuse_sign": "high"})
    due = NOW + timedelta(minutes=7, seconds=41)
    first = await alerts.create_alert(
        db, guild_id=GUILD, source="message", flag=flag, now=NOW, message_id=1
    )
    waiting = await alerts.create_alert(
        db, guild_id=GUILD, source="checkin", flag=flag, now=NOW, checkin_ref="C-H",
        held_until=due,
    )  # fmt: skip
    assert first == 1 and waiting is not None and waiting < 0  # no number yet
    token = await offers.create_offer(
        db, guild_id=GUILD, alert_id=waiting, kind="reveal", key="k", flag=flag, now=NOW
    )
    later = await alerts.create_alert(
        db, guild_id=GUILD, source="message", flag=flag, now=NOW, message_id=2
    )
    assert later == 2  # the held one leaves no gap before it
    assert [a.id for a in await alerts.undelivered(db)] == [1, 2]
    assert [a.id for a in await alerts.unresolved(db, GUILD)] == [1, 2]
    await alerts.set_member_reply(db, waiting, "ephemeral")
    assert await held.next_release(db) == due
    assert await held.release_due(db, due - timedelta(seconds=1)) == []
    assert await held.release_due(db, due) == [3]  # the next number, once it appears
    assert await held.release_due(db, due) == []  # released once
    assert await alerts.get_alert(db, waiting) is None
    released = await alerts.get_alert(db, 3)
    assert released is not None and released.checkin_ref == "C-H" and not released.held
    assert released.held_until is None and released.member_reply == "ephemeral"
    offer = await offers.get_offer(db, token, "reveal")
    assert offer is not None and offer.alert_id == 3  # the reveal button follows it
    assert [a.id for a in await alerts.undelivered(db)] == [1, 2, 3]
    assert await held.next_release(db) is None
    await alerts.mark_delivered(db, [3], 10, 20, due + timedelta(seconds=3))
    posted = await alerts.get_alert(db, 3)
    assert posted is not None and posted.waiting_since == due + timedelta(seconds=3)


async def test_a_held_alert_waits_for_the_members_reply_then_goes_anyway(db: Database) -> None:
    flag = Flag({"crisis": "high"})
    waiting = await alerts.create_alert(
        db, guild_id=GUILD, source="checkin", flag=flag, now=NOW, checkin_ref="C-P",
        held_until=NOW,
    )  # fmt: skip
    assert waiting is not None
    assert await held.release_due(db, NOW) == []  # the member is still being answered
    assert await held.next_release(db) == NOW + held.REPLY_GRACE
    assert await held.release_due(db, NOW + held.REPLY_GRACE) == [1]  # never lost


async def test_asking_for_contact_releases_a_held_alert_at_once(db: Database) -> None:
    waiting = await alerts.create_alert(
        db, guild_id=GUILD, source="checkin", flag=Flag({"crisis": "high"}), now=NOW,
        checkin_ref="C-R", held_until=NOW + timedelta(minutes=9),
    )  # fmt: skip
    assert waiting is not None
    assert await held.release_now(db, waiting) == 1
    assert await held.release_now(db, 1) is None  # not held any more


async def test_a_claim_is_taken_over_only_after_asking(db: Database) -> None:
    alert_id = await alerts.create_alert(
        db, guild_id=GUILD, source="message", flag=Flag({"crisis": "high"}), now=NOW, message_id=9
    )
    assert alert_id is not None
    first = await alerts.claim(db, alert_id, 900, NOW)
    assert first is not None and alerts.claimed_by_other(first, 900) is None
    assert alerts.claimed_by_other(first, 901) == 900
    assert await alerts.claim(db, alert_id, 901, NOW) is None  # not silently
    assert await alerts.claim(db, alert_id, 901, NOW, replacing=902) is None  # stale question
    taken = await alerts.claim(db, alert_id, 901, NOW, replacing=900)
    assert taken is not None and taken.claimed_by == 901
    assert await alerts.claim(db, alert_id, 901, NOW) is not None  # clicking again is fine


async def test_offers_are_matched_by_token_and_used_once(db: Database) -> None:
    flag = Flag({"crisis": "high"})
    alert_id = await alerts.create_alert(
        db, guild_id=GUILD, source="checkin", flag=flag, now=NOW, checkin_ref="C-1"
    )
    key = offers.offer_key(SECRET, GUILD, USER)
    token = await offers.create_offer(
        db, guild_id=GUILD, alert_id=alert_id, kind="reveal", key=key, flag=flag, now=NOW
    )
    again = await offers.create_offer(
        db, guild_id=GUILD, alert_id=alert_id, kind="nudge", key=key, flag=flag, now=NOW
    )
    assert len(token) >= 16
    assert await offers.get_offer(db, token, "nudge") is None
    offer = await offers.get_offer(db, token, "reveal")
    assert offer is not None and offer.flag == flag
    assert offer.is_for(SECRET, USER) and not offer.is_for(SECRET, USER + 1)
    assert not offer.is_for(b"t" * 32, USER)
    # two offers to one member share no value that could link them (nor with a pseudonym)
    rows = [dict(r) for r in await db.fetchall("SELECT owner_tag, tag_salt FROM safety_offers")]
    assert len({r["owner_tag"] for r in rows}) == 2 and len({r["tag_salt"] for r in rows}) == 2
    assert pseudonym(SECRET, GUILD, USER) not in repr(rows)
    assert await offers.mark_used(db, token, NOW)
    assert not await offers.mark_used(db, token, NOW)
    await offers.release(db, token)  # the reveal could not be delivered: usable again
    assert await offers.mark_used(db, token, NOW)
    assert await offers.get_offer(db, again, "nudge") is not None
    assert await offers.delete_before(db, NOW) == 0
    assert await offers.delete_before(db, NOW + timedelta(seconds=1)) == 2
    assert await offers.get_offer(db, token, "reveal") is None


async def test_member_region_by_pseudonym_else_server_default(db: Database) -> None:
    assert await member_region(db, SECRET, GUILD, USER) == "INTL"
    await update_settings(db, GUILD, region="GB")
    assert await member_region(db, SECRET, GUILD, USER) == "GB"
    await set_member_region(db, SECRET, GUILD, USER, "AU", NOW)
    assert await member_region(db, SECRET, GUILD, USER) == "AU"
    assert await member_region(db, SECRET, GUILD, USER + 1) == "GB"
    stored = await db.fetchall("SELECT * FROM member_regions")
    assert [r["pseudonym"] for r in stored] == [pseudonym(SECRET, GUILD, USER)]
    assert str(USER) not in str([tuple(r) for r in stored])
    await set_member_region(db, SECRET, GUILD, USER, None, NOW)
    assert await own_region(db, SECRET, GUILD, USER) is None
    assert await member_region(db, SECRET, GUILD, USER) == "GB"


async def test_cooldown_rows_share_no_value_and_are_forgotten(db: Database) -> None:
    key = cooldown_key(SECRET, GUILD, USER)
    await claim_reply(db, GUILD, key, Flag({"crisis": "high", "danger": "high"}), NOW)
    later = NOW + timedelta(minutes=23)
    assert (await claim_reply(db, GUILD, key, Flag({"crisis": "imminent"}), later)).categories
    rows = [dict(r) for r in await db.fetchall("SELECT * FROM safety_cooldowns")]
    assert len(rows) == 3  # two replies and a bypass: one row each
    assert len({r["owner_tag"] for r in rows}) == 3
    assert pseudonym(SECRET, GUILD, USER) not in repr(rows) and key not in repr(rows)
    assert {r["slot"] for r in rows} == {"2026-03-01T12:00", "2026-03-01T12:20"}  # 10-minute slots
    assert await forget_cooldowns_before(db, NOW + timedelta(hours=6)) == 0
    assert await forget_cooldowns_before(db, NOW + timedelta(hours=7)) == 3


async def test_resolved_alerts_forget_the_message_after_a_while(db: Database) -> None:
    flag = Flag({"crisis": "high"})
    ids = [
        await alerts.create_alert(db, guild_id=GUILD, source="message", flag=flag, now=NOW,
                                  channel_id=5, message_id=m, jump_url=f"https://x/5/{m}")
        for m in (10**17, 10**17 + 1)
    ]  # fmt: skip
    done, still_open = (i for i in ids if i is not None)
    await alerts.resolve(db, done, 900, NOW)
    assert await alerts.forget_messages_before(db, NOW) == 0
    assert await alerts.forget_messages_before(db, NOW + timedelta(days=31)) == 1
    forgotten, kept = await alerts.get_alert(db, done), await alerts.get_alert(db, still_open)
    assert forgotten is not None and forgotten.message_id is None and forgotten.jump_url is None
    assert forgotten.categories == ("crisis",) and forgotten.status == "resolved"
    assert kept is not None and kept.message_id == 10**17 + 1
