"""Readers for the guidance files: strategies.toml, faq.toml and psychoeducation.toml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.content.models import (
    RESOURCE_KINDS,
    Contrast,
    FaqEntry,
    ReflectionPrompt,
    ResourceKind,
    Script,
    SequenceStep,
    Source,
    Strategy,
    WarningSign,
    WarningSigns,
    WithdrawalReason,
)
from bot.content.schema import (
    EMBED_DESCRIPTION,
    EMBED_FIELD_VALUE,
    EMBED_TITLE,
    EMBED_TOTAL,
    OPTION_DESCRIPTION,
    OPTION_LABEL,
    IdRegistry,
    Table,
)

MIN_SCRIPTS = 3
MIN_TAGS = 3
MIN_REFLECTION_PROMPTS = 10


@dataclass(frozen=True)
class Refs:
    """What later files may point at: strategy ids and sources from strategies.toml."""

    strategy_ids: frozenset[str]
    sources: Mapping[str, Source]
    checked: bool = True


def _field(t: Table, key: str) -> str:
    return t.text(key, limit=EMBED_FIELD_VALUE, what="embed field value")


def _source_refs(t: Table, refs: Refs, *, min_items: int) -> tuple[Source, ...]:
    ids = t.strings(
        "sources", limit=OPTION_LABEL, what="source id", min_items=min_items, required=min_items > 0
    )
    out: list[Source] = []
    for i, sid in enumerate(ids):
        if sid in refs.sources:
            out.append(refs.sources[sid])
        elif refs.checked:
            t.ctx.add(f"{t.sub('sources')}[{i}]", f"unknown source id '{sid}'")
    return tuple(out)


def _strategy_refs(t: Table, refs: Refs) -> tuple[str, ...]:
    def check(path: str, item: str) -> None:
        if refs.checked and item not in refs.strategy_ids:
            t.ctx.add(path, f"unknown strategy id '{item}'")

    key = "related_strategies"
    return t.strings(key, limit=OPTION_LABEL, what="strategy id", required=False, check=check)


def _resource_kinds(t: Table, *, required: bool) -> tuple[ResourceKind, ...]:
    def check(path: str, item: str) -> None:
        if item not in RESOURCE_KINDS:
            t.ctx.add(
                path, f"unknown resource kind '{item}' (allowed: {', '.join(RESOURCE_KINDS)})"
            )

    kinds = t.strings(
        "resource_kinds", limit=OPTION_LABEL, what="resource kind", required=required, check=check
    )
    return tuple(k for k in kinds if k in RESOURCE_KINDS)


def _check_abuse_routing(
    t: Table, abuse: bool, kinds: tuple[ResourceKind, ...], strategies: tuple[str, ...]
) -> None:
    """Abuse-related entries route to domestic-abuse services, never couples work (rule 15)."""
    if not abuse:
        return
    if "domestic_abuse" not in kinds:
        t.ctx.add(t.sub("resource_kinds"), "an abuse-related entry must include 'domestic_abuse'")
    if "counselling" in kinds:
        t.ctx.add(
            t.sub("resource_kinds"),
            "an abuse-related entry must not point to counselling (safe-messaging rule 15)",
        )
    if strategies:
        t.ctx.add(
            t.sub("related_strategies"),
            "an abuse-related entry must not offer communication strategies (rule 15)",
        )


def _routing(t: Table, refs: Refs) -> tuple[bool, tuple[ResourceKind, ...], tuple[str, ...]]:
    """abuse_related, resource_kinds and related_strategies, checked together."""
    abuse = t.flag("abuse_related")
    kinds = _resource_kinds(t, required=abuse)
    related = _strategy_refs(t, refs)
    _check_abuse_routing(t, abuse, kinds, related)
    return abuse, kinds, related


def read_strategies(root: Table) -> tuple[tuple[Source, ...], tuple[Strategy, ...]]:
    source_ids = IdRegistry(root.ctx)
    sources: list[Source] = []
    for t in root.tables("sources", min_items=1):
        sid = t.ident()
        source_ids.claim(sid, t.sub("id"))
        sources.append(
            Source(sid, t.text("title", limit=EMBED_TITLE, what="field name"), t.url("url"))
        )
        t.finish()
    refs = Refs(frozenset(), {s.id: s for s in sources})

    ids = IdRegistry(root.ctx)
    strategies: list[Strategy] = []
    for t in root.tables("strategies", min_items=1):
        strategy_id = t.ident()
        ids.claim(strategy_id, t.sub("id"))
        scripts: list[Script] = []
        for s in t.tables("scripts", min_items=MIN_SCRIPTS):
            script_id = s.ident()
            ids.claim(script_id, s.sub("id"))
            text = s.text("text", limit=EMBED_FIELD_VALUE, what="embed field value")
            tags = s.strings("tags", limit=OPTION_LABEL, what="choice label", min_items=MIN_TAGS)
            scripts.append(Script(script_id, strategy_id, text, tags))
            s.finish()
        strategy = Strategy(
            id=strategy_id,
            title=t.text("title", limit=OPTION_LABEL, what="select option label"),
            summary=t.text("summary", limit=OPTION_DESCRIPTION, what="select option description"),
            why=_field(t, "why"),
            when_to_use=_field(t, "when_to_use"),
            when_not_to_use=_field(t, "when_not_to_use"),
            scripts=tuple(scripts),
            fallback=_field(t, "fallback"),
            mistake=_field(t, "mistake"),
            sources=_source_refs(t, refs, min_items=1),
        )
        total = _embed_total(strategy)
        if total > EMBED_TOTAL:
            t.ctx.add(
                t.path,
                f"is {total} characters in one embed; the limit is {EMBED_TOTAL} (embed total)",
            )
        strategies.append(strategy)
        t.finish()
    return tuple(sources), tuple(strategies)


def _embed_total(s: Strategy) -> int:
    parts = [s.title, s.summary, s.why, s.when_to_use, s.when_not_to_use, s.fallback, s.mistake]
    parts += [x.text for x in s.scripts] + [x.title for x in s.sources]
    return sum(len(p) for p in parts)


def read_faq(root: Table, refs: Refs) -> tuple[FaqEntry, ...]:
    ids = IdRegistry(root.ctx)
    entries: list[FaqEntry] = []
    for t in root.tables("faq", min_items=1):
        entry_id = t.ident()
        ids.claim(entry_id, t.sub("id"))
        abuse, kinds, related = _routing(t, refs)
        entries.append(
            FaqEntry(
                id=entry_id,
                question=t.text("question", limit=OPTION_LABEL, what="choice label"),
                answer=t.text("answer", limit=EMBED_DESCRIPTION, what="embed description"),
                tags=t.strings("tags", limit=OPTION_LABEL, what="choice label", min_items=1),
                abuse_related=abuse,
                resource_kinds=kinds,
                related_strategies=related,
                sources=_source_refs(t, refs, min_items=0),
            )
        )
        t.finish()
    return tuple(entries)


def read_psychoeducation(
    root: Table, refs: Refs
) -> tuple[
    tuple[WithdrawalReason, ...],
    tuple[ReflectionPrompt, ...],
    WarningSigns,
    tuple[SequenceStep, ...],
]:
    ids = IdRegistry(root.ctx)
    reasons: list[WithdrawalReason] = []
    for t in root.tables("withdrawal_reasons", min_items=1):
        rid = t.ident()
        ids.claim(rid, t.sub("id"))
        abuse, kinds, related = _routing(t, refs)
        reasons.append(
            WithdrawalReason(
                id=rid,
                title=t.text("title", limit=OPTION_LABEL, what="select option label"),
                summary=t.text(
                    "summary", limit=OPTION_DESCRIPTION, what="select option description"
                ),
                body=t.text("body", limit=EMBED_DESCRIPTION, what="embed description"),
                what_helps=t.text("what_helps", limit=EMBED_FIELD_VALUE, what="embed field value"),
                abuse_related=abuse,
                resource_kinds=kinds,
                related_strategies=related,
            )
        )
        t.finish()

    prompts: list[ReflectionPrompt] = []
    for t in root.tables("reflection_prompts", min_items=MIN_REFLECTION_PROMPTS):
        pid = t.ident()
        ids.claim(pid, t.sub("id"))
        prompts.append(
            ReflectionPrompt(pid, t.text("text", limit=EMBED_FIELD_VALUE, what="embed field value"))
        )
        t.finish()

    warning = _read_warning_signs(root, refs, ids)

    steps: list[SequenceStep] = []
    for t in root.tables("sequence", min_items=1):
        strategy_id = t.ident("strategy")
        if refs.checked and strategy_id and strategy_id not in refs.strategy_ids:
            t.ctx.add(t.sub("strategy"), f"unknown strategy id '{strategy_id}'")
        steps.append(
            SequenceStep(
                label=t.text("label", limit=EMBED_TITLE, what="field name"),
                text=t.text("text", limit=EMBED_FIELD_VALUE, what="embed field value"),
                strategy_id=strategy_id,
            )
        )
        t.finish()
    return tuple(reasons), tuple(prompts), warning, tuple(steps)


def _read_warning_signs(root: Table, refs: Refs, ids: IdRegistry) -> WarningSigns:
    empty = WarningSigns("", "", (), (), "", (), ())
    t = root.table("warning_signs")
    if t is None:
        return empty
    signs: list[WarningSign] = []
    for s in t.tables("signs", min_items=3):
        sid = s.ident()
        ids.claim(sid, s.sub("id"))
        signs.append(
            WarningSign(
                sid,
                s.text("title", limit=EMBED_TITLE, what="field name"),
                s.text("text", limit=EMBED_FIELD_VALUE, what="embed field value"),
            )
        )
        s.finish()
    contrasts: list[Contrast] = []
    for c in t.tables("contrasts", required=False):
        contrasts.append(
            Contrast(
                c.text("healthy", limit=EMBED_FIELD_VALUE, what="embed field value"),
                c.text("control", limit=EMBED_FIELD_VALUE, what="embed field value"),
            )
        )
        c.finish()
    kinds = _resource_kinds(t, required=True)
    _check_abuse_routing(t, True, kinds, ())
    result = WarningSigns(
        title=t.text("title", limit=EMBED_TITLE, what="embed title"),
        intro=t.text("intro", limit=EMBED_DESCRIPTION, what="embed description"),
        signs=tuple(signs),
        contrasts=tuple(contrasts),
        closing=t.text("closing", limit=EMBED_FIELD_VALUE, what="embed field value"),
        resource_kinds=kinds,
        sources=_source_refs(t, refs, min_items=0),
    )
    t.finish()
    return result
