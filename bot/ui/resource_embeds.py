"""Embeds for /resources: the checked directory by topic and region, and the server's own list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.content.models import Content
from bot.safety_service.directory import TOPIC_LABELS, Listing
from bot.safety_service.replies import directory_line, emergency_line, resource_line
from bot.safety_service.server_resources import ServerResource
from bot.ui.embeds import Tone, build_embed

KIND_HEADINGS: dict[str, str] = {
    "emergency": "Emergency",
    "crisis": "Crisis support, any time",
    "domestic_abuse": "Domestic abuse and safety",
    "counselling": "Counselling (everyday conflict)",
    "directory": "Helplines in any country",
}
COUNSELLING_NOTE = (
    "For everyday conflict. If there is fear, threats, monitoring or control, couples "
    "counselling is not recommended: use the domestic-abuse lines instead."
)
SERVER_ADDED = "Added by this server's moderators (not checked by Bridgeline)"


def server_line(entry: ServerResource) -> str:
    ways = [f"Call {entry.phone}"] if entry.phone else []
    if entry.url:
        ways.append(entry.url)
    notes = f" ({entry.notes})" if entry.notes else ""
    return f"**{entry.name}**: {' · '.join(ways)}{notes}"


def resources_embed(
    content: Content, found: Listing, *, region_note: str | None = None
) -> discord.Embed:
    """Both the private /resources answer and the public /resources post."""
    region = content.region(found.region)
    region_name = region.name if region else found.region
    fields: list[tuple[str, str]] = []
    for kind, entries in found.groups:
        discreet = kind == "domestic_abuse"
        lines = [resource_line(r, discreet_first=discreet) for r in entries]
        if kind == "counselling":
            lines.insert(0, f"*{COUNSELLING_NOTE}*")
        fields.append((KIND_HEADINGS.get(kind, kind), "\n".join(lines)))
    if found.server_entries:
        fields.append((SERVER_ADDED, "\n".join(server_line(e) for e in found.server_entries)))
    intro = [emergency_line(content, found.region)]
    if found.topic in ("all", "abuse"):
        intro.append("If it isn't safe to talk, text and chat options are listed first.")
    fallback = directory_line(content, found.region)
    if fallback:
        intro.append(fallback)
    footer = "Free and confidential unless noted. Numbers are checked regularly; tell a moderator if one is wrong."
    if region_note:
        footer = f"{region_note} · {footer}"
    return build_embed(
        f"Support resources: {TOPIC_LABELS.get(found.topic, found.topic)} ({region_name})",
        "\n".join(intro),
        tone=Tone.SUPPORT,
        fields=fields,
        footer=footer,
    )


def server_resources_embed(
    entries: Sequence[ServerResource], region_names: Mapping[str, str] | None = None
) -> discord.Embed:
    """/resources list: what moderators have added, with topics and where each is shown."""
    names = region_names or {}
    if not entries:
        return build_embed(
            "This server's own resources",
            "None yet. Add one with `/resources add` (for example a local counselling centre).",
            tone=Tone.INFO,
        )
    lines = [
        f"`{e.topic}` · {names.get(e.region, e.region) if e.region else 'everywhere'} · "
        f"{server_line(e)}"
        for e in entries
    ]
    return build_embed(
        f"This server's own resources ({len(entries)})",
        "\n".join(lines),
        tone=Tone.INFO,
        footer="Remove one with /resources remove. They appear in /resources, marked as added here.",
    )
