"""Reading a short reply together with the message it answers.

"same" under "i want to die", or "tonight." under the writer's own "i can't keep going like
this", says nothing on its own: the patterns see no risk and the meaning layer does not
read messages that short. Read with the message it answers, it is the writer's risk. The
label rules are about the writer, so what another member wrote is never pinned on the one who
answers it: a reply takes on the other member's categories only when it agrees with them
("same", "me too"), and otherwise only gets what the two messages say together and neither
says alone ("when are you planning to do it?" / "tonight"). Answering their own message,
the writer's two messages read as one may also raise the severity. Nothing here is stored:
Discord sends the replied-to message with the reply, and only the finding is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.safety.detector import Detection, Hit, detection_of
from bot.safety.rules import CATEGORIES, SEVERITY_RANK, Category, ContextRules, Severity

CONTEXT_RULE = "context"


@dataclass(frozen=True)
class Context:
    """The message a short one answers: its text, and whether the same member wrote it."""

    text: str
    same_author: bool


def is_short(norm: str, rules: ContextRules) -> bool:
    """Short enough to need the message it answers (``norm``: the normalised text)."""
    return 0 < len(norm.split()) <= rules.max_words


def agrees(norm: str, rules: ContextRules) -> bool:
    """The reply takes on what it answers ("same", "me too", "ich auch")."""
    return rules.agreement is not None and _compiled(rules.agreement).match(norm) is not None


def read_together(
    own: Detection,
    parent: Detection,
    joined: Detection,
    *,
    length: int,
    context: Context,
    agreeing: bool,
) -> Detection:
    """``own`` plus what reading it with its context adds. ``parent``: the context alone;
    ``joined``: both read as one text; ``length``: the short message's length (the added
    hits cover all of it, like the meaning layer's)."""
    added: dict[Category, Severity] = {}
    for category in CATEGORIES:
        mine = own.severity_of(category)
        theirs = parent.severity_of(category)
        together = joined.severity_of(category)
        if agreeing and not context.same_author and theirs is not None:
            best = theirs
        elif together is None:
            continue
        elif context.same_author:
            best = together  # the writer's own words: the two read as one may say more
            if _rank(best) <= max(_rank(mine), _rank(theirs)):
                continue
        elif theirs is None:
            best = together  # only the two together say it: the answer completes it
        else:
            continue  # the other member's risk, not this writer's
        if _rank(best) > _rank(mine):
            added[category] = best
    if not added:
        return own
    hits = own.hits + tuple(
        Hit(category, severity, 0, length, CONTEXT_RULE) for category, severity in added.items()
    )
    return detection_of(hits, own.for_someone_else)


def _rank(severity: Severity | None) -> int:
    return -1 if severity is None else SEVERITY_RANK[severity]


@lru_cache(maxsize=4)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
