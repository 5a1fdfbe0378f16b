"""Notes for a member by pseudonym, and the one-time welcome marker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import member_notes
from bot.storage.db import Database
from bot.ui.help_embeds import notes_text, welcome_text

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_notes_are_taken_once_oldest_first_per_member_and_server(db: Database) -> None:
    for text in ("one", "two"):
        await member_notes.leave(db, 1, "aaa", text, NOW)
    await member_notes.leave(db, 1, "bbb", "someone else's", NOW)
    await member_notes.leave(db, 2, "aaa", "another server", NOW)
    assert (await member_notes.standing_of(db, 1, "aaa")).has_notes
    assert await member_notes.take(db, 1, "aaa") == ["one", "two"]
    assert await member_notes.take(db, 1, "aaa") == []
    assert not (await member_notes.standing_of(db, 1, "aaa")).has_notes
    assert await member_notes.take(db, 2, "aaa") == ["another server"]


async def test_a_keyed_note_is_worded_in_the_language_of_whoever_reads_it(db: Database) -> None:
    note = member_notes.Note("checkins.author_notes.removed", {"preview": "día {raro}"})
    await member_notes.leave(db, 1, "aaa", note, NOW)
    await member_notes.leave(db, 1, "bbb", note, NOW)
    assert await member_notes.take(db, 1, "aaa", "es") == [note.text("es")]
    assert await member_notes.take(db, 1, "bbb") == [note.text("en")]
    assert note.text("es") != note.text("en") and "día {raro}" in note.text("es")


async def test_at_most_a_few_notes_are_shown_at_once(db: Database) -> None:
    for i in range(member_notes.MAX_SHOWN + 2):
        await member_notes.leave(db, 1, "aaa", f"note {i}", NOW)
    assert len(await member_notes.take(db, 1, "aaa")) == member_notes.MAX_SHOWN
    assert len(await member_notes.take(db, 1, "aaa")) == 2


async def test_the_welcome_is_recorded_exactly_once(db: Database) -> None:
    assert not (await member_notes.standing_of(db, 1, "aaa")).welcomed
    assert await member_notes.mark_welcomed(db, 1, "aaa", NOW)
    assert (await member_notes.standing_of(db, 1, "aaa")).welcomed
    assert not await member_notes.mark_welcomed(db, 1, "aaa", NOW)  # recorded once only
    assert await member_notes.mark_welcomed(db, 2, "aaa", NOW)


def test_notes_text() -> None:
    assert notes_text([], welcome=False) is None
    assert notes_text([], welcome=True) == welcome_text()
    both = notes_text(["a", "b"], welcome=True)
    assert both is not None and both.startswith(welcome_text()) and "• a\n• b" in both
