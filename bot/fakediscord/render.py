"""Plain-text rendering of messages, embeds, components and modals for the sandbox."""

from __future__ import annotations

import textwrap
from typing import Any

from .messages import FakeMessage, walk_components

WIDTH = 72


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        lines += textwrap.wrap(para, width) or [""]
    return lines


def render_embed(embed: dict[str, Any]) -> list[str]:
    """An embed as a box: title, description, fields, footer."""
    inner = WIDTH - 4
    body: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        body.append(author)
    if embed.get("title"):
        body.append(f"** {embed['title']} **")
    if embed.get("description"):
        body += _wrap(embed["description"], inner)
    for field in embed.get("fields") or []:
        body.append("")
        body.append(f"{field.get('name', '')}:")
        body += ["  " + line for line in _wrap(field.get("value", ""), inner - 2)]
    footer = (embed.get("footer") or {}).get("text")
    lines = ["┌" + "─" * (WIDTH - 2) + "┐"]
    lines += [f"│ {line:<{inner}} │" for line in body]
    if footer:
        lines.append("├" + "─" * (WIDTH - 2) + "┤")
        lines += [f"│ {line:<{inner}} │" for line in _wrap(footer, inner)]
    lines.append("└" + "─" * (WIDTH - 2) + "┘")
    return lines


def render_components(components: list[dict[str, Any]]) -> list[str]:
    """Buttons numbered [1 Label], select menus numbered (select 1)."""
    lines: list[str] = []
    buttons: list[str] = []
    selects = 0
    for comp in walk_components(components):
        if comp.get("type") == 2:
            label = comp.get("label") or (comp.get("emoji") or {}).get("name") or "?"
            state = " (disabled)" if comp.get("disabled") else ""
            link = f" -> {comp['url']}" if comp.get("url") else ""
            buttons.append(f"[{len(buttons) + 1} {label}{state}{link}]")
        elif comp.get("type") in (3, 5, 6, 7, 8):
            selects += 1
            placeholder = comp.get("placeholder") or comp.get("custom_id")
            options = ", ".join(o.get("value", "") for o in comp.get("options") or [])
            kinds = {5: "users", 6: "roles", 7: "users/roles", 8: "channels"}
            shown = options or kinds.get(comp["type"], "")
            lines.append(f"(select {selects}) {placeholder}: {shown}")
        elif comp.get("type") == 10:
            lines += _wrap(comp.get("content") or "", WIDTH)
    if buttons:
        lines.insert(0, " ".join(buttons))
    return lines


def render_message(msg: FakeMessage, *, edited: bool = False) -> list[str]:
    """A message with a header naming channel, author and visibility."""
    if msg.channel.type == 1:
        assert msg.channel.recipient is not None
        who = msg.channel.recipient.name
        where = f"DM to {who}" if msg.author.bot else f"DM from {who}"
    else:
        where = f"#{msg.channel.name}"
    notes = []
    if msg.ephemeral:
        notes.append("only you can see this")
    if edited:
        notes.append("edited")
    if msg.flags & 128:
        notes.append("thinking...")
    note = f" ({', '.join(notes)})" if notes else ""
    lines = [f"{where} | {msg.author.name}{note}:"]
    lines += ["  " + line for line in _wrap(msg.content, WIDTH - 2)] if msg.content else []
    for embed in msg.embeds:
        lines += ["  " + line for line in render_embed(embed)]
    lines += ["  " + line for line in render_components(msg.components)]
    if msg.deleted:
        lines = [f"{where} | {msg.author.name}: (message deleted)"]
    return lines


def render_modal(modal: dict[str, Any]) -> list[str]:
    """A modal's fields, with the ids to use in ``:submit``."""
    lines = [f"[form] {modal.get('title', '')}"]
    for top in modal.get("components") or []:
        label = top.get("label")
        for comp in walk_components([top]):
            if comp.get("type") == 10:  # a text display: what the form says, e.g. today's prompt
                lines.extend(f"  {line}" for line in str(comp.get("content", "")).splitlines())
                continue
            if comp.get("type") not in (3, 4, 5, 6, 7, 8):  # text input or a select menu
                continue
            need = "required" if comp.get("required", True) else "optional"
            name = comp.get("label") or label or "(no label)"
            choices = ", ".join(
                f"{o['value']}={o['label']}" if o.get("label") != o["value"] else o["value"]
                for o in comp.get("options") or []
            )
            pick = f"; pick one of: {choices}" if choices else ""
            lines.append(f"  - {name} ({comp['custom_id']}, {need}{pick})")
    lines.append('  answer with :submit field="your text" ...')
    return lines
