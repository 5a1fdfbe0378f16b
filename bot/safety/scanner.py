"""One entry point for "is this message a safety concern?": patterns, then meaning.

The pattern detector runs on every message (microseconds) and gives spans and severities.
The meaning layer (sentence embedding + logistic head) runs on messages long enough to read
and may add a category the patterns missed, at ``concern`` severity (raised by the same
escalators, e.g. a date or "tonight"), unless one of the category's exclusions holds. Its hit
covers the whole message: it has no span to point at.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from bot.safety.context import Context, agrees, is_short, read_together
from bot.safety.detector import NOTHING, Detection, Detector, Hit, detection_of
from bot.safety.inference import MAX_WAITING, Answer, InferenceWorker, Proposer
from bot.safety.rules import (
    CATEGORIES,
    CLEAR,
    DEFAULT_SENSITIVITY,
    SENSITIVITIES,
    URGENT,
    Category,
    Proposal,
)

if TYPE_CHECKING:  # NumPy and the tokenizer load only when the layer does
    from bot.safety.encoder import Encoder
    from bot.safety.semantic import SemanticHead

log = logging.getLogger(__name__)

SEMANTIC_RULE = "semantic"
#: The longest a message the patterns flagged waits for the model: its alert waits on the scan.
#: The model answers in milliseconds, but in a flood its low-priority thread got so little CPU
#: that flagged messages waited 6 s at the median (bench/flood.py, 60k messages); after this
#: the patterns' finding stands alone (the model could only add a category or urgency).
FLAGGED_MODEL_WAIT_S = 1.0
#: Pattern results kept for their handlers (``SafetyScanner.remember``): the chat intake's cap
REMEMBERED = 40_000


@dataclass(frozen=True)
class MeaningLayer:
    """The encoder and the trained head, loaded together."""

    encoder: Encoder
    head: SemanticHead

    def categories(self, texts: list[str], levels: list[str]) -> list[Proposal]:
        if not texts:
            return []
        return self.head.categories(self.encoder.encode(texts), levels)

    def release_scratch(self) -> None:
        self.encoder.release_scratch()


def load_meaning_layer(head_path: Path | None = None) -> MeaningLayer | None:
    """The shared encoder and the head; None (patterns only, logged once) if either is
    missing or unreadable, so a broken install degrades instead of stopping the bot."""
    from bot.safety.semantic import HEAD_PATH

    return _load_meaning_layer(head_path or HEAD_PATH)


@lru_cache(maxsize=4)
def _load_meaning_layer(head_path: Path) -> MeaningLayer | None:
    """Once per process and head file (every bot, and every test's bot, shares it)."""
    try:
        from bot.native_memory import return_freed_memory
        from bot.safety.encoder import shared_encoder
        from bot.safety.semantic import load_head

        layer = MeaningLayer(shared_encoder(), load_head(head_path))
        return_freed_memory()  # the head's file as read (float16 vectors) is scratch now
        return layer
    except (ImportError, OSError, ValueError, KeyError) as exc:
        log.warning("Safety meaning layer unavailable, patterns only: %s", exc)
        return None


class SafetyScanner:
    """Patterns plus (optionally) meaning; safe to share between tasks and threads.

    ``levels`` maps a server to its /setup safety-sensitivity (servers absent from it use
    ``sensitivity``); the bot keeps it in memory and updates it when a manager changes the
    setting, so no message waits on the database. Only the meaning layer's thresholds depend
    on it: pattern hits are the same at every level."""

    def __init__(
        self,
        detector: Detector,
        meaning: Proposer | None,
        *,
        levels: Mapping[int, str] | None = None,
        sensitivity: str = DEFAULT_SENSITIVITY,
    ) -> None:
        if sensitivity not in SENSITIVITIES:
            raise ValueError(f"sensitivity must be one of {', '.join(SENSITIVITIES)}")
        self.detector = detector
        self.meaning = meaning
        self.levels: Mapping[int, str] = levels if levels is not None else {}
        self.sensitivity = sensitivity
        limits = detector.rules.meaning
        self._min_words = limits.min_words  # "same", "lol ok": nothing to read
        self._veto = re.compile(limits.veto) if limits.veto else None
        self._veto_unless = re.compile(limits.veto_unless) if limits.veto_unless else None
        self.worker = InferenceWorker(meaning) if meaning is not None else None
        self.flagged_wait_s = FLAGGED_MODEL_WAIT_S
        #: Pattern results taken ahead of a message's handler (``remember``), oldest first,
        #: each with how many handlers will take it: a spam wave repeats one text
        self._remembered: OrderedDict[str, tuple[tuple[Detection, str], int]] = OrderedDict()

    def remember(self, text: str) -> bool:
        """Scans ``text`` with the patterns now and keeps the result for its handler's scan
        (``scan_async`` takes it instead of scanning again). Whether the patterns flagged it:
        the chat intake (``gateway_intake.py``) parses a flagged message ahead of a backlog.
        The same text again (a raid, "same", "lol") is scanned once and taken once per message
        (bench/flood.py: 23,000 of 60,000 messages were scanned twice when a repeat replaced
        the result its first handler had not taken yet). At most ``REMEMBERED`` texts are
        kept; a message whose handler never scans it (a bot's, a deleted channel's) only ages
        out."""
        kept = self._remembered.pop(text, None)
        found, takers = kept if kept is not None else (self.detector.scan_normalized(text), 0)
        self._remembered[text] = (found, takers + 1)  # the newest again
        while len(self._remembered) > REMEMBERED:
            self._remembered.popitem(last=False)
        return found[0].flagged

    def _take_remembered(self, text: str) -> tuple[Detection, str] | None:
        """The result ``remember`` kept for ``text``, once per time it was remembered."""
        kept = self._remembered.get(text)
        if kept is None:
            return None
        found, takers = kept
        if takers > 1:
            self._remembered[text] = (found, takers - 1)
        else:
            del self._remembered[text]
        return found

    def scan(self, text: str) -> Detection:
        return self.scan_many([text])[0]

    def scan_many(self, texts: list[str]) -> list[Detection]:
        """Patterns on each text; the meaning layer once over all texts that qualify."""
        if self.meaning is None:
            return [self.detector.scan(t) for t in texts]
        scanned = [self.detector.scan_normalized(t) for t in texts]
        found = [detection for detection, _ in scanned]
        norms = [norm for _, norm in scanned]
        asked = [i for i, norm in enumerate(norms) if self._readable(norm)]
        proposals = self.meaning.categories(
            [norms[i] for i in asked], [self.sensitivity] * len(asked)
        )
        for i, categories in zip(asked, proposals, strict=True):
            kept, rereads = self._unexcluded(norms[i], found[i], categories)
            if rereads:
                answers = self.meaning.categories(list(rereads), [self.sensitivity] * len(rereads))
                kept += _confirmed(rereads, answers)
            found[i] = self._merge(texts[i], norms[i], found[i], categories, kept)
        return found

    def level_of(self, guild_id: int | None) -> str:
        """The sensitivity a message from ``guild_id`` is read at (DMs: the default)."""
        if guild_id is None:
            return self.sensitivity
        return self.levels.get(guild_id, self.sensitivity)

    async def scan_async(self, text: str, guild_id: int | None = None) -> Detection:
        """``scan`` with the model off the event loop, on the scanner's one model thread
        (``inference.py``), batched with whatever else is waiting; a message the patterns
        flagged goes first. Under a flood (a raid, a spam wave) more than ``MAX_WAITING``
        waiting messages get the patterns alone, so pattern alerts are never held up behind
        the model. ``guild_id``: whose /setup safety-sensitivity applies."""
        return (await self._scan_normalized_async(text, guild_id))[0]

    async def _scan_normalized_async(
        self, text: str, guild_id: int | None
    ) -> tuple[Detection, str]:
        """``scan_async`` plus the normalised text it read, for ``scan_in_context``."""
        # normalised once, for both; taken ahead of the handler when the intake triaged it
        found, norm = self._take_remembered(text) or self.detector.scan_normalized(text)
        if self.worker is None or not self._readable(norm):
            return found, norm
        pending = self.worker.submit(norm, urgent=found.flagged, level=self.level_of(guild_id))
        if pending is None:
            return found, norm
        if found.flagged:
            done, _ = await asyncio.wait([pending], timeout=self.flagged_wait_s)
            if not done:  # the model's answer, when it comes, is not waited for
                return found, norm
        proposed = await pending
        if proposed is None:
            return found, norm
        kept, rereads = self._unexcluded(norm, found, proposed)
        if rereads:
            kept += await self._reread(rereads, found, guild_id)
        return self._merge(text, norm, found, proposed, kept), norm

    async def _reread(
        self, rereads: dict[str, list[Category]], found: Detection, guild_id: int | None
    ) -> list[Category]:
        """The categories the model still reads outside the exclusions' spans (a queue too
        full to take them, or no answer in time for a flagged message: none)."""
        assert self.worker is not None
        level = self.level_of(guild_id)
        pending = [self.worker.submit(rest, urgent=found.flagged, level=level) for rest in rereads]
        waiting = [p for p in pending if p is not None]
        if len(waiting) < len(pending):
            return []
        if found.flagged:
            _, late = await asyncio.wait(waiting, timeout=self.flagged_wait_s)
            if late:
                return []
        return _confirmed(rereads, [await p for p in waiting])

    async def scan_in_context(
        self, text: str, context: Context | None, guild_id: int | None = None
    ) -> Detection:
        """``scan_async``; a short message that answers another (``context``) is also read
        with it (``context.py``). Only short answers pay for the two extra reads."""
        own, norm = await self._scan_normalized_async(text, guild_id)
        if context is None or not context.text.strip():
            return own
        rules = self.detector.rules.context
        if not is_short(norm, rules):
            return own
        parent = await self.scan_async(context.text, guild_id)
        joined = await self.scan_async(f"{context.text}\n{text}", guild_id)
        return read_together(
            own,
            parent,
            joined,
            length=len(text),
            context=context,
            agreeing=agrees(norm, rules),
        )

    def _readable(self, norm: str) -> bool:
        """Long enough for the model to read, and no laughter or joke marker (unless with
        evidence of a real plan: the veto's ``unless``)."""
        return len(norm.split()) >= self._min_words and not self._vetoed(norm)

    def _vetoed(self, norm: str) -> bool:
        return (
            self._veto is not None
            and self._veto.search(norm) is not None
            and (self._veto_unless is None or self._veto_unless.search(norm) is None)
        )

    def _unexcluded(
        self, norm: str, found: Detection, proposed: Proposal
    ) -> tuple[list[Category], dict[str, list[Category]]]:
        """The proposed categories the patterns lack, unless an exclusion holds or (for
        crisis) the patterns read the crisis words as someone else's, with the writer asking
        how to help them: that is a supporter, whom the patterns answer without an alert.
        An exclusion's span explains away only itself: a category held back by spans alone
        comes back keyed by the text outside them, to be read again (where that is long
        enough to read)."""
        kept: list[Category] = []
        rereads: dict[str, list[Category]] = {}
        for c in CATEGORIES:
            if c not in proposed or c in found.categories:
                continue
            if c == "crisis" and found.for_someone_else:
                continue
            spans = self.detector.exclusion_spans(norm, c)
            if spans == []:
                kept.append(c)
            elif spans is not None:
                rest = _outside(norm, spans)
                if len(rest.split()) >= self._min_words:
                    rereads.setdefault(rest, []).append(c)
        return kept, rereads

    def _merge(
        self, text: str, norm: str, found: Detection, proposed: Proposal, new: list[Category]
    ) -> Detection:
        """``found`` less the hits the model overrules (``_overruled``), with a whole-message
        hit for each category in ``new`` (from ``_unexcluded``), raised by the escalators, and
        crisis made imminent where the model reads an act under way."""
        found = self._overruled(found, proposed)
        added = [Hit(c, "concern", 0, len(text), SEMANTIC_RULE) for c in new]
        added = self.detector.escalate(norm, added)
        crisis = "crisis" in found.categories or "crisis" in new
        if URGENT in proposed and crisis and found.severity_of("crisis") != "imminent":
            # The model reads an act under way, done, at hand or timed: crisis is imminent.
            added = [h for h in added if h.category != "crisis"]
            added.append(Hit("crisis", "imminent", 0, len(text), SEMANTIC_RULE))
        if not added:
            return found
        return detection_of((*found.hits, *added), found.for_someone_else)

    def _overruled(self, found: Detection, proposed: Proposal) -> Detection:
        """``found`` without the pattern hits of a category the model reads as clearly absent,
        where ``[meaning]`` lets it overrule them (``MeaningRules.may_overrule``)."""
        rules = self.detector.rules.meaning
        kept = tuple(
            h
            for h in found.hits
            if CLEAR.get(h.category) not in proposed
            or not rules.may_overrule(h.category, h.severity)
        )
        if len(kept) == len(found.hits):
            return found
        return detection_of(kept, found.for_someone_else)


def reads_message(content: object, *, from_bot: bool, webhook_id: object) -> TypeGuard[str]:
    """Whether a chat message is one the safety scan reads: a member's text. A bot's or a
    webhook's message never is, nor one with no text. One rule for the intake's triage (raw
    gateway data) and the safety cog (a parsed message)."""
    return isinstance(content, str) and bool(content) and not from_bot and webhook_id is None


def _outside(norm: str, spans: list[tuple[int, int]]) -> str:
    """``norm`` without the given spans (each becomes a space)."""
    kept = list(norm)
    for start, end in spans:
        kept[start:end] = " " * (end - start)
    return " ".join("".join(kept).split())


def _confirmed(rereads: dict[str, list[Category]], answers: Sequence[Answer]) -> list[Category]:
    """The categories each text read again still carries."""
    return [
        c
        for (_, categories), answer in zip(rereads.items(), answers, strict=True)
        if answer is not None
        for c in categories
        if c in answer
    ]


__all__ = [
    "MAX_WAITING",
    "NOTHING",
    "MeaningLayer",
    "Proposer",
    "SafetyScanner",
    "load_meaning_layer",
    "reads_message",
]
