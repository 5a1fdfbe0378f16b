"""A copy of the database, read next to what anyone in the channels can see, unmasks nobody.

A full session runs through the fake Discord: check-ins, anonymous posts and replies, a report,
the approval queue, a block and a removal, flagged public messages in nudge and dm mode (and the
nudge opened), a flagged check-in, "Ask a moderator to reach out", a region choice, a DM to the
bot, an export. Time moves on between members' actions, as it does in a real server (the bot's
clock is frozen otherwise, which would make every row "near" every other one).

Then every table is dumped and read as an attacker without the secret would: every join on an
equal identifier-like value in any table and column, along every foreign key, and between any
two timestamps less than two minutes apart, starting from everything a member can be seen by:
their user id, the ids and jump links of their public messages, and the moments they posted in
public (when the bot's nudges also named them). No chain of joins may reach a row that carries
a member's pseudonym (or any value that groups rows of one member).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from test_checkin_alert_delay import checkin_alert_post
from test_checkins import from_menu, report, share

from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.fakediscord import FakeDiscord, FakeMessage, Member, StandardGuild
from bot.privacy import pseudonym
from bot.storage.guilds import update_settings
from bot.storage.schema import column_names, table_names

pytestmark = pytest.mark.both_backends

CRISIS = "honestly i just want to die"
IMMINENT = "I want to kill myself tonight"
STEP = timedelta(minutes=7)  # between two actions of the session
NEAR = timedelta(minutes=2)  # timestamps closer than this are joined
HEX_PSEUDONYM = re.compile(r"^[0-9a-f]{32}$")
IDENTIFIER = re.compile(r"^[A-Za-z0-9_\-:./]{8,}$")
#: Moments the bot's own timer sets from another row's time, never at a member's action: an
#: unclaimed alert is raised again its server's minutes after it was created. Here the fake clock
#: moves only at members' actions, so the timer fires exactly at one of them, a coincidence a
#: running server (whose clock moves on its own) doesn't make. Still joined by foreign key.
TIMER_MOMENTS = {("alert_reraises", "raised_at")}


@dataclass
class Row:
    table: str
    index: int
    values: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.table}[{self.index}] {self.values}"


@dataclass
class Seen:
    """What members can be recognised by, from the channels alone."""

    user_ids: set[int] = field(default_factory=set)
    message_ids: set[int] = field(default_factory=set)
    moments: list[datetime] = field(default_factory=list)


def as_moment(value: Any) -> datetime | None:
    """A timestamp stored to the minute or finer (a date alone names no moment)."""
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d", value):
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def dump(bot: Bridgeline) -> list[Row]:
    rows: list[Row] = []
    async with bot.db.session() as conn:
        tables = [(t, await column_names(conn, t)) for t in await table_names(conn)]
    for table, columns in tables:
        for index, row in enumerate(await bot.db.fetchall(f'SELECT * FROM "{table}"')):
            rows.append(Row(table, index, dict(zip(columns, tuple(row), strict=True))))
    return rows


async def foreign_keys(bot: Bridgeline) -> list[tuple[str, str, str, str]]:
    """(child table, child column, parent table, parent column) for every declared key."""
    found = []
    async with bot.db.session() as conn:
        for table in await table_names(conn):
            for fk in await conn.foreign_keys(table):
                for column, parent_column in zip(fk.columns, fk.parent_columns, strict=True):
                    found.append((table, column, fk.parent, parent_column))
    return found


def identifier_values(row: Row, shared: set[Any]) -> set[Any]:
    """Values an attacker would join on: snowflakes and id-like strings, except those that
    everybody's rows share (the server, its channels and roles, moderators, the bot)."""
    found: set[Any] = set()
    for value in row.values.values():
        if value in shared or as_moment(value) is not None:
            continue
        snowflake = isinstance(value, int) and value > 10**15
        id_like = isinstance(value, str) and (
            bool(IDENTIFIER.match(value) and re.search(r"\d", value)) or value.startswith("anon-")
        )
        if snowflake or id_like:
            found.add(value)
    return found


def identifies_someone(row: Row, seen: Seen) -> str | None:
    for column, value in row.values.items():
        if isinstance(value, int) and value in seen.user_ids | seen.message_ids:
            return f"{column} is a member's id or public message id"
        if isinstance(value, str) and any(str(m) in value for m in seen.message_ids):
            return f"{column} points at a member's public message"
        moment = as_moment(value)
        if moment is not None and any(abs(moment - m) < NEAR for m in seen.moments):
            return f"{column} is the moment a member was seen posting"
    return None


