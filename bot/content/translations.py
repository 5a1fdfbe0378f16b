"""Read content/<lang>/ (strategies, FAQ, psychoeducation, prompts and the safety replies in
another language) into a Content per language, and hold translators to the English shape.

A translation mirrors its English file: the same key paths, array lengths, ids and every
non-text value, and the same {placeholders} in every text. Only what a member reads changes.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.content.messages import placeholders
from bot.content.models import Content, ContentProblem
from bot.content.read_guidance import Refs, read_faq, read_psychoeducation, read_strategies
from bot.content.read_other import read_prompts
from bot.content.resource_translations import apply_resource_texts, resource_texts
from bot.content.schema import FileContext, Table
from bot.i18n.locales import LANGS
from bot.safety.rules import parse_responses

TRANSLATED_FILES = (
    "strategies.toml",
    "faq.toml",
    "psychoeducation.toml",
    "prompts.toml",
    "safety.toml",
    "resources.toml",
)


def _walk(node: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            _walk(value, f"{path}.{key}" if path else str(key), out)
    elif isinstance(node, list):
        out[f"{path}[]"] = len(node)
        for i, value in enumerate(node):
            _walk(value, f"{path}[{i}]", out)
    else:
        out[path] = node


def shape_problems(english: Any, theirs: Any, ctx: FileContext, *, all_prose: bool = False) -> None:
    """Every difference a translation may not have: keys, lengths, non-text values and
    placeholders. Texts that look like ids (no space, lowercase) must match too, unless every
    text in the file is prose (`all_prose`: resources.toml's translation keeps ids as keys)."""
    want: dict[str, Any] = {}
    got: dict[str, Any] = {}
    _walk(english, "", want)
    _walk(theirs, "", got)
    for path in sorted(want.keys() - got.keys()):
        ctx.add(path, "missing (the English file has it)")
    for path in sorted(got.keys() - want.keys()):
        ctx.add(path, "not in the English file")
    for path in sorted(want.keys() & got.keys()):
        a, b = want[path], got[path]
        if isinstance(a, str) and isinstance(b, str):
            if not all_prose and _is_identifier(a) and a != b:
                ctx.add(path, f"must stay {a!r} (an id, url or code, not prose)")
            elif placeholders(a) != placeholders(b):
                ctx.add(path, f"placeholders differ from English {sorted(placeholders(a))}")
        elif a != b:
            ctx.add(path, f"must stay {a!r} like the English file")


def _is_identifier(text: str) -> bool:
    return text.startswith(("http://", "https://")) or (
        bool(text) and " " not in text and text == text.lower() and len(text) <= 60
    )


def _parse(path: Path, ctx: FileContext) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        ctx.add("<file>", "file is missing")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        ctx.add("<toml>", str(exc))
    return None


def read_translation(
    directory: Path, lang: str, english: Content
) -> tuple[Content | None, list[ContentProblem]]:
    """One language's Content (English everywhere a translation does not apply: resources,
    patterns, regions), or None and what is wrong."""
    files = {name: FileContext(f"{lang}/{name}") for name in TRANSLATED_FILES}
    data = {name: _parse(directory / lang / name, files[name]) for name in TRANSLATED_FILES}
    source = {name: _parse(directory / name, FileContext(name)) for name in TRANSLATED_FILES}
    source["safety.toml"] = {"responses": (source["safety.toml"] or {}).get("responses")}
    source["resources.toml"] = resource_texts(english.regions, english.resources)
    for name, parsed in data.items():
        if parsed is not None and source[name] is not None:
            shape_problems(source[name], parsed, files[name], all_prose=name == "resources.toml")
    roots = {
        n: Table(files[n], d, "")
        for n, d in data.items()
        if d and n not in ("safety.toml", "resources.toml")
    }
    refs = Refs(
        frozenset(s.id for s in english.strategies),
        {s.id: s for s in english.sources},
        checked=True,
    )
    changes: dict[str, Any] = {}
    if "strategies.toml" in roots:
        _, changes["strategies"] = read_strategies(roots["strategies.toml"])
    if "faq.toml" in roots:
        changes["faq"] = read_faq(roots["faq.toml"], refs)
    if "prompts.toml" in roots:
        changes["prompts"] = read_prompts(roots["prompts.toml"])
    if "psychoeducation.toml" in roots:
        psycho = read_psychoeducation(roots["psychoeducation.toml"], refs)
        if psycho is not None:
            keys = ("withdrawal_reasons", "reflection_prompts", "warning_signs", "sequence")
            changes.update(zip(keys, psycho, strict=True))
    for table in roots.values():
        table.finish()
    safety = data["safety.toml"]
    if safety is not None:
        responses, found = parse_responses(safety.get("responses"))
        for path, message in found:
            files["safety.toml"].add(path, message)
        if responses is not None:
            changes["safety"] = dataclasses.replace(english.safety, responses=responses)
    if data["resources.toml"] is not None:
        changes["regions"], changes["resources"] = apply_resource_texts(
            english.regions, english.resources, data["resources.toml"]
        )
    problems = [p for ctx in files.values() for p in ctx.problems]
    if problems or len(changes) != 10:
        return None, problems
    return dataclasses.replace(english, **changes), []


def read_translations(
    directory: Path, english: Content
) -> tuple[dict[str, Content], list[ContentProblem]]:
    """Every language's Content by code; a missing language folder is a problem."""
    out: dict[str, Content] = {}
    problems: list[ContentProblem] = []
    for lang in LANGS[1:]:
        if not (directory / lang).is_dir():
            problems.append(ContentProblem(f"{lang}/", "<dir>", "translation folder is missing"))
            continue
        content, found = read_translation(directory, lang, english)
        problems.extend(found)
        if content is not None:
            out[lang] = content
    return out, problems
