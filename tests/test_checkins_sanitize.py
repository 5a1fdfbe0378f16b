"""Text cleaning (bot.privacy) and public sanitising for anonymous posts (bot.public_text)."""

from __future__ import annotations

import pytest

from bot.privacy import clean_text, has_visible_text
from bot.public_text import INVITE_REPLACEMENT, MAX_PUBLIC_LINES, ZWSP, sanitize_public


@pytest.mark.parametrize(
    "emoji",
    [
        "👩\u200d❤️\u200d👨",  # ZWJ sequence with a variation selector
        "🏳️\u200d🌈",
        "1️⃣",  # keycap: digit, VS16, enclosing mark
        "👩🏽\u200d💻",  # skin tone + ZWJ
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # tag sequence flag
    ],
)
def test_emoji_sequences_survive(emoji: str) -> None:
    assert clean_text(f"feeling {emoji} today") == f"feeling {emoji} today"


def test_invisible_and_bidi_characters_are_dropped() -> None:
    assert clean_text("a\u200bb\u202ec\u2066d\u2069\ufeff") == "abcd"
    assert clean_text("x\u200dy") == "xy"  # a ZWJ between letters is only a hiding place


@pytest.mark.parametrize("blank", ["", "   ", "\n\t\n", "\u200b\u200b", "\u3164\u2800", "\u0301"])
def test_blank_text_has_nothing_visible(blank: str) -> None:
    assert not has_visible_text(clean_text(blank))


def test_zalgo_is_collapsed_but_real_accents_stay() -> None:
    zalgo = "h" + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308" * 4 + "i"
    cleaned = clean_text(zalgo)
    assert len(cleaned) <= 2 + 3
    assert cleaned.startswith("h") and cleaned.endswith("i")
    for text in ("Tiếng Việt", "ไม่ได้", "שָׁלוֹם", "naïve café"):
        assert clean_text(text) == text


def test_whitespace_is_tidied() -> None:
    assert clean_text("  a\t b \r\n\n\n\n\nc  ") == "a  b\n\nc"
    assert clean_text("a\u2028b\u00a0c") == "a\nb c"


def test_mentions_are_escaped() -> None:
    result = sanitize_public("hey @everyone and @here, <@123456789012345678> <@!42> <@&77>")
    assert "@everyone" not in result.text and f"@{ZWSP}everyone" in result.text
    assert f"@{ZWSP}here" in result.text
    assert f"<@{ZWSP}123456789012345678>" in result.text
    assert f"<@{ZWSP}!42>" in result.text and f"<@{ZWSP}&77>" in result.text
    assert result.mentions_escaped == 5


def test_mentions_hidden_with_invisible_characters_are_still_escaped() -> None:
    result = sanitize_public("@\u200beve\u200dryone <\u200b@123>")
    assert result.text == f"@{ZWSP}everyone <@{ZWSP}123>"


@pytest.mark.parametrize(
    "invite",
    [
        "discord.gg/abcDEF",
        "https://discord.gg/abc",
        "http://www.discord.com/invite/abc-def",
        "discordapp.com/invite/xyz",
        "discord . gg / spaced",
        "discord\\.gg/escaped",
        "https://dsc.gg/short",
    ],
)
def test_invite_links_are_removed(invite: str) -> None:
    result = sanitize_public(f"join {invite} now")
    assert result.text == f"join {INVITE_REPLACEMENT} now"
    assert result.invites_removed == 1


def test_other_discord_links_are_kept() -> None:
    text = "see https://discord.com/channels/1/2/3"
    assert sanitize_public(text).text == text


def test_markdown_tricks_are_neutralised() -> None:
    result = sanitize_public("[safe link](https://evil.example)\n# HUGE\n  ## big\n-# tiny")
    lines = result.text.split("\n")
    assert lines[0] == "safe link (https://evil.example)"
    assert lines[1] == "\\# HUGE" and lines[2] == "  \\## big" and lines[3] == "\\-# tiny"


def test_ordinary_markdown_and_hashtags_are_kept() -> None:
    text = "**bold** _soft_ ||spoiler: sad news|| #hashtag > quote"
    assert sanitize_public(text).text == text


def test_walls_of_lines_are_folded() -> None:
    text = "\n".join(f"line {i}" for i in range(100))
    lines = sanitize_public(text).text.split("\n")
    assert len(lines) == MAX_PUBLIC_LINES
    assert lines[-1].endswith("line 99")
