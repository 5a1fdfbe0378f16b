"""Embeds for /resources: the checked directory by topic and region, and the server's own list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.content.models import Content
from bot.i18n import DEFAULT_LANG, t
from bot.safety_service.directory import Listing
from bot.safety_service.replies import directory_line, emergency_line, region_name, resource_line
from bot.safety_service.server_resources import ServerResource
from bot.ui.embeds import Tone, build_embed


def server_line(entry: ServerResource, lang: str = DEFAULT_LANG) -> str:
    ways = [t(lang, "resources.show.server_call", phone=entry.phone)] if entry.phone else []
    if entry.url:
        ways.append(entry.url)
    notes = f" ({entry.notes})" if entry.notes else ""
    return f"**{entry.name}**: {' · '.join(ways)}{notes}"


def _where(content: Content, found: Listing, lang: str) -> str:
    if not found.regions:
        return t(lang, "resources.show.international")
    return ", ".join(region_name(content, code, lang) for code in found.regions)


def resources_embed(
    content: Content,
    found: Listing,
    *,
    region_note: str | None = None,
    lang: str = DEFAULT_LANG,
) -> discord.Embed:
    """Both the private /resources answer (member's language) and the public /resources post
    (the server's language)."""
    several = len(found.regions) > 1
    fields: list[tuple[str, str]] = []
    for kind, entries in found.groups:
        discreet = kind == "domestic_abuse"
        lines = [
            resource_line(
                r,
                discreet_first=discreet,
                lang=lang,
                where=region_name(content, r.regions[0], lang)
                if several and r.regions[0] in found.regions
                else "",
            )
            for r in entries
        ]
        if kind == "counselling":
            lines.insert(0, f"*{t(lang, 'resources.show.counselling_note')}*")
        fields.append((t(lang, f"resources.kinds.{kind}"), "\n".join(lines)))
    if found.server_entries:
        fields.append(
            (
                t(lang, "resources.show.server_added"),
                "\n".join(server_line(e, lang) for e in found.server_entries),
            )
        )
    intro = [emergency_line(content, found.region, lang)]
    if found.topic in ("all", "abuse"):
        intro.append(t(lang, "resources.show.discreet_first"))
    fallback = directory_line(content, found.region, lang)
    if fallback:
        intro.append(fallback)
    footer = t(lang, "resources.show.footer")
    if region_note:
        footer = f"{region_note} · {footer}"
    title = t(
        lang,
        "resources.show.title",
        topic=t(lang, f"resources.topics.{found.topic}"),
        region=_where(content, found, lang),
    )
    return build_embed(title, "\n".join(intro), tone=Tone.SUPPORT, fields=fields, footer=footer)


def server_resources_embed(
    entries: Sequence[ServerResource],
    region_names: Mapping[str, str] | None = None,
    lang: str = DEFAULT_LANG,
) -> discord.Embed:
    """/resources list: what moderators have added, with topics and where each is shown."""
    names = region_names or {}
    if not entries:
        return build_embed(
            t(lang, "resources.own.list_title"), t(lang, "resources.own.list_none"), tone=Tone.INFO
        )
    everywhere = t(lang, "resources.own.everywhere")
    lines = [
        f"`{e.topic}` · {names.get(e.region, e.region) if e.region else everywhere} · "
        f"{server_line(e, lang)}"
        for e in entries
    ]
    return build_embed(
        t(lang, "resources.own.list_title_count", count=len(entries)),
        "\n".join(lines),
        tone=Tone.INFO,
        footer=t(lang, "resources.own.list_footer"),
    )
