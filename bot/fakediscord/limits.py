"""Documented Discord limits that the OpenAPI spec states more loosely (or not at all)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

NAME_RE = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")

EMBED_FIELDS = {"title": 256, "description": 4096}
TOTAL_EMBED_CHARS = 6000


def _walk_components(components: Any, path: str) -> Iterator[tuple[str, dict]]:
    """Yield every component (nested rows, sections, containers, labels) with its JSON path."""
    if not isinstance(components, list):
        return
    for i, comp in enumerate(components):
        if not isinstance(comp, dict):
            continue
        here = f"{path}[{i}]"
        yield here, comp
        yield from _walk_components(comp.get("components"), f"{here}.components")
        child = comp.get("component")
        if isinstance(child, dict):
            yield f"{here}.component", child
        accessory = comp.get("accessory")
        if isinstance(accessory, dict):
            yield f"{here}.accessory", accessory


def _embed_chars(embed: dict) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def check_message(data: Any, path: str = "$") -> list[tuple[str, str]]:
    """Limits for a message body: content, embeds, components, custom_ids."""
    if not isinstance(data, dict):
        return []
    out: list[tuple[str, str]] = []
    content = data.get("content")
    if isinstance(content, str) and len(content) > 2000:
        out.append((f"{path}.content", f"content is {len(content)} chars (limit 2000)"))
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        out.append((f"{path}.embeds", f"{len(embeds)} embeds (limit 10)"))
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        out += _check_embed(embed, f"{path}.embeds[{i}]")
        total += _embed_chars(embed)
    if total > TOTAL_EMBED_CHARS:
        out.append((f"{path}.embeds", f"{total} chars across embeds (limit 6000)"))
    out += check_components(data.get("components"), f"{path}.components")
    return out


def _check_embed(embed: dict, path: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, limit in EMBED_FIELDS.items():
        value = embed.get(key)
        if isinstance(value, str) and len(value) > limit:
            out.append((f"{path}.{key}", f"{key} is {len(value)} chars (limit {limit})"))
    fields = embed.get("fields") or []
    if len(fields) > 25:
        out.append((f"{path}.fields", f"{len(fields)} fields (limit 25)"))
    for j, field in enumerate(fields):
        for key, limit in (("name", 256), ("value", 1024)):
            value = field.get(key) or ""
            if len(value) > limit:
                out.append((f"{path}.fields[{j}].{key}", f"{len(value)} chars (limit {limit})"))
    footer = (embed.get("footer") or {}).get("text") or ""
    if len(footer) > 2048:
        out.append((f"{path}.footer.text", f"{len(footer)} chars (limit 2048)"))
    author = (embed.get("author") or {}).get("name") or ""
    if len(author) > 256:
        out.append((f"{path}.author.name", f"{len(author)} chars (limit 256)"))
    return out


def check_components(components: Any, path: str) -> list[tuple[str, str]]:
    """custom_id length and select option counts, wherever the component is nested."""
    out: list[tuple[str, str]] = []
    for here, comp in _walk_components(components, path):
        custom_id = comp.get("custom_id")
        if isinstance(custom_id, str) and len(custom_id) > 100:
            out.append((f"{here}.custom_id", f"custom_id is {len(custom_id)} chars (limit 100)"))
        options = comp.get("options")
        if comp.get("type") == 3 and isinstance(options, list) and len(options) > 25:
            out.append((f"{here}.options", f"{len(options)} select options (limit 25)"))
    return out


def check_modal(data: Any, path: str = "$.data") -> list[tuple[str, str]]:
    """Modal: title 45, 1-5 top-level components, text input label 45 / placeholder 100."""
    if not isinstance(data, dict):
        return []
    out: list[tuple[str, str]] = []
    title = data.get("title") or ""
    if len(title) > 45:
        out.append((f"{path}.title", f"modal title is {len(title)} chars (limit 45)"))
    top = data.get("components") or []
    if not 1 <= len(top) <= 5:
        out.append((f"{path}.components", f"{len(top)} modal components (allowed 1-5)"))
    for here, comp in _walk_components(top, f"{path}.components"):
        for key, limit in (("label", 45), ("placeholder", 100), ("value", 4000)):
            value = comp.get(key)
            if isinstance(value, str) and len(value) > limit:
                out.append((f"{here}.{key}", f"{key} is {len(value)} chars (limit {limit})"))
    out += check_components(top, f"{path}.components")
    return out


def check_choices(choices: Any, path: str) -> list[tuple[str, str]]:
    """Autocomplete and static choices: at most 25, name 1-100, string value up to 100."""
    if not isinstance(choices, list):
        return []
    out: list[tuple[str, str]] = []
    if len(choices) > 25:
        out.append((path, f"{len(choices)} choices (limit 25)"))
    for i, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= 100:
            out.append((f"{path}[{i}].name", f"choice name is {len(name)} chars (allowed 1-100)"))
        value = choice.get("value")
        if isinstance(value, str) and len(value) > 100:
            out.append((f"{path}[{i}].value", f"choice value is {len(value)} chars (limit 100)"))
    return out


def _command_chars(cmd: dict) -> int:
    total = len(cmd.get("name") or "") + len(cmd.get("description") or "")
    for opt in cmd.get("options") or []:
        total += _command_chars(opt)
        for choice in opt.get("choices") or []:
            total += len(choice.get("name") or "") + len(str(choice.get("value") or ""))
    return total


def _check_option_tree(node: dict, path: str, is_command: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    name = node.get("name") or ""
    is_slash = not is_command or node.get("type", 1) == 1
    if is_slash and (not NAME_RE.match(name) or name != name.lower()):
        out.append((f"{path}.name", f"name {name!r} must be 1-32 lowercase letters/digits/-_'"))
    description = node.get("description")
    if is_slash and not 1 <= len(description or "") <= 100:
        out.append((f"{path}.description", "description must be 1-100 chars"))
    if is_slash:
        for locale, local in (node.get("name_localizations") or {}).items():
            if not isinstance(local, str) or not NAME_RE.match(local) or local != local.lower():
                out.append(
                    (
                        f"{path}.name_localizations.{locale}",
                        f"name {local!r} must be 1-32 lowercase letters/digits/-_'",
                    )
                )
    options = node.get("options") or []
    if len(options) > 25:
        out.append((f"{path}.options", f"{len(options)} options (limit 25)"))
    out += check_choices(node.get("choices"), f"{path}.choices")
    out += _sibling_names([o for o in options if isinstance(o, dict)], f"{path}.options")
    for i, opt in enumerate(options):
        if isinstance(opt, dict):
            out += _check_option_tree(opt, f"{path}.options[{i}]", False)
    return out


def _sibling_names(siblings: list[dict], path: str) -> list[tuple[str, str]]:
    """Names must be unique among siblings, in every locale too (a localised name counts for
    its locale; a sibling without one shows its default name there)."""
    out: list[tuple[str, str]] = []
    defaults = [str(n.get("name") or "") for n in siblings]
    locales = {loc for n in siblings for loc in n.get("name_localizations") or {}}
    for locale in [None, *sorted(locales)]:
        seen: set[Any] = set()
        for node, default in zip(siblings, defaults, strict=True):
            shown = (
                (node.get("name_localizations") or {}).get(locale, default) if locale else default
            )
            if shown in seen:
                where = f" in {locale}" if locale else ""
                out.append((path, f"two siblings are both named {shown!r}{where}"))
            seen.add(shown)
    return out


def check_commands(commands: Any, path: str = "$") -> list[tuple[str, str]]:
    """Bulk command upload: names, descriptions, option and choice counts, 4000 chars each."""
    if not isinstance(commands, list):
        return []
    out: list[tuple[str, str]] = []
    per_type: dict[int, int] = {}
    for i, cmd in enumerate(commands):
        if not isinstance(cmd, dict):
            continue
        kind = cmd.get("type", 1)
        per_type[kind] = per_type.get(kind, 0) + 1
        out += _check_option_tree(cmd, f"{path}[{i}]", True)
        if kind == 1 and _command_chars(cmd) > 4000:
            out.append((f"{path}[{i}]", "command exceeds 4000 chars in all"))
    for kind in (1, 2, 3):
        same = [c for c in commands if isinstance(c, dict) and c.get("type", 1) == kind]
        out += _sibling_names(same, path)
    if per_type.get(1, 0) > 100:
        out.append((path, f"{per_type[1]} slash commands (limit 100)"))
    for kind in (2, 3):
        if per_type.get(kind, 0) > 5:
            out.append((path, f"{per_type[kind]} context-menu commands of type {kind} (limit 5)"))
    return out
