"""How piled-up moderator alerts are grouped into posts: in order, at most five to a post
(a row of buttons each), within Discord's 6,000 characters across a message's embeds; and the
ping line above a post names each imminent alert and pings the role once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import cache

import discord

from bot.content import default_content_dir, load_content
from bot.content.models import Content
from bot.safety_service.alerts import Alert
from bot.ui.safety_embeds import (
    ALERTS_PER_POST,
    EMBED_CHARS_PER_POST,
    alert_embed,
    alert_posts,
    post_ping,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ALERT = Alert(
    id=1, guild_id=10, source="message", categories=("crisis",), severity="high",
    channel_id=20, message_id=30, checkin_ref=None,
    jump_url="https://discord.com/channels/10/20/30", member_reply="dm", note=None,
    status="open", alert_channel_id=None, alert_message_id=None, attempts=1, claimed_by=None,
    claimed_at=None, resolved_by=None, resolved_at=None, revealed=False, created_at=NOW,
)  # fmt: skip


@cache
def content() -> Content:
    return load_content(default_content_dir())


def embeds(count: int, *, lang: str = "en") -> list[discord.Embed]:
    guidance = content().in_lang(lang).safety.responses.mod_alert
    return [alert_embed(replace(ALERT, id=n + 1), guidance, lang) for n in range(count)]


def test_a_lone_alert_is_one_post() -> None:
    assert alert_posts(embeds(1)) == [range(0, 1)]
    assert alert_posts([]) == []


def test_piled_up_alerts_fill_posts_of_five_in_order() -> None:
    posts = alert_posts(embeds(12))
    assert posts == [range(0, 5), range(5, 10), range(10, 12)]
    assert ALERTS_PER_POST == 5


def test_a_post_never_holds_more_embed_text_than_discord_allows() -> None:
    shown = embeds(9, lang="fr")
    for n, embed in enumerate(shown):  # long notes make each alert far bigger than usual
        embed.description = (embed.description or "") + "x" * (700 + 150 * n)
    posts = alert_posts(shown)
    assert [i for post in posts for i in post] == list(range(9))  # all, once, in order
    assert all(sum(len(shown[i]) for i in post) <= EMBED_CHARS_PER_POST for post in posts)
    assert any(len(post) < ALERTS_PER_POST for post in posts[:-1])  # size, not count, split


def test_the_ping_line_names_each_imminent_alert_and_pings_the_role_once() -> None:
    shown = [replace(ALERT, id=4, severity="imminent"), replace(ALERT, id=5),
             replace(ALERT, id=6, severity="imminent")]  # fmt: skip
    line = post_ping(shown, 777, "en")
    assert line is not None and line.count("<@&777>") == 1
    assert "#4" in line and "#6" in line and "#5" not in line
    assert post_ping(shown[1:2], 777, "en") is None  # nothing urgent: no ping
    unpinged = post_ping(shown[:1], None, "en")
    assert unpinged is not None and "<@&" not in unpinged
