"""Frozen dataclasses for Bridgeline's content; content/README.md documents every field."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.content.messages import Catalog
    from bot.safety.rules import SafetyRules

ResourceKind = Literal["emergency", "crisis", "domestic_abuse", "counselling", "directory"]
ContactMethod = Literal["phone", "text", "tty", "chat", "url"]
PromptTheme = Literal["self", "relationship", "needs_boundaries", "gratitude", "connection"]

RESOURCE_KINDS: tuple[ResourceKind, ...] = (
    "emergency",
    "crisis",
    "domestic_abuse",
    "counselling",
    "directory",
)
CONTACT_METHODS: tuple[ContactMethod, ...] = ("phone", "text", "tty", "chat", "url")
PROMPT_THEMES: tuple[PromptTheme, ...] = (
    "self",
    "relationship",
    "needs_boundaries",
    "gratitude",
    "connection",
)
CONFIDENCE_LEVELS = ("high", "medium")
INTERNATIONAL = "INTL"


def fold(text: str) -> str:
    """Case- and accent-blind form of a name, so "espana" finds "España"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong with a content file, phrased for the person editing it."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class ContentError(Exception):
    """Raised by load_content when any file has a problem; lists every problem."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Script:
    id: str
    strategy_id: str
    text: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Strategy:
    id: str
    title: str
    summary: str
    why: str
    when_to_use: str
    when_not_to_use: str
    scripts: tuple[Script, ...]
    fallback: str
    mistake: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    tags: tuple[str, ...]
    abuse_related: bool
    resource_kinds: tuple[ResourceKind, ...]
    related_strategies: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Prompt:
    id: str
    theme: PromptTheme
    text: str


@dataclass(frozen=True)
class WithdrawalReason:
    id: str
    title: str
    summary: str
    body: str
    what_helps: str
    abuse_related: bool
    resource_kinds: tuple[ResourceKind, ...]
    related_strategies: tuple[str, ...]


@dataclass(frozen=True)
class ReflectionPrompt:
    id: str
    text: str


@dataclass(frozen=True)
class WarningSign:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Contrast:
    """One row of the 'healthy break vs silence used as control' comparison."""

    healthy: str
    control: str


@dataclass(frozen=True)
class WarningSigns:
    title: str
    intro: str
    signs: tuple[WarningSign, ...]
    contrasts: tuple[Contrast, ...]
    closing: str
    resource_kinds: tuple[ResourceKind, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class SequenceStep:
    label: str
    text: str
    strategy_id: str


@dataclass(frozen=True)
class Contact:
    method: ContactMethod
    value: str
    keyword: str
    note: str

    def display(self) -> str:
        """Human wording, e.g. 'Text HOME to 741741' or 'Call 116 123'."""
        if self.method == "text":
            core = f"Text {self.keyword} to {self.value}" if self.keyword else f"Text {self.value}"
        elif self.method == "phone":
            core = f"Call {self.value}"
        elif self.method == "tty":
            core = f"TTY {self.value}"
        elif self.method == "chat":
            core = f"Chat: {self.value}"
        else:
            core = self.value
        return f"{core} ({self.note})" if self.note else core


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    regions: tuple[str, ...]
    area: str
    kind: ResourceKind
    contacts: tuple[Contact, ...]
    hours: str
    url: str
    notes: str
    confidence: str
    source_urls: tuple[str, ...]
    verified: date
    languages: tuple[str, ...] = ()  # language tags the service answers in, as it states them


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    emergency: str
    emergency_note: str
    aliases: tuple[str, ...] = ()  # the country's own names ("Deutschland"), for search

    def names(self) -> tuple[str, ...]:
        return (self.code, self.name, *self.aliases)


@dataclass(frozen=True)
class Content:
    strategies: tuple[Strategy, ...]
    faq: tuple[FaqEntry, ...]
    prompts: tuple[Prompt, ...]
    withdrawal_reasons: tuple[WithdrawalReason, ...]
    reflection_prompts: tuple[ReflectionPrompt, ...]
    warning_signs: WarningSigns
    sequence: tuple[SequenceStep, ...]
    resources: tuple[Resource, ...]
    regions: tuple[Region, ...]
    sources: tuple[Source, ...]
    safety: SafetyRules
    # Member-facing wording of every feature (content/messages/, content/<lang>/messages/).
    messages: Catalog | None = None
    # The same content in each other language we speak (content/<lang>/), by language code.
    translations: Mapping[str, Content] = field(default_factory=lambda: MappingProxyType({}))

    def in_lang(self, lang: str) -> Content:
        """This content in `lang` where a translation exists, else itself (English)."""
        return self.translations.get(lang, self)

    @property
    def scripts(self) -> tuple[Script, ...]:
        return tuple(s for strategy in self.strategies for s in strategy.scripts)

    def strategy(self, id: str) -> Strategy | None:
        return next((s for s in self.strategies if s.id == id), None)

    def script(self, id: str) -> Script | None:
        return next((s for s in self.scripts if s.id == id), None)

    def faq_entry(self, id: str) -> FaqEntry | None:
        return next((f for f in self.faq if f.id == id), None)

    def prompt(self, id: str) -> Prompt | None:
        return next((p for p in self.prompts if p.id == id), None)

    def prompts_by_theme(self, theme: str) -> tuple[Prompt, ...]:
        return tuple(p for p in self.prompts if p.theme == theme)

    def withdrawal_reason(self, id: str) -> WithdrawalReason | None:
        return next((r for r in self.withdrawal_reasons if r.id == id), None)

    def resource(self, id: str) -> Resource | None:
        return next((r for r in self.resources if r.id == id), None)

    def region(self, code: str) -> Region | None:
        wanted = code.upper()
        return next((r for r in self.regions if r.code == wanted), None)

    def find_region(self, text: str) -> Region | None:
        """The region whose code, English name or own name is `text` (any case or accents)."""
        wanted = fold(text)
        return next((r for r in self.regions if wanted in {fold(n) for n in r.names()}), None)

    def regions_matching(self, query: str) -> tuple[Region, ...]:
        """Regions whose code or any name contains `query`, in menu order (for autocomplete)."""
        needle = fold(query)
        return tuple(r for r in self.regions if any(needle in fold(n) for n in r.names()))

    def resources_for(
        self, region: str | None, kinds: tuple[str, ...] | None = None
    ) -> tuple[Resource, ...]:
        """Resources for a region (in file order), then the international directories.

        An unknown or missing region gives only the international entries, because a
        wrong-country number is worse than a directory (resources.md, note 1).
        """
        code = region.upper() if region else INTERNATIONAL
        local = tuple(
            r
            for r in self.resources
            if code != INTERNATIONAL and code in r.regions and (kinds is None or r.kind in kinds)
        )
        international = tuple(
            r
            for r in self.resources
            if INTERNATIONAL in r.regions
            and (kinds is None or r.kind in kinds or r.kind == "directory")
        )
        return local + international
