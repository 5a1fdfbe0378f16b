"""The base embed builder: colours by tone, Discord's limits enforced in one place.

Feature-specific builders (one per kind of reply) live beside this file as
`bot/ui/<feature>_embeds.py` and all go through `build_embed`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import discord

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
MAX_FIELDS = 25
TOTAL_LIMIT = 6000
ELLIPSIS = "…"


class Tone(Enum):
    """Calm colours: nothing alarming-red in front of a member who is already struggling."""

    INFO = 0x5B8DB8
    CARE = 0x7FA88B
    SUPPORT = 0xC9A66B
    ALERT = 0xB5563C
    NEUTRAL = 0x8A8F98


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def build_embed(
    title: str,
    description: str | None = None,
    *,
    tone: Tone = Tone.INFO,
    fields: Iterable[tuple[str, str]] = (),
    inline: bool = False,
    footer: str | None = None,
    url: str | None = None,
) -> discord.Embed:
    """Every embed the bot sends is built here, so no reply can exceed Discord's limits."""
    embed = discord.Embed(
        title=clip(title, TITLE_LIMIT),
        description=clip(description, DESCRIPTION_LIMIT) if description else None,
        colour=tone.value,
        url=url,
    )
    for name, value in list(fields)[:MAX_FIELDS]:
        embed.add_field(
            name=clip(name or "\u200b", FIELD_NAME_LIMIT),
            value=clip(value or "\u200b", FIELD_VALUE_LIMIT),
            inline=inline,
        )
    if footer:
        embed.set_footer(text=clip(footer, FOOTER_LIMIT))
    while len(embed) > TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed
