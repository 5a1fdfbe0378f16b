"""Readers for prompts.toml and resources.toml."""

from __future__ import annotations

import re
from typing import cast

from bot.content.models import (
    CONFIDENCE_LEVELS,
    CONTACT_METHODS,
    INTERNATIONAL,
    PROMPT_THEMES,
    RESOURCE_KINDS,
    Contact,
    ContactMethod,
    Prompt,
    PromptTheme,
    Region,
    Resource,
    ResourceKind,
    fold,
)
from bot.content.schema import (
    EMBED_DESCRIPTION,
    EMBED_FIELD_VALUE,
    EMBED_TITLE,
    OPTION_DESCRIPTION,
    OPTION_LABEL,
    IdRegistry,
    Table,
    valid_phone,
)

MIN_PROMPTS = 60
_REGION_RE = re.compile(r"^[A-Z]{2}$")
_KEYWORD_RE = re.compile(r"^[A-Z0-9]{1,20}$")
# A language tag as services state them: ISO 639 ("de", "prs" for Dari), optionally a region
# ("pt-BR"). Sign languages and "several languages" go in the notes, in words.
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")


def read_prompts(root: Table) -> tuple[Prompt, ...]:
    ids = IdRegistry(root.ctx)
    prompts: list[Prompt] = []
    for t in root.tables("prompts", min_items=MIN_PROMPTS):
        pid = t.ident()
        ids.claim(pid, t.sub("id"))
        theme = t.choice("theme", PROMPT_THEMES)
        text = t.text("text", limit=EMBED_DESCRIPTION, what="embed description")
        prompts.append(Prompt(pid, cast(PromptTheme, theme), text))
        t.finish()
    return tuple(prompts)


def read_regions(root: Table) -> tuple[Region, ...]:
    codes = IdRegistry(root.ctx)
    names: dict[str, str] = {}
    regions: list[Region] = []
    for t in root.tables("regions", min_items=1):
        code = t.text("code", limit=8, what="region code")
        if code and code != INTERNATIONAL and not _REGION_RE.match(code):
            t.ctx.add(t.sub("code"), f"not an ISO 3166 alpha-2 code or '{INTERNATIONAL}': '{code}'")
        codes.claim(code, t.sub("code"))
        emergency = t.text("emergency", limit=20, what="phone number", required=False)
        if emergency and not valid_phone(emergency):
            t.ctx.add(t.sub("emergency"), f"not a phone number: '{emergency}'")
        name = t.text("name", limit=OPTION_LABEL, what="choice label")
        aliases = t.strings("aliases", limit=OPTION_LABEL, what="choice label", required=False)
        paths = [t.sub("name"), *(f"{t.sub('aliases')}[{i}]" for i in range(len(aliases)))]
        for path, each in zip(paths, (name, *aliases), strict=True):
            first = names.setdefault(fold(each), path)  # a typed name must find one region
            if first != path:
                t.ctx.add(path, f"the name '{each}' is already used at {first}")
        names.setdefault(fold(code), t.sub("code"))
        regions.append(
            Region(
                code=code,
                name=name,
                emergency=emergency,
                emergency_note=t.text(
                    "emergency_note",
                    limit=EMBED_FIELD_VALUE,
                    what="embed field value",
                    required=False,
                ),
                aliases=aliases,
            )
        )
        t.finish()
    if INTERNATIONAL not in codes.first:
        root.ctx.add("regions", f"missing the '{INTERNATIONAL}' region (the directory fallback)")
    return tuple(regions)


def _read_contact(c: Table) -> Contact:
    method = c.choice("method", CONTACT_METHODS)
    value = c.text("value", limit=OPTION_DESCRIPTION, what="select option description")
    keyword = c.text("keyword", limit=20, what="text keyword", required=False)
    if value and method in ("phone", "tty", "text") and not valid_phone(value):
        c.ctx.add(c.sub("value"), f"not a phone number: '{value}'")
    if value and method in ("chat", "url"):
        c.check_url(c.sub("value"), value)
    if keyword and (method != "text" or not _KEYWORD_RE.match(keyword)):
        c.ctx.add(c.sub("keyword"), "a keyword is one uppercase word, and only for method 'text'")
    note = c.text(
        "note", limit=OPTION_DESCRIPTION, what="select option description", required=False
    )
    c.finish()
    return Contact(cast(ContactMethod, method), value, keyword, note)


def read_resources(root: Table, regions: tuple[Region, ...]) -> tuple[Resource, ...]:
    known = {r.code for r in regions}
    ids = IdRegistry(root.ctx)
    resources: list[Resource] = []
    for t in root.tables("resources", min_items=1):
        rid = t.ident()
        ids.claim(rid, t.sub("id"))

        def check_region(path: str, code: str) -> None:
            if code not in known:
                root.ctx.add(path, f"unknown region '{code}' (add it to [[regions]] first)")

        def check_language(path: str, tag: str) -> None:
            if not _LANGUAGE_RE.match(tag):
                root.ctx.add(path, f"not a language tag such as 'de' or 'pt-BR': '{tag}'")

        resource_regions = t.strings(
            "regions", limit=8, what="region code", min_items=1, check=check_region
        )
        contacts = tuple(_read_contact(c) for c in t.tables("contacts", required=False))
        url = t.url("url", required=False)
        if not contacts and not url:
            t.ctx.add(t.path, "needs at least one contact or a url")
        resources.append(
            Resource(
                id=rid,
                name=t.text("name", limit=EMBED_TITLE, what="field name"),
                regions=resource_regions,
                area=t.text("area", limit=OPTION_LABEL, what="choice label", required=False),
                kind=cast(ResourceKind, t.choice("kind", RESOURCE_KINDS)),
                contacts=contacts,
                hours=t.text("hours", limit=OPTION_DESCRIPTION, what="select option description"),
                url=url,
                notes=t.text(
                    "notes", limit=EMBED_FIELD_VALUE, what="embed field value", required=False
                ),
                confidence=t.choice("confidence", CONFIDENCE_LEVELS),
                source_urls=t.strings(
                    "source_urls",
                    limit=EMBED_FIELD_VALUE,
                    what="URL",
                    min_items=1,
                    check=t.check_source_url,
                ),
                verified=t.iso_date("verified"),
                languages=t.strings(
                    "languages",
                    limit=12,
                    what="language tag",
                    required=False,
                    check=check_language,
                ),
            )
        )
        t.finish()
    if not any(r.kind == "directory" and INTERNATIONAL in r.regions for r in resources):
        root.ctx.add("resources", f"needs an international directory (region {INTERNATIONAL})")
    return tuple(resources)