def pseudonymous(rows: list[Row], pseudonyms: set[str]) -> dict[int, str]:
    """Rows carrying a member's pseudonym, or any 32-hex value found in more than one row (a
    value that groups rows of one member, whatever it was derived from)."""
    counts: dict[str, int] = {}
    for row in rows:
        for value in set(row.values.values()):
            if isinstance(value, str) and HEX_PSEUDONYM.match(value):
                counts[value] = counts.get(value, 0) + 1
    marked = {}
    for number, row in enumerate(rows):
        for column, value in row.values.items():
            if value in pseudonyms or (isinstance(value, str) and counts.get(value, 0) > 1):
                marked[number] = column
    return marked


def links(
    rows: list[Row], fks: list[tuple[str, str, str, str]], shared: set[Any]
) -> dict[int, set[tuple[int, str]]]:
    """Every join an attacker can make, as edges between rows (with the reason)."""
    edges: dict[int, set[tuple[int, str]]] = {i: set() for i in range(len(rows))}
    by_value: dict[Any, list[int]] = {}
    for number, row in enumerate(rows):
        for value in identifier_values(row, shared):
            by_value.setdefault(value, []).append(number)
    for value, members in by_value.items():
        for a in members:
            for b in members:
                if a != b:
                    edges[a].add((b, f"equal value {value!r}"))
    for child, column, parent, parent_column in fks:
        for a, row in enumerate(rows):
            if row.table != child or row.values.get(column) is None:
                continue
            for b, other in enumerate(rows):
                if other.table == parent and other.values.get(parent_column) == row.values[column]:
                    edges[a].add((b, f"{child}.{column} -> {parent}.{parent_column}"))
                    edges[b].add((a, f"{parent}.{parent_column} <- {child}.{column}"))
    moments = [
        (number, moment)
        for number, row in enumerate(rows)
        for moment in (
            as_moment(v) for k, v in row.values.items() if (row.table, k) not in TIMER_MOMENTS
        )
        if moment is not None
    ]
    for a, first in moments:
        for b, second in moments:
            if a != b and abs(first - second) < NEAR:
                edges[a].add((b, f"near timestamps {first:%H:%M:%S} / {second:%H:%M:%S}"))
    return edges


# ---- the session ---------------------------------------------------------------------------------
class Session:
    def __init__(self, fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock):
        self.fake, self.world, self.bot, self.clock = fake, world, bot, clock
        self.seen = Seen()
        self.members: list[Member] = []

    def tick(self) -> None:
        self.clock.advance(STEP)

    async def check_in(self, who: Member, text: str, mood: str = "3") -> tuple[Any, FakeMessage]:
        self.tick()
        await (await self.fake.slash("checkin new", None, who, "general")).modal_shown()
        fields = {"checkin:mood": mood, "checkin:body": text}
        submitted = await self.fake.submit_modal(fields, who)
        saved = (await submitted.response()).message
        assert saved is not None and "Check-in saved" in saved.text
        if self.bot.scanner.scan(text).flagged:  # its alert is written before it is posted
            ref = saved.text.split("Reference ")[1].split()[0]
            await checkin_alert_post(self.fake, self.bot, self.clock, submitted, ref)
        return submitted, saved

    async def share(self, who: Member, saved: FakeMessage) -> str:
        self.tick()
        return await share(self.fake, saved, who)

    async def post(self, who: Member, text: str) -> FakeMessage:
        _, saved = await self.check_in(who, text)
        assert "appear anonymously" in await self.share(who, saved)
        return await self.fake.wait_for_message(self.world.check_ins, lambda m: text in m.text)

    async def say_in_public(self, who: Member, text: str) -> FakeMessage:
        """A flagged message: the alert, the member's reply (nudge or DM) and the cooldown."""
        self.tick()
        said = await self.fake.send_message(self.world.general, who, text)
        self.seen.message_ids.add(said.id)
        self.seen.moments.append(self.clock.now())
        await self.fake.wait_for_message(self.world.mod_alerts, lambda m: f"/{said.id}" in m.text)
        return said


