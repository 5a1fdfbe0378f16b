"""/ask-mods identity: a pseudonym of its own purpose, the sealed delivery id, and data rights
finding the conversation rows by that pseudonym (export, forget, a block that stays)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.askmods import identity, store
from bot.checkins.datarights import Member, export_member, forget_member
from bot.privacy import pseudonym
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends

SECRET = b"s" * 32
GUILD, USER, OTHER = 111, 1578488821241085955, 1578488821241085999
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_pseudonym_is_purpose_specific_and_per_server() -> None:
    mine = identity.asker_pseudonym(SECRET, GUILD, USER)
    assert mine != pseudonym(SECRET, GUILD, USER)  # not linkable to check-ins by the value
    assert mine != identity.asker_pseudonym(SECRET, GUILD + 1, USER)
    assert mine == identity.asker_pseudonym(SECRET, GUILD, USER)


def test_sealed_id_opens_only_with_the_secret_and_is_never_the_same_twice() -> None:
    first, second = identity.seal(SECRET, USER), identity.seal(SECRET, USER)
    assert first != second and str(USER) not in first
    assert identity.unseal(SECRET, first) == identity.unseal(SECRET, second) == USER
    with pytest.raises(identity.SealError):
        identity.unseal(b"t" * 32, first)
    tampered = first[:40] + ("0" if first[40] != "0" else "1") + first[41:]
    with pytest.raises(identity.SealError):
        identity.unseal(SECRET, tampered)
    with pytest.raises(identity.SealError):
        identity.unseal(SECRET, "zz")


def test_labels_are_random_not_derived_from_the_member() -> None:
    labels = {identity.new_label() for _ in range(50)}
    assert len(labels) == 50 and all(label.startswith("ask-") for label in labels)


async def _conversation(db: Database, user_id: int, body: str) -> store.Conversation:
    pseudo = identity.asker_pseudonym(SECRET, GUILD, user_id)
    conversation = await store.create(
        db,
        guild_id=GUILD,
        label=identity.new_label(),
        pseudo=pseudo,
        box=identity.seal(SECRET, user_id),
        named=False,
        now=NOW,
    )
    await store.add_message(db, conversation, "member", body, NOW)
    return conversation


async def test_export_and_forget_cover_conversations_and_keep_the_block(db: Database) -> None:
    mine = await _conversation(db, USER, "my words")
    await _conversation(db, OTHER, "someone else's words")
    await store.block(db, GUILD, mine.askmods_pseudonym, mine.label, NOW)
    member = Member(
        GUILD,
        USER,
        pseudonym(SECRET, GUILD, USER),
        SECRET,
        purpose_pseudonyms=identity.data_rights_columns(SECRET, GUILD, USER),
    )

    exported = await export_member(db, member)
    assert [r["body"] for r in exported["tables"]["askmods_messages"]] == ["my words"]
    assert [r["label"] for r in exported["tables"]["askmods_conversations"]] == [mine.label]
    assert "someone else's words" not in str(exported)

    counts = await forget_member(db, member)
    assert counts["askmods_conversations"] == 1  # its messages go with it (cascade)
    remaining = await db.fetchall("SELECT body FROM askmods_messages")
    assert [r["body"] for r in remaining] == ["someone else's words"]
    assert await store.is_blocked(db, GUILD, mine.askmods_pseudonym)  # not escapable
    assert await store.opened_since(db, GUILD, mine.askmods_pseudonym, NOW) == 0


async def test_retention_cutoff_takes_the_shorter_period() -> None:
    from datetime import timedelta

    from bot.askmods.rules import KEEP_CLOSED, retention_cutoff

    assert retention_cutoff(NOW, None) == NOW - KEEP_CLOSED
    assert retention_cutoff(NOW, 7) == NOW - timedelta(days=7)
    assert retention_cutoff(NOW, 90) == NOW - KEEP_CLOSED
