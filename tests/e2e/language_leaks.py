"""Find English shown to someone whose Discord language we speak (issue 19).

`Watched` drives the fake Discord as one person and keeps every text the bot shows them in
answer (message content, embeds, buttons, selects, modals, autocomplete choices, edits and
followups), so a test runs the flows and then asks `english_leaks(...)`. Add a flow by driving
it through `Watched` instead of `FakeDiscord`; nothing else needs to change.

Four checks, each on text with what the person typed, URLs, mentions, code and names taken out:
- a text that is, whole, the English of a catalog key (a "Next" button left unlabelled);
- an English catalog value of 3+ words (any key whose English differs from the language's own
  wording) appears in the text: a reply built with the wrong `lang`, or a literal that was
  moved to the catalog but is still used as is;
- a slash command named in English ("/strategy list") where the member's Discord shows it
  under another name (needs the running bot, which installs its command names);
- a sentence of 4+ words made mostly (>= 50%) of English function words that are not words of
  the member's language: English that never went through the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.fakediscord import FakeDiscord, FakeMessage
from bot.fakediscord.interactions import Interaction
from bot.fakediscord.state import Guild, Member, User
from bot.i18n import DEFAULT_LANG, LANGS, localize_mentions

#: Common English function words that are not also words of one of our other languages
#: (so no "a", "on", "was", "in", "an", "so", "die", "no", "do", "as", "me", "has", "will").
_FUNCTION_WORDS_TEXT = """the and or but if to of at for with from by about into than then my we us our you
    your yours it its is are were be been being does did have had would can could should
    this that these those there here what which who how when where why just very too also
    still only any some more most not don't can't won't isn't it's you're i'm they them
    their he she his her him our anyone something nothing anything again yet after before
    until while because"""
ENGLISH_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
#: Words of each language that look like English function words (kept out per language).
_FALSE_FRIENDS: Mapping[str, frozenset[str]] = {
    "es": frozenset({"he"}),  # "he" is haber: "he visto"
    "fr": frozenset(),
    "de": frozenset({"but"}),
    "pt": frozenset(),
}

_NOT_WORDS = re.compile(
    r"https?://\S+|<[@#/:a-zA-Z!&][^>]*>|`[^`]*`|\{[^}]*\}|[\w.+-]+@[\w-]+\.[\w.]+|\d[\d:./-]*"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+|\s[·•—–]\s")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


@dataclass(frozen=True)
class Shown:
    """One text the bot showed the watched person, and where (for the failure message)."""

    where: str
    text: str


def embed_texts(embed: Mapping[str, Any]) -> Iterator[str]:
    yield embed.get("title") or ""
    yield embed.get("description") or ""
    for fld in embed.get("fields") or []:
        yield fld.get("name") or ""
        yield fld.get("value") or ""
    yield (embed.get("footer") or {}).get("text") or ""
    yield (embed.get("author") or {}).get("name") or ""


def component_texts(components: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """Labels, placeholders, option labels and descriptions, text displays, at any depth."""
    for comp in components:
        for key in ("label", "placeholder", "description", "content", "title"):
            value = comp.get(key)
            if isinstance(value, str):
                yield value
        for option in comp.get("options") or []:
            yield option.get("label") or ""
            yield option.get("description") or ""
        nested = list(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                nested.append(comp[key])
        yield from component_texts(nested)


def message_texts(message: FakeMessage) -> Iterator[str]:
    """Everything a message shows now and showed before each edit."""
    for earlier in message.history:
        yield earlier.get("content") or ""
        for embed in earlier.get("embeds") or []:
            yield from embed_texts(embed)
    yield message.content
    for embed in message.embeds:
        yield from embed_texts(embed)
    yield from component_texts(message.components)


def callback_texts(data: Mapping[str, Any]) -> Iterator[str]:
    """A callback body: message content, embeds, components, a modal, autocomplete choices."""
    yield data.get("content") or ""
    yield data.get("title") or ""
    for embed in data.get("embeds") or []:
        yield from embed_texts(embed)
    yield from component_texts(data.get("components") or [])
    for choice in data.get("choices") or []:
        yield choice.get("name") or ""


@dataclass
class Watched:
    """One person using the bot through the fake Discord; every answer they see is kept."""

    fake: FakeDiscord
    who: Member | User
    channel: Any = None
    #: What the person typed (option values, modal fields): theirs, never a leak.
    typed: list[str] = field(default_factory=list)
    interactions: list[tuple[str, Interaction]] = field(default_factory=list)
    choices: list[Shown] = field(default_factory=list)

    def _typed(self, values: Mapping[str, Any] | None) -> None:
        for value in (values or {}).values():
            if isinstance(value, str):
                self.typed.append(value)

    def _keep(self, where: str, inter: Interaction) -> Interaction:
        self.interactions.append((where, inter))
        return inter

    async def slash(self, path: str, options: dict[str, Any] | None = None) -> Interaction:
        self._typed(options)
        inter = await self.fake.slash(path, options, self.who, self.channel)
        return self._keep(f"/{path}", inter)

    async def reply(self, path: str, options: dict[str, Any] | None = None) -> FakeMessage:
        """Run a command and wait for the message it answers with."""
        inter = await self.slash(path, options)
        await inter.response()
        return await inter.reply()

    async def autocomplete(
        self, path: str, options: dict[str, Any], focused: str
    ) -> list[dict[str, Any]]:
        self._typed(options)
        offered = await self.fake.autocomplete(path, options, focused, self.who, self.channel)
        self.choices += [Shown(f"/{path} {focused} (autocomplete)", c["name"]) for c in offered]
        return offered

    async def click(self, message: FakeMessage, label_or_custom_id: str) -> Interaction:
        inter = await self.fake.click(message, label_or_custom_id, self.who)
        return self._keep(f"button {label_or_custom_id!r}", inter)

    async def select(self, message: FakeMessage, custom_id: str, values: list[Any]) -> Interaction:
        inter = await self.fake.select(message, custom_id, values, self.who)
        return self._keep(f"select {custom_id!r}", inter)

    async def submit_modal(self, fields: dict[str, Any]) -> Interaction:
        self._typed(fields)
        inter = await self.fake.submit_modal(fields, self.who)
        return self._keep("modal", inter)

    def shown(self) -> list[Shown]:
        """Every text shown so far (call once the flows' answers have arrived)."""
        found = list(self.choices)
        for where, inter in self.interactions:
            messages: list[FakeMessage] = []
            for callback in inter.callbacks:
                found += [Shown(where, text) for text in callback_texts(callback.data)]
                if callback.message is not None:
                    messages.append(callback.message)
            if inter.original is not None and inter.source_message is None:
                messages.append(inter.original)
            messages += inter.followup_messages
            for message in dict.fromkeys(messages):
                found += [Shown(where, text) for text in message_texts(message)]
        return [s for s in found if s.text.strip()]


def proper_names(guild: Guild) -> list[str]:
    """Names people chose (server, channels, roles, members): shown as they are."""
    names = [guild.name]
    names += [c.name for c in guild.channels.values()]
    names += [r.name for r in guild.roles.values()]
    names += [m.user.name for m in guild.members.values()]
    return [n for n in names if n]


def english_catalog_phrases(lang: str) -> dict[str, str]:
    """English literal runs of 3+ words from every catalog key whose wording in `lang`
    differs, keyed by the phrase (the value names the key, for the failure message)."""
    from bot.i18n import _catalog  # the loaded catalog: the same one the bot uses

    catalog = _catalog()
    phrases: dict[str, str] = {}
    for key in sorted(catalog.all_keys()):
        english = catalog.texts[DEFAULT_LANG][key]
        if english == catalog.texts[lang].get(key):
            continue
        theirs = catalog.texts[lang].get(key, "")
        for run in re.split(r"\{[^}]*\}|\n|`[^`]*`", english):
            run = run.strip(" \t.,:;!?()[]“”\"'*_>-•—")
            if len(_WORD.findall(run)) >= 3 and run not in theirs:
                phrases.setdefault(run, key)
    return phrases


def english_labels(lang: str) -> dict[str, str]:
    """Whole English catalog values without fields ("Next", "Cancel") whose wording in `lang`
    differs: shown alone (a button, a title) they are a leak however short."""
    from bot.i18n import _catalog

    catalog = _catalog()
    english = catalog.texts[DEFAULT_LANG]
    return {
        value: key
        for key, value in english.items()
        if "{" not in value and value != catalog.texts[lang].get(key)
    }


def _without(text: str, excluded: Iterable[str]) -> str:
    for part in sorted(set(excluded), key=len, reverse=True):
        if part.strip():
            text = text.replace(part, " ")
    return text


def english_sentences(text: str, lang: str) -> list[str]:
    """Sentences of 4+ words, half or more of them English function words."""
    stop = ENGLISH_FUNCTION_WORDS - _FALSE_FRIENDS.get(lang, frozenset())
    found = []
    for sentence in _SENTENCE_END.split(text):
        words = [w.lower() for w in _WORD.findall(sentence)]
        if len(words) >= 4 and sum(w in stop for w in words) * 2 >= len(words):
            found.append(sentence.strip())
    return found


def english_leaks(shown: Iterable[Shown], lang: str, excluded: Iterable[str] = ()) -> list[str]:
    """What reads as English in texts shown to a `lang` reader; [] when there is none."""
    assert lang in LANGS and lang != DEFAULT_LANG
    phrases = english_catalog_phrases(lang)
    labels = english_labels(lang)
    excluded = list(excluded)
    leaks: list[str] = []
    for item in shown:
        if item.text.strip() in labels and item.text.strip() not in excluded:
            key = labels[item.text.strip()]
            leaks.append(f"{item.where}: the English of {key} shown as is: {item.text!r}")
        theirs = _without(item.text, excluded)
        if localize_mentions(lang, theirs) != theirs:
            leaks.append(f"{item.where}: a command by its English name in {item.text!r}")
        text = _NOT_WORDS.sub(" ", theirs)
        for phrase, key in phrases.items():
            if phrase in text:
                leaks.append(f"{item.where}: English of {key} ({phrase!r}) in {item.text!r}")
        for sentence in english_sentences(text, lang):
            leaks.append(f"{item.where}: English sentence {sentence!r} in {item.text!r}")
    return sorted(set(leaks))
