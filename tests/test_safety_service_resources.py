"""Server-added resources: validated before they are stored."""

from datetime import UTC, datetime

import pytest

from bot.safety_service.server_resources import (
    MAX_PER_SERVER,
    InvalidResource,
    add_resource,
    list_resources,
    remove_resource,
    validate,
)
from bot.storage.db import Database

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
