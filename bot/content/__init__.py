"""Loads and validates content/*.toml into frozen dataclasses; the only reader of content/.

`check_content` collects every problem (with file and path) instead of stopping at the first,
so `bridgeline check-content` can show a contributor everything to fix in one run.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.content.messages import check_catalog
from bot.content.models import (
    Contact,
    Content,
    ContentError,
    ContentProblem,
    Contrast,
    FaqEntry,
    Prompt,
    ReflectionPrompt,
    Region,
    Resource,
    Script,
    SequenceStep,
    Source,
    Strategy,
    WarningSign,
    WarningSigns,
    WithdrawalReason,
)
from bot.content.read_guidance import Refs, read_faq, read_psychoeducation, read_strategies
from bot.content.read_other import read_prompts, read_regions, read_resources
from bot.content.schema import FileContext, Table
from bot.content.translations import read_translations
from bot.safety.rules import SafetyRules, parse_safety_rules

__all__ = [
    "CONTENT_FILES",
    "Contact",
    "Content",
    "ContentError",
    "ContentProblem",
    "Contrast",
    "FaqEntry",
    "Prompt",
    "ReflectionPrompt",
    "Region",
    "Resource",
    "Script",
    "SequenceStep",
    "Source",
    "Strategy",
    "WarningSign",
    "WarningSigns",
    "WithdrawalReason",
    "check_content",
    "default_content_dir",
    "load_content",
    "safety_categories",
    "summarize",
]

log = logging.getLogger(__name__)

CONTENT_FILES = (
    "strategies.toml",
    "faq.toml",
    "prompts.toml",
    "psychoeducation.toml",
    "resources.toml",
    "safety.toml",
)
_TOML_POSITION = re.compile(
    r"^(?P<msg>.*?)\s*\(at (?P<where>line \d+, column \d+|end of document)\)$"
)


def default_content_dir() -> Path:
    """The shipped content/ next to the bot package, independent of the working directory."""
    return Path(__file__).resolve().parent.parent.parent / "content"


def _parse(directory: Path, name: str, ctx: FileContext) -> dict[str, Any] | None:
    path = directory / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        ctx.add("<file>", "file is missing")
        return None
    except OSError as exc:
        ctx.add("<file>", f"cannot be read: {exc.strerror or exc}")
        return None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        ctx.add("<toml>", f"not valid UTF-8 (byte {exc.start})")
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        match = _TOML_POSITION.match(text)
        if match:
            text = f"{match['where']}: {match['msg']}"
        ctx.add("<toml>", text)
    return None


def _unknown_files(directory: Path) -> list[ContentProblem]:
    if not directory.is_dir():
        return [ContentProblem(str(directory), "<dir>", "content directory does not exist")]
    expected = ", ".join(CONTENT_FILES)
    return [
        ContentProblem(path.name, "<file>", f"unknown content file (expected: {expected})")
        for path in sorted(directory.glob("*.toml"))
        if path.name not in CONTENT_FILES
    ]


def check_content(directory: Path) -> tuple[Content | None, list[ContentProblem]]:
    """Read and validate every content file; the Content is None when any problem was found."""
    files = {name: FileContext(name) for name in CONTENT_FILES}
    data = {name: _parse(directory, name, ctx) for name, ctx in files.items()}
    roots = {
        name: Table(files[name], parsed, "")
        for name, parsed in data.items()
        if parsed is not None and name != "safety.toml"
    }

    sources: tuple[Source, ...] = ()
    strategies: tuple[Strategy, ...] = ()
    if "strategies.toml" in roots:
        sources, strategies = read_strategies(roots["strategies.toml"])
    # When strategies.toml did not parse, references to it cannot be judged: skip them
    # rather than report a cascade of "unknown strategy id" problems.
    refs = Refs(
        frozenset(s.id for s in strategies),
        {s.id: s for s in sources},
        checked="strategies.toml" in roots,
    )
    faq = read_faq(roots["faq.toml"], refs) if "faq.toml" in roots else ()
    prompts = read_prompts(roots["prompts.toml"]) if "prompts.toml" in roots else ()
    psycho = None
    if "psychoeducation.toml" in roots:
        psycho = read_psychoeducation(roots["psychoeducation.toml"], refs)
    regions: tuple[Region, ...] = ()
    resources: tuple[Resource, ...] = ()
    if "resources.toml" in roots:
        regions = read_regions(roots["resources.toml"])
        resources = read_resources(roots["resources.toml"], regions)
    for table in roots.values():
        table.finish()

    safety = _read_safety(data["safety.toml"], files["safety.toml"])

    problems = [p for ctx in files.values() for p in ctx.problems] + _unknown_files(directory)
    catalog, catalog_problems = check_catalog(directory)
    problems += catalog_problems
    if problems or psycho is None or safety is None:
        return None, problems
    reasons, reflection, warning_signs, sequence = psycho
    content = Content(
        strategies=strategies,
        faq=faq,
        prompts=prompts,
        withdrawal_reasons=reasons,
        reflection_prompts=reflection,
        warning_signs=warning_signs,
        sequence=sequence,
        resources=resources,
        regions=regions,
        sources=sources,
        safety=safety,
        messages=catalog,
    )
    translations, translation_problems = read_translations(directory, content)
    if translation_problems:
        return None, translation_problems
    return dataclasses.replace(content, translations=MappingProxyType(translations)), []


def _read_safety(data: dict[str, Any] | None, ctx: FileContext) -> SafetyRules | None:
    """safety.toml belongs to bot.safety; map its problems into ours."""
    if data is None:
        return None
    rules, problems = parse_safety_rules(data)
    for path, message in problems:
        ctx.add(path, message)
    if rules is None and not problems:
        ctx.add("<file>", "safety rules were not loaded")
    return rules


def load_content(directory: Path) -> Content:
    """Load the content or raise ContentError listing every problem."""
    content, problems = check_content(directory)
    if content is None:
        raise ContentError(problems)
    log.debug("loaded content from %s", directory)
    return content


def summarize(content: Content) -> str:
    """One line for `bridgeline check-content` when everything is clean."""
    return (
        f"content OK: {len(content.strategies)} strategies, {len(content.scripts)} scripts, "
        f"{len(content.faq)} FAQ, {len(content.prompts)} prompts, "
        f"{len(content.resources)} resources, {safety_categories(content)} safety categories"
    )


def safety_categories(content: Content) -> int:
    """How many kinds of risk the safety rules look for (crisis, abuse...)."""
    return len({p.category for p in content.safety.patterns})