async def run_session(s: Session) -> None:
    fake, world, bot = s.fake, s.world, s.bot
    you = world.you
    bea = await fake.add_member(world.guild, "bea")
    s.members = [you, bea]
    s.seen.user_ids = {you.user.id, bea.user.id}
    await update_settings(bot.db, world.guild.id, checkin_channel_id=world.check_ins.id,
                          alerts_channel_id=world.mod_alerts.id, anon_delay_max_s=0,
                          moderator_role_id=world.moderator_role.id)  # fmt: skip

    await s.check_in(you, "A private evening, nothing to share.", "2")
    first = await s.post(you, "He has not spoken to me for three days.")
    s.tick()  # bea replies anonymously, and reports the post
    await (await fake.click(first, "Reply anonymously", bea)).modal_shown()
    await (await fake.submit_modal({"checkin:reply": "Same here. It gets better."}, bea)).response()
    await fake.wait_for_message(world.check_ins, lambda m: "gets better" in m.text)
    s.tick()
    await report(fake, world, first, bea, "It upset me.")

    said = await s.say_in_public(you, CRISIS)  # nudge mode: named in public, then opened
    nudge = await fake.wait_for_message(world.general, lambda m: m.author is fake.bot_user)
    s.tick()
    assert (await (await fake.click(nudge, nudge.buttons[0]["label"], you)).response()).ephemeral
    await s.say_in_public(bea, CRISIS)
    await update_settings(bot.db, world.guild.id, safety_mode="dm")
    s.clock.advance(timedelta(hours=7))  # past the cooldown: answered again, by DM
    await s.say_in_public(you, "i keep thinking about not waking up")
    await fake.wait_for_dm(you, lambda m: "findahelpline" in m.text)

    submitted, saved = await s.check_in(you, IMMINENT, "1")  # the crisis check-in
    private = (await submitted.followups(1))[0]
    told = await s.share(you, saved)
    assert "a moderator will look at it" in told
    s.tick()
    reveal = await fake.click(private, "Ask a moderator to reach out", you)
    assert "moderators have been told" in (await reveal.followups(1))[0].text
    await fake.wait_for_message(world.mod_alerts, lambda m: "reach out" in m.text)
    review = next(m for m in fake.messages(world.mod_alerts) if "kill myself" in m.text)
    s.tick()
    await (await fake.click(review, "Approve", world.mod)).response()

    await update_settings(bot.db, world.guild.id, approval_queue=True)
    _, bea_saved = await s.check_in(bea, "Waiting for a moderator, as asked.")
    await s.share(bea, bea_saved)
    queued = await fake.wait_for_message(world.mod_alerts, lambda m: "as asked" in m.text)
    s.tick()
    await (await fake.click(queued, "Approve", world.mod)).response()
    bea_post = await fake.wait_for_message(world.check_ins, lambda m: "as asked" in m.text)
    s.tick()
    await from_menu(fake, "Block anonymous author", bea_post, "Block author", world.mod)
    s.tick()
    await from_menu(fake, "Remove anonymous post", first, "Remove post", world.mod)
    s.tick()
    await (await fake.slash("resources region", {"region": "NZ"}, you, "general")).response()
    s.tick()
    await fake.send_dm(bea, CRISIS)
    await fake.wait_for_dm(bea, lambda m: "findahelpline" in m.text)
    s.tick()
    await (await fake.slash("privacy export", None, you, "general")).followups(1)
    assert said.id in s.seen.message_ids


async def test_no_join_leads_from_what_members_can_see_to_a_pseudonym(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, clock: FakeClock
) -> None:
    session = Session(fake, world, bot, clock)
    await run_session(session)
    rows = await dump(bot)
    secret = bot.settings.secret
    pseudonyms = {pseudonym(secret, world.guild.id, m.user.id) for m in session.members}
    shared: set[Any] = {world.guild.id, fake.bot_user.id, fake.application_id, 0}
    shared |= {c.id for c in world.guild.channels.values()} | set(world.guild.roles)
    shared |= {world.mod.user.id, world.owner.user.id}

    marked = pseudonymous(rows, pseudonyms)
    assert {rows[i].table for i in marked} >= {"checkins", "anon_posts"}  # the oracle works
    tables = {row.table for row in rows}
    assert {"safety_alerts", "safety_offers", "safety_cooldowns", "anon_blocks"} <= tables
    for number, column in marked.items():
        reason = identifies_someone(rows[number], session.seen)
        assert reason is None, f"{rows[number]} holds {column} and {reason}"

    # No member's id anywhere, the reveal included.
    for row in rows:
        for column, value in row.values.items():
            assert value not in session.seen.user_ids, f"{row}: {column} is a member's id"
            assert str(session.seen.user_ids) not in str(value)

    edges = links(rows, await foreign_keys(bot), shared)
    starts = {
        i: reason
        for i, row in enumerate(rows)
        if (reason := identifies_someone(row, session.seen)) is not None
    }
    assert any(rows[i].table == "safety_alerts" for i in starts)  # the flagged messages
    came_from: dict[int, tuple[int | None, str]] = {i: (None, r) for i, r in starts.items()}
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        if current in marked:
            path, at = [], current
            while at is not None:
                parent, why = came_from[at]
                path.append(f"{rows[at]}  <- {why}")
                at = parent  # type: ignore[assignment]
            raise AssertionError("a chain of joins unmasks a member:\n" + "\n".join(path))
        for nxt, why in edges[current]:
            if nxt not in came_from:
                came_from[nxt] = (current, why)
                queue.append(nxt)
