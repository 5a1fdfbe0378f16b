"""Member-facing wording in five languages: content/messages/*.toml (English) and
content/<lang>/messages/*.toml, one file per feature, read into one flat catalog.

A key is "<file stem>.<dotted path>" ("checkins.saved"). Every language must have every English
key with the same {placeholders}; `check_catalog` reports what is missing so
`bridgeline check-content` fails before a member ever sees English in the wrong place.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.content.models import ContentProblem
from bot.i18n.locales import DEFAULT_LANG, LANGS

MESSAGES_DIR = "messages"


def messages_dir(content_dir: Path, lang: str) -> Path:
    """Where one language's message files live."""
    if lang == DEFAULT_LANG:
        return content_dir / MESSAGES_DIR
    return content_dir / lang / MESSAGES_DIR


def placeholders(text: str) -> frozenset[str]:
    """The {names} a text expects (format-spec and conversions ignored)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(field.split(".", 1)[0].split("[", 1)[0])
    return frozenset(names)


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str], bad: list[str]) -> None:
    for key, value in table.items():
        path = f"{prefix}.{key}"
        if isinstance(value, str):
            out[path] = value
        elif isinstance(value, Mapping):
            _flatten(path, value, out, bad)
        else:
            bad.append(path)


def _read_lang(directory: Path, problems: list[ContentProblem]) -> dict[str, str]:
    texts: dict[str, str] = {}
    if not directory.is_dir():
        return texts
    for path in sorted(directory.glob("*.toml")):
        rel = f"{directory.parent.name}/{directory.name}/{path.name}"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(ContentProblem(rel, "<toml>", str(exc)))
            continue
        bad: list[str] = []
        _flatten(path.stem, data, texts, bad)
        problems.extend(ContentProblem(rel, key, "must be a text (a string)") for key in bad)
    return texts


@dataclass(frozen=True)
class Catalog:
    """Every language's texts by key; English is complete by definition."""

    texts: Mapping[str, Mapping[str, str]]

    def text(self, lang: str, key: str, /, **fields: object) -> str:
        """The text for `key` in `lang` (English where the language is not ours), formatted.

        An unknown key is a programming error and raises KeyError; tests cover every caller.
        """
        english = self.texts[DEFAULT_LANG]
        template = self.texts.get(lang, english).get(key)
        if template is None:
            template = english[key]
        return template.format(**fields) if fields else template

    def all_keys(self) -> frozenset[str]:
        return frozenset(self.texts[DEFAULT_LANG])


def check_catalog(content_dir: Path) -> tuple[Catalog, list[ContentProblem]]:
    """Read every language and list what a translator must fix: missing or extra keys and
    placeholders that differ from English."""
    problems: list[ContentProblem] = []
    texts = {lang: _read_lang(messages_dir(content_dir, lang), problems) for lang in LANGS}
    english = texts[DEFAULT_LANG]
    for lang in LANGS[1:]:
        where = f"{lang}/{MESSAGES_DIR}"
        theirs = texts[lang]
        for key in sorted(english.keys() - theirs.keys()):
            problems.append(ContentProblem(where, key, "missing translation"))
        for key in sorted(theirs.keys() - english.keys()):
            problems.append(ContentProblem(where, key, "no such English key"))
        for key in sorted(english.keys() & theirs.keys()):
            want, got = placeholders(english[key]), placeholders(theirs[key])
            if want != got:
                problems.append(
                    ContentProblem(
                        where,
                        key,
                        f"placeholders {sorted(got)} differ from English {sorted(want)}",
                    )
                )
    frozen = {lang: MappingProxyType(found) for lang, found in texts.items()}
    return Catalog(MappingProxyType(frozen)), problems
