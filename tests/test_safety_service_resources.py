"""Server-added resources: validated before they are stored."""

from datetime import UTC, datetime

import pytest

from bot.safety_service.server_resources import (
    MAX_PER_SERVER,
    InvalidResource,
    add_resource,
    is_emergency_number,
    list_resources,
    remove_resource,
    validate,
)
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_validate_cleans_whitespace() -> None:
    assert validate("  Riverside   Centre ", "counselling", " +44 20 7946 0000 ", None, None) == (
        "Riverside Centre",
        "counselling",
        "+44 20 7946 0000",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("name", "topic", "phone", "url", "notes", "problem"),
    [
        ("", "crisis", "123", None, None, "name"),
        ("A", "crisis", None, None, None, "phone number or a website"),
        ("A", "crisis", "call me", None, None, "phone number"),
        ("A", "crisis", "12", None, None, "phone number"),
        ("A", "crisis", None, "http://example.org", None, "https"),
        ("A", "crisis", None, "https://localhost", None, "https"),
        ("A", "crisis", None, "https://exa mple.org", None, "https"),
        ("A", "crisis", None, "javascript:alert(1)", None, "https"),
        ("A", "spam", "123", None, None, "topic"),
        ("@everyone", "crisis", "123", None, None, "plain text"),
        ("[click](https://evil.example)", "crisis", "123", None, None, "plain text"),
        ("A", "crisis", "123", None, "ping <@1>", "mentions"),
        ("A", "crisis", "123", None, "x" * 301, "notes"),
        ("Help\u202eenil", "crisis", "123", None, None, "U\\+202E"),
        ("Help\u2067line", "crisis", "123", None, None, "U\\+2067"),
        ("Help\u200dline", "crisis", "123", None, None, "U\\+200D"),
        ("Help\ufeff", "crisis", "123", None, None, "U\\+FEFF"),
        ("A", "crisis", "0800\u200b123", None, None, "phone number contains invisible"),
        ("A", "crisis", "123", "https://example.org/\u200e", None, "website contains invisible"),
        ("A", "crisis", "123", None, "open 9\u00ad-5", "U\\+00AD"),
        ("A", "crisis", "123", None, "join discord.gg/abc", "invite"),
        ("A", "crisis", "123", None, "join discord . gg / abc", "invite"),
        ("discordapp.com/invite/x", "crisis", "123", None, None, "invite"),
        ("A", "crisis", None, "https://discord.gg/abc", None, "invite"),
    ],
)
def test_validate_refuses_bad_entries(
    name: str, topic: str, phone: str | None, url: str | None, notes: str | None, problem: str
) -> None:
    with pytest.raises(InvalidResource, match=problem):
        validate(name, topic, phone, url, notes)


async def test_add_list_remove(db: Database) -> None:
    entry = await add_resource(
        db,
        1,
        name="Riverside Centre",
        topic="counselling",
        phone="01234 567890",
        url="https://riverside.example.org",
        notes="Mon-Fri",
        added_by=9,
        now=NOW,
    )
    assert entry.id > 0
    with pytest.raises(InvalidResource, match="already"):
        await add_resource(
            db,
            1,
            name="riverside centre",
            topic="crisis",
            phone="123",
            url=None,
            notes=None,
            added_by=9,
            now=NOW,
        )
    await add_resource(
        db,
        2,
        name="Riverside Centre",
        topic="crisis",
        phone="123",
        url=None,
        notes=None,
        added_by=9,
        now=NOW,
    )
    assert [e.name for e in await list_resources(db, 1)] == ["Riverside Centre"]
    assert await list_resources(db, 1, ("crisis",)) == []
    assert await remove_resource(db, 1, "nothing") is None
    removed = await remove_resource(db, 1, "RIVERSIDE  centre")
    assert removed is not None and removed.name == "Riverside Centre"
    assert await list_resources(db, 1) == []
    assert len(await list_resources(db, 2)) == 1


async def test_a_server_has_at_most_a_handful(db: Database) -> None:
    for i in range(MAX_PER_SERVER):
        await add_resource(
            db,
            1,
            name=f"Place {i}",
            topic="other",
            phone="123",
            url=None,
            notes=None,
            added_by=9,
            now=NOW,
        )
    with pytest.raises(InvalidResource, match="remove one first"):
        await add_resource(
            db,
            1,
            name="One more",
            topic="other",
            phone="123",
            url=None,
            notes=None,
            added_by=9,
            now=NOW,
        )


@pytest.mark.parametrize(
    ("phone", "notes", "emergency"),
    [("999", None, True), ("0 0 0", None, True), ("+1 911", None, False), ("112", "", True),
     ("0800 123 456", "or call 999 if in danger", True), ("0800 123 456", "open 9-5", False),
     (None, "costs $1,000 a year", False), ("192", None, True), ("0800 123 456", "or dial 144", True),
     ("0800 1444", None, False)],
)  # fmt: skip
def test_emergency_numbers_are_recognised(
    phone: str | None, notes: str | None, emergency: bool
) -> None:
    assert is_emergency_number(phone, notes) is emergency


async def test_entries_belong_to_a_region_unless_they_are_safe_everywhere(db: Database) -> None:
    common = {"topic": "crisis", "url": None, "notes": None, "added_by": 9, "now": NOW}
    await add_resource(db, 1, name="Police", phone="999", region="GB", **common)
    await add_resource(db, 1, name="Line", phone="0800 123 456", region=None, **common)
    with pytest.raises(InvalidResource, match="one country only"):
        await add_resource(db, 1, name="Ambulance", phone="000", region=None, **common)
    assert [e.name for e in await list_resources(db, 1, region="GB")] == ["Line", "Police"]
    assert [e.name for e in await list_resources(db, 1, region="AU")] == ["Line"]
    assert [e.region for e in await list_resources(db, 1)] == [None, "GB"]
