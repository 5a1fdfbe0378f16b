"""Pseudonyms and keyed tags: the only identities stored next to anonymous content.

One secret, a separate key per purpose (HMAC-SHA256(secret, purpose)), so values made for one
purpose cannot be joined with values made for another without the secret:

- `pseudonym()`: the check-in pseudonym, HMAC(secret, guild id + user id). It sits on the
  member's own private data (check-ins, anonymous posts, region, blocks, reports), which is
  never tied to anything a member can be seen doing in public.
- `member_key()` + `owner_tag()`: for data written *because of* something visible (a safety
  nudge under a public message, a cooldown spent at that moment). Each row gets its own tag,
  HMAC(member key for that purpose, a per-row salt): two rows of one member share no value, and
  no row shares one with the check-ins. The bot recognises a member by recomputing the tag.
- Moderators see a random label per anonymous post (`new_post_label()`), never a pseudonym.

Without the secret nobody (moderators, someone with a copy of the database) can turn any of
these back into a member; with both the database and the secret one can test member ids one by
one, which the README says plainly.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

PSEUDONYM_HEX_LENGTH = 32  # 128 bits: collisions are not a practical concern
TAG_HEX_LENGTH = 32
LABEL_PREFIX = "anon-"


def pseudonym(secret: bytes, guild_id: int, user_id: int) -> str:
    """Stable per member per server, different across servers (no cross-server linking)."""
    message = f"{guild_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_LENGTH]


def purpose_key(secret: bytes, purpose: str) -> bytes:
    """A key of its own for one purpose (a table), derived from the secret."""
    return hmac.new(secret, f"bridgeline-purpose:{purpose}".encode(), hashlib.sha256).digest()


def member_key(secret: bytes, purpose: str, guild_id: int, user_id: int) -> str:
    """A member's key for one purpose. Never stored: it only derives `owner_tag`s."""
    key = purpose_key(secret, purpose)
    return hmac.new(key, f"{guild_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def owner_tag(key: str, salt: str) -> str:
    """The tag stored on one row (`owner_tag`, next to its `tag_salt`): different for every
    salt, so rows of one member cannot be grouped without the secret."""
    digest = hmac.new(key.encode(), salt.encode(), hashlib.sha256).hexdigest()
    return digest[:TAG_HEX_LENGTH]


def new_post_label() -> str:
    """What moderators see for the author of one anonymous post: random, one per post, so a
    reveal (or a guess) about one post says nothing about the author's other posts."""
    return f"{LABEL_PREFIX}{secrets.token_hex(4)}"


def short_label(pseudo: str) -> str:
    """The label older versions showed for every post of an author (`anon-` + the pseudonym's
    first 8 characters). Kept only to find moderation records made before labels per post."""
    return f"{LABEL_PREFIX}{pseudo[:8]}"


# ---- text sanitising --------------------------------------------------------------------------
# Check-in text is cleaned for storage (invisible characters, zalgo) and, before an anonymous
# post, also made harmless in public (mentions, invite links, markdown that changes meaning)
# by bot.public_text.

MAX_MARKS_PER_BASE = 3  # enough for Thai, Hebrew or Vietnamese; zalgo stacks dozens
ZWJ = "\u200d"
_BLACK_FLAG = "\U0001f3f4"
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e")
_LINE_BREAKS = frozenset("\u2028\u2029\u0085\x0b\x0c")
_BLANK_RUNS = re.compile(r"\n{3,}")


def _is_emoji(char: str) -> bool:
    return ord(char) >= 0x2190 and unicodedata.category(char) in {"So", "Sk"}


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _keep_format_char(text: str, index: int, kept: list[str]) -> bool:
    """Format characters are dropped except inside emoji sequences (ZWJ, flag tags)."""
    char = text[index]
    if char == ZWJ:
        after = text[index + 1] if index + 1 < len(text) else ""
        before = next((c for c in reversed(kept) if not _is_variation_selector(c)), "")
        return bool(before and after) and _is_emoji(before) and _is_emoji(after)
    if 0xE0020 <= ord(char) <= 0xE007F:
        base = next((c for c in reversed(kept) if not 0xE0020 <= ord(c) <= 0xE007F), "")
        return base == _BLACK_FLAG
    return False


def clean_text(text: str) -> str:
    """For storage and display anywhere: NFC, no invisible or control characters, zalgo marks
    collapsed to a few per letter, tidy whitespace. Emoji sequences survive intact."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept: list[str] = []
    marks = 0
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if char in _LINE_BREAKS or category in {"Zl", "Zp"}:
            char, category = "\n", "Cc"
        if char == "\t" or (category == "Zs" and char != " "):
            char, category = " ", "Zs"
        if char in _INVISIBLE_LETTERS or category in {"Co", "Cn", "Cs"}:
            continue
        if category == "Cc" and char != "\n":
            continue
        if category == "Cf" and not _keep_format_char(text, index, kept):
            continue
        if category in {"Mn", "Me"} and not _is_variation_selector(char):
            marks += 1
            if marks > MAX_MARKS_PER_BASE or not kept:
                continue
        elif category not in {"Mn", "Me", "Cf"}:
            marks = 0
        kept.append(char)
    lines = [line.rstrip() for line in "".join(kept).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def has_visible_text(text: str) -> bool:
    """True when something a reader can see remains (letters, digits, punctuation or emoji)."""
    return any(
        not char.isspace()
        and unicodedata.category(char) not in {"Mn", "Me", "Cf"}
        and not _is_variation_selector(char)
        for char in text
    )
