"""Embeds for the guidance commands: strategies, scripts, why, reflect, FAQ, warning signs.

One builder per kind of reply, all through `build_embed`. None of them echoes what a member
typed: these replies can be shared in a channel, and a search query can say a lot about
someone's relationship.

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
from bot.safety_service.replies import directory_line, emergency_line, resource_line
from bot.search import ScriptMatch
from bot.ui.embeds import FIELD_VALUE_LIMIT, Tone, build_embed

RESOURCES_POINTER = (
    "If you feel afraid of your partner, or the silence is used to punish or control you, that "
    "is not a communication problem and it is not your fault. `/resources show` lists services that "
    "can help; only you will see them."
)
RESOURCES_FOOTER = "Support services: /resources show (only you will see them)"
BROWSE_FOOTER = "Private to you unless you share it · /strategy list · /script · /faq"
SUPPORT_FIELD = "Support"
SUPPORT_NEAR_FIELD = "Support you can reach"
MORE_SUPPORT = "More options: `/resources show` (only you will see them)."
CAUTION_FIELD = "First, a check"
WARNING_SIGNS_HINT = (
    "`/warning-signs` explains the difference between a healthy break and silence used as control."
)
LOCAL_PER_KIND = 2
KIND_NOTES = {"counselling": "*For everyday conflict, not when there is fear or control:* "}


def _sources_text(sources: Sequence[Source]) -> str:
    return "\n".join(f"[{s.title}]({s.url})" for s in sources)


def _fields_from_lines(name: str, lines: Sequence[str]) -> list[tuple[str, str]]:
    """Lines packed into as few fields as fit (a field value holds 1024 characters)."""
    fields: list[tuple[str, str]] = []
    chunk = ""
    for line in lines:
        candidate = f"{chunk}\n{line}" if chunk else line
        if len(candidate) > FIELD_VALUE_LIMIT and chunk:
            fields.append((name if not fields else f"{name} (continued)", chunk))
            chunk = line
        else:
            chunk = candidate
    if chunk:
        fields.append((name if not fields else f"{name} (continued)", chunk))
    return fields


def support_lines(content: Content, region: str, kinds: Sequence[str]) -> list[str]:
    """A few services for the member's region by kind, then a directory and /resources.

    Kept short on purpose (safe-messaging.md, rule 7); domestic-abuse lines list text and
    chat first (rule 14). Counselling appears only where the content asks for it, which the
    content checker never allows on abuse-related entries (rule 15).
    """
    code = region.upper()
    lines = [emergency_line(content, code)] if "emergency" in kinds else []
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
        note = KIND_NOTES.get(kind, "")
        lines += [
            f"• {note}{resource_line(r, discreet_first=kind == 'domestic_abuse')}" for r in local
        ]
    if "directory" in kinds or not local_found:
        directory = directory_line(content, code)
        if directory:
            lines.append(directory)
    lines.append(MORE_SUPPORT)
    return lines


def _support_fields(content: Content, region: str, kinds: Sequence[str]) -> list[tuple[str, str]]:
    return _fields_from_lines(SUPPORT_NEAR_FIELD, support_lines(content, region, kinds))


def _source_fields(sources: Sequence[Source]) -> list[tuple[str, str]]:
    return _fields_from_lines("Sources", [_sources_text([s]) for s in sources])


def _entry_embed(
    title: str, body: str, fields: list[tuple[str, str]], *, abuse: bool
) -> discord.Embed:
    """An FAQ answer or a reason: support colours and footer when it is about abuse."""
    return build_embed(
        title,
        body,
        tone=Tone.SUPPORT if abuse else Tone.INFO,
        fields=fields,
        footer=RESOURCES_FOOTER if abuse else BROWSE_FOOTER,
    )


def _strategy_titles(content: Content, ids: Sequence[str]) -> list[str]:
    found = (content.strategy(i) for i in ids)
    return [f"**{s.title}**: {s.summary}" for s in found if s is not None]


def strategy_list_embed(strategies: Sequence[Strategy]) -> discord.Embed:
    lines = [f"**{i}. {s.title}**\n{s.summary}" for i, s in enumerate(strategies, 1)]
    return build_embed(
        "Seven strategies for when your partner goes silent",
        "\n\n".join(lines) + "\n\nPick one below to read it, with words you can use.",
        tone=Tone.INFO,
        footer=BROWSE_FOOTER,
    )


def strategy_pages(strategy: Strategy) -> list[discord.Embed]:
    """Three pages: the idea, the words to say, and what to watch out for."""
    total = 3
    overview = build_embed(
        strategy.title,
        f"*{strategy.summary}*\n\n{strategy.why}",
        tone=Tone.INFO,
        fields=[
            ("When to use it", strategy.when_to_use),
            ("When not to", strategy.when_not_to_use),
        ],
        footer=f"1/{total} · Why it helps · {RESOURCES_FOOTER}",
    )
    scripts = [(f"Script {i}", f"> {s.text}") for i, s in enumerate(strategy.scripts, 1)]
    words = build_embed(
        f"{strategy.title}: what to say",
        "Ready-to-say lines. Change the words so they sound like you.",
        tone=Tone.CARE,
        fields=[*scripts, ("If your partner isn't ready", strategy.fallback)],
        footer=f"2/{total} · What to say · {RESOURCES_FOOTER}",
    )
    watch = build_embed(
        f"{strategy.title}: watch out for",
        None,
        tone=Tone.NEUTRAL,
        fields=[
            ("A common mistake", strategy.mistake),
            *_source_fields(strategy.sources),
            (SUPPORT_FIELD, RESOURCES_POINTER),
        ],
        footer=f"3/{total} · Watch out for · {RESOURCES_FOOTER}",
    )
    return [overview, words, watch]


def script_results_embed(matches: Sequence[ScriptMatch], *, caution: bool = False) -> discord.Embed:
    """`caution`: the search showed a possible sign of control, so both kinds of help are
    offered and the member chooses (safe-messaging.md, rule 15: "when it is unclear")."""
    fields = [
        (f"From: {m.strategy.title}", f"> {m.script.text}\n`/strategy show {m.strategy.id}`")
        for m in matches
    ]
    if caution:
        fields.insert(0, (CAUTION_FIELD, f"{RESOURCES_POINTER} {WARNING_SIGNS_HINT}"))
    return build_embed(
        "Words you could use",
        "The closest scripts to what you described. Adapt them so they sound like you.",
        tone=Tone.CARE,
        fields=fields,
        footer=RESOURCES_FOOTER if caution else BROWSE_FOOTER,
    )


def closest_questions_embed() -> discord.Embed:
    return build_embed(
        "Is it one of these?",
        "I couldn't match your words to one question exactly. Pick the closest one below, or "
        "try `/script` to describe your situation in your own words.",
        tone=Tone.NEUTRAL,
        footer=BROWSE_FOOTER,
    )


def no_scripts_embed() -> discord.Embed:
    return build_embed(
        "No close match yet",
        "I couldn't find a script for that. Try describing it in other words (for example "
        "'won't talk after a fight' or 'it's been two days'), or browse `/strategy list`.",
        tone=Tone.NEUTRAL,
        fields=[(SUPPORT_FIELD, RESOURCES_POINTER)],
    )


def script_support_note_embed() -> discord.Embed:
    """Sent under the safety reply when a search reads like fear, danger, abuse or crisis."""
    return build_embed(
        "Why there are no scripts here",
        "What you describe may need more than better words, so I haven't suggested "
        "conversation scripts. `/warning-signs` explains the difference between a healthy "
        "break and silence used as control, and `/resources show` lists support near you.",
        tone=Tone.NEUTRAL,
        footer=RESOURCES_FOOTER,
    )


def why_overview_embed(reasons: Sequence[WithdrawalReason]) -> discord.Embed:
    lines = [f"**{r.title}**\n{r.summary}" for r in reasons]
    return build_embed(
        "Why partners withdraw",
        "Going silent usually has a reason, and it is rarely that your partner doesn't care. "
        "Pick one below to read more.\n\n" + "\n\n".join(lines),
        tone=Tone.INFO,
        fields=[(SUPPORT_FIELD, RESOURCES_POINTER)],
        footer=BROWSE_FOOTER,
    )


def why_reason_embed(
    reason: WithdrawalReason, content: Content, region: str = INTERNATIONAL
) -> discord.Embed:
    fields = [("What helps", reason.what_helps)]
    if reason.abuse_related:
        fields.append(("Warning signs", "`/warning-signs` shows the signs to look for."))
    else:
        related = _strategy_titles(content, reason.related_strategies)
        fields += _fields_from_lines("Strategies that fit", related)
    if reason.resource_kinds:
        fields += _support_fields(content, region, reason.resource_kinds)
    return _entry_embed(reason.title, reason.body, fields, abuse=reason.abuse_related)


def reflect_embed(prompt: ReflectionPrompt) -> discord.Embed:
    return build_embed(
        "A question for yourself",
        f"**{prompt.text}**\n\nTake your time. There is no right answer, and you don't have to "
        "share it with anyone.",
        tone=Tone.CARE,
        footer="Private to you · press Another for a different question",
    )


def faq_embed(entry: FaqEntry, content: Content, region: str = INTERNATIONAL) -> discord.Embed:
    fields: list[tuple[str, str]] = []
    if not entry.abuse_related:
        fields += _fields_from_lines(
            "Strategies that fit", _strategy_titles(content, entry.related_strategies)
        )
    if entry.sources:
        fields += _source_fields(entry.sources)
    if entry.resource_kinds:
        fields += _support_fields(content, region, entry.resource_kinds)
    elif entry.abuse_related:
        fields.append((SUPPORT_FIELD, RESOURCES_POINTER))
    return _entry_embed(entry.question, entry.answer, fields, abuse=entry.abuse_related)


def warning_signs_pages(content: Content, region: str = INTERNATIONAL) -> list[discord.Embed]:
    """The signs, then the healthy-break-or-control comparison; both point to support."""
    signs = content.warning_signs
    first = build_embed(
        signs.title,
        signs.intro,
        tone=Tone.SUPPORT,
        fields=[
            *((s.title, s.text) for s in signs.signs),
            ("If this sounds familiar", signs.closing),
            *_support_fields(content, region, signs.resource_kinds),
        ],
        footer=f"1/2 · {RESOURCES_FOOTER}",
    )
    rows = [f"**Healthy break:** {c.healthy}\n**Control:** {c.control}" for c in signs.contrasts]
    second = build_embed(
        "A healthy break, or silence used as control?",
        "\n\n".join(rows) or None,
        tone=Tone.SUPPORT,
        fields=[
            *_source_fields(signs.sources),
            (SUPPORT_FIELD, RESOURCES_POINTER),
        ],
        footer=f"2/2 · {RESOURCES_FOOTER}",
    )
    return [first, second]


def sequence_embed(content: Content) -> discord.Embed:
    fields = []
    for i, step in enumerate(content.sequence, 1):
        strategy = content.strategy(step.strategy_id)
        where = f"\n`/strategy show {strategy.id}`" if strategy else ""
        fields.append((f"{i}. {step.label}", f"{step.text}{where}"))
    return build_embed(
        "The strategies in order",
        "A rough path from silence back to talking. You won't always need every step, and "
        "the order can change.",
        tone=Tone.INFO,
        fields=[*fields, (SUPPORT_FIELD, RESOURCES_POINTER)],
        footer=BROWSE_FOOTER,
    )
