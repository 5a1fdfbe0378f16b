"""Embeds for the guidance commands: strategies, scripts, why, reflect, FAQ, warning signs.

One builder per kind of reply, all through `build_embed`. None of them echoes what a member
typed: these replies can be shared in a channel, and a search query can say a lot about
someone's relationship.

Every builder takes the reply's language (`lang`) and expects `content` already in that
language (`Content.in_lang`): the wording around the content comes from the catalog
(content/messages/guidance.toml).

Abuse rule (safe-messaging.md, rule 15): anything that touches on abuse or control points to
`/resources` and never offers conversation techniques or couples counselling as the answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.content.models import (
    INTERNATIONAL,
    Content,
    FaqEntry,
    ReflectionPrompt,
    Source,
    Strategy,
    WithdrawalReason,
)
from bot.i18n import DEFAULT_LANG, localize_mentions, t
from bot.safety_service.replies import directory_line, emergency_line, resource_line
from bot.search import ScriptMatch
from bot.ui.embeds import FIELD_VALUE_LIMIT, Tone, build_embed

LOCAL_PER_KIND = 2
# Kinds of service that carry a note before each line (catalog key).
KIND_NOTES = {"counselling": "guidance.support.counselling_note"}


def resources_footer(lang: str) -> str:
    """The footer of every reply that touches on abuse or control."""
    return t(lang, "guidance.support.footer")


def resources_pointer(lang: str) -> str:
    return t(lang, "guidance.support.pointer")


# English copies for callers outside this feature that do not pass a language yet.
RESOURCES_POINTER = resources_pointer(DEFAULT_LANG)


def _browse_footer(lang: str) -> str:
    return t(lang, "guidance.browse.footer")


def _support_field(lang: str) -> tuple[str, str]:
    return (t(lang, "guidance.support.field"), resources_pointer(lang))


def _sources_text(sources: Sequence[Source]) -> str:
    return "\n".join(f"[{s.title}]({s.url})" for s in sources)


def _fields_from_lines(name: str, lines: Sequence[str], lang: str) -> list[tuple[str, str]]:
    """Lines packed into as few fields as fit (a field value holds 1024 characters)."""
    more = t(lang, "guidance.browse.continued", name=name)
    fields: list[tuple[str, str]] = []
    chunk = ""
    for line in lines:
        candidate = f"{chunk}\n{line}" if chunk else line
        if len(candidate) > FIELD_VALUE_LIMIT and chunk:
            fields.append((name if not fields else more, chunk))
            chunk = line
        else:
            chunk = candidate
    if chunk:
        fields.append((name if not fields else more, chunk))
    return fields


def support_lines(content: Content, region: str, kinds: Sequence[str], lang: str) -> list[str]:
    """A few services for the member's region by kind, then a directory and /resources.

    Kept short on purpose (safe-messaging.md, rule 7); domestic-abuse lines list text and
    chat first (rule 14). Counselling appears only where the content asks for it, which the
    content checker never allows on abuse-related entries (rule 15).
    """
    code = region.upper()
    lines = [emergency_line(content, code, lang)] if "emergency" in kinds else []
    local_found = False
    for kind in kinds:
        if kind in ("emergency", "directory"):
            continue
        local = [
            r
            for r in content.resources
            if r.kind == kind and code != INTERNATIONAL and code in r.regions
        ][:LOCAL_PER_KIND]
        local_found = local_found or bool(local)
        note = t(lang, KIND_NOTES[kind]) if kind in KIND_NOTES else ""
        lines += [
            f"• {note}{resource_line(r, discreet_first=kind == 'domestic_abuse', lang=lang)}"
            for r in local
        ]
    if "directory" in kinds or not local_found:
        directory = directory_line(content, code, lang)
        if directory:
            lines.append(directory)
    lines.append(t(lang, "guidance.support.more"))
    return lines


def _support_fields(
    content: Content, region: str, kinds: Sequence[str], lang: str
) -> list[tuple[str, str]]:
    name = t(lang, "guidance.support.near_field")
    return _fields_from_lines(name, support_lines(content, region, kinds, lang), lang)


def _source_fields(sources: Sequence[Source], lang: str) -> list[tuple[str, str]]:
    name = t(lang, "guidance.browse.sources_field")
    return _fields_from_lines(name, [_sources_text([s]) for s in sources], lang)


def _entry_embed(
    title: str, body: str, fields: list[tuple[str, str]], *, abuse: bool, lang: str
) -> discord.Embed:
    """An FAQ answer or a reason: support colours and footer when it is about abuse."""
    return build_embed(
        title,
        body,
        tone=Tone.SUPPORT if abuse else Tone.INFO,
        fields=fields,
        footer=resources_footer(lang) if abuse else _browse_footer(lang),
    )


def _strategy_titles(content: Content, ids: Sequence[str]) -> list[str]:
    found = (content.strategy(i) for i in ids)
    return [f"**{s.title}**: {s.summary}" for s in found if s is not None]


def strategy_list_embed(strategies: Sequence[Strategy], lang: str) -> discord.Embed:
    lines = [f"**{i}. {s.title}**\n{s.summary}" for i, s in enumerate(strategies, 1)]
    return build_embed(
        t(lang, "guidance.strategy.list_title"),
        "\n\n".join(lines) + "\n\n" + t(lang, "guidance.strategy.list_pick"),
        tone=Tone.INFO,
        footer=_browse_footer(lang),
    )


def strategy_pages(strategy: Strategy, lang: str) -> list[discord.Embed]:
    """Three pages: the idea, the words to say, and what to watch out for."""
    total = 3
    footer = resources_footer(lang)

    def page(number: int, label: str) -> str:
        return f"{number}/{total} · {t(lang, 'guidance.strategy.' + label)} · {footer}"

    overview = build_embed(
        strategy.title,
        f"*{strategy.summary}*\n\n{strategy.why}",
        tone=Tone.INFO,
        fields=[
            (t(lang, "guidance.strategy.when_field"), strategy.when_to_use),
            (t(lang, "guidance.strategy.when_not_field"), strategy.when_not_to_use),
        ],
        footer=page(1, "page_why"),
    )
    scripts = [
        (t(lang, "guidance.strategy.script_field", number=i), f"> {s.text}")
        for i, s in enumerate(strategy.scripts, 1)
    ]
    words = build_embed(
        t(lang, "guidance.strategy.words_title", title=strategy.title),
        t(lang, "guidance.strategy.words_intro"),
        tone=Tone.CARE,
        fields=[*scripts, (t(lang, "guidance.strategy.fallback_field"), strategy.fallback)],
        footer=page(2, "page_words"),
    )
    watch = build_embed(
        t(lang, "guidance.strategy.watch_title", title=strategy.title),
        None,
        tone=Tone.NEUTRAL,
        fields=[
            (t(lang, "guidance.strategy.mistake_field"), strategy.mistake),
            *_source_fields(strategy.sources, lang),
            _support_field(lang),
        ],
        footer=page(3, "page_watch"),
    )
    return [overview, words, watch]


def script_results_embed(
    matches: Sequence[ScriptMatch], lang: str, *, caution: bool = False
) -> discord.Embed:
    """`caution`: the search showed a possible sign of control, so both kinds of help are
    offered and the member chooses (safe-messaging.md, rule 15: "when it is unclear")."""
    fields = [
        (
            t(lang, "guidance.script.from_field", title=m.strategy.title),
            f"> {m.script.text}\n`{localize_mentions(lang, f'/strategy show {m.strategy.id}')}`",
        )
        for m in matches
    ]
    if caution:
        hint = t(lang, "guidance.support.warning_signs_hint")
        fields.insert(
            0, (t(lang, "guidance.support.caution_field"), f"{resources_pointer(lang)} {hint}")
        )
    return build_embed(
        t(lang, "guidance.script.results_title"),
        t(lang, "guidance.script.results_intro"),
        tone=Tone.CARE,
        fields=fields,
        footer=resources_footer(lang) if caution else _browse_footer(lang),
    )


def closest_questions_embed(lang: str) -> discord.Embed:
    return build_embed(
        t(lang, "guidance.faq.closest_title"),
        t(lang, "guidance.faq.closest_text"),
        tone=Tone.NEUTRAL,
        footer=_browse_footer(lang),
    )


def no_scripts_embed(lang: str) -> discord.Embed:
    return build_embed(
        t(lang, "guidance.script.none_title"),
        t(lang, "guidance.script.none_text"),
        tone=Tone.NEUTRAL,
        fields=[_support_field(lang)],
    )


def script_support_note_embed(lang: str = DEFAULT_LANG) -> discord.Embed:
    """Sent under the safety reply when a search reads like fear, danger, abuse or crisis."""
    return build_embed(
        t(lang, "guidance.script.support_note_title"),
        t(lang, "guidance.script.support_note_text"),
        tone=Tone.NEUTRAL,
        footer=resources_footer(lang),
    )


def why_overview_embed(reasons: Sequence[WithdrawalReason], lang: str) -> discord.Embed:
    lines = [f"**{r.title}**\n{r.summary}" for r in reasons]
    return build_embed(
        t(lang, "guidance.why.overview_title"),
        t(lang, "guidance.why.overview_intro") + "\n\n" + "\n\n".join(lines),
        tone=Tone.INFO,
        fields=[_support_field(lang)],
        footer=_browse_footer(lang),
    )


def why_reason_embed(
    reason: WithdrawalReason, content: Content, lang: str, region: str = INTERNATIONAL
) -> discord.Embed:
    fields = [(t(lang, "guidance.why.what_helps_field"), reason.what_helps)]
    if reason.abuse_related:
        fields.append(
            (
                t(lang, "guidance.why.warning_signs_field"),
                t(lang, "guidance.why.warning_signs_text"),
            )
        )
    else:
        related = _strategy_titles(content, reason.related_strategies)
        fields += _fields_from_lines(t(lang, "guidance.browse.strategies_field"), related, lang)
    if reason.resource_kinds:
        fields += _support_fields(content, region, reason.resource_kinds, lang)
    return _entry_embed(reason.title, reason.body, fields, abuse=reason.abuse_related, lang=lang)


def reflect_embed(prompt: ReflectionPrompt, lang: str) -> discord.Embed:
    return build_embed(
        t(lang, "guidance.reflect.title"),
        t(lang, "guidance.reflect.body", prompt=prompt.text),
        tone=Tone.CARE,
        footer=t(lang, "guidance.reflect.footer"),
    )


def faq_embed(
    entry: FaqEntry, content: Content, lang: str, region: str = INTERNATIONAL
) -> discord.Embed:
    fields: list[tuple[str, str]] = []
    if not entry.abuse_related:
        fields += _fields_from_lines(
            t(lang, "guidance.browse.strategies_field"),
            _strategy_titles(content, entry.related_strategies),
            lang,
        )
    if entry.sources:
        fields += _source_fields(entry.sources, lang)
    if entry.resource_kinds:
        fields += _support_fields(content, region, entry.resource_kinds, lang)
    elif entry.abuse_related:
        fields.append(_support_field(lang))
    return _entry_embed(entry.question, entry.answer, fields, abuse=entry.abuse_related, lang=lang)


def warning_signs_pages(
    content: Content, lang: str, region: str = INTERNATIONAL
) -> list[discord.Embed]:
    """The signs, then the healthy-break-or-control comparison; both point to support."""
    signs = content.warning_signs
    footer = resources_footer(lang)
    first = build_embed(
        signs.title,
        signs.intro,
        tone=Tone.SUPPORT,
        fields=[
            *((s.title, s.text) for s in signs.signs),
            (t(lang, "guidance.warning_signs.familiar_field"), signs.closing),
            *_support_fields(content, region, signs.resource_kinds, lang),
        ],
        footer=f"1/2 · {footer}",
    )
    rows = [
        t(lang, "guidance.warning_signs.compare_row", healthy=c.healthy, control=c.control)
        for c in signs.contrasts
    ]
    second = build_embed(
        t(lang, "guidance.warning_signs.compare_title"),
        "\n\n".join(rows) or None,
        tone=Tone.SUPPORT,
        fields=[*_source_fields(signs.sources, lang), _support_field(lang)],
        footer=f"2/2 · {footer}",
    )
    return [first, second]


def sequence_embed(content: Content, lang: str) -> discord.Embed:
    fields = []
    for i, step in enumerate(content.sequence, 1):
        strategy = content.strategy(step.strategy_id)
        where = (
            f"\n`{localize_mentions(lang, f'/strategy show {strategy.id}')}`" if strategy else ""
        )
        fields.append((f"{i}. {step.label}", f"{step.text}{where}"))
    return build_embed(
        t(lang, "guidance.strategy.steps_title"),
        t(lang, "guidance.strategy.steps_intro"),
        tone=Tone.INFO,
        fields=[*fields, _support_field(lang)],
        footer=_browse_footer(lang),
    )
