"""Pseudonyms: the only identity stored next to anonymous content.

HMAC-SHA256(secret, guild id + user id). Without the secret nobody (moderators, someone with a
copy of the database) can turn a pseudonym back into a member; with both the database and the
secret one can test member ids one by one, which the README says plainly.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

PSEUDONYM_HEX_LENGTH = 32  # 128 bits: collisions are not a practical concern


def pseudonym(secret: bytes, guild_id: int, user_id: int) -> str:
    """Stable per member per server, different across servers (no cross-server linking)."""
    message = f"{guild_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_LENGTH]


def short_label(pseudo: str) -> str:
    """What moderators see for an anonymous author: enough to block, nothing to identify."""
    return f"anon-{pseudo[:8]}"


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
