"""Text a member types into a command: which of it the safety scan reads, and when support
replaces what the command would have shown (safe-messaging.md rules 5, 7 and 15).

Pure (no discord): `bot/safety_guard.py` applies it to every slash command before it runs, so
/faq, /script and any other command with a text option go through the one scanner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from bot.safety.scanner import SEMANTIC_RULE

STRING_OPTION = 3  # Discord's application-command option type for text
SUBCOMMAND_TYPES = (1, 2)  # a subcommand and a subcommand group carry their own options
SUPPORT_ONLY_CATEGORIES = frozenset({"crisis", "danger"})
# Abuse-sign rules in content/safety.toml whose id starts with this describe silence itself
# (habitual, or as punishment). Every other abuse-sign rule is a control behaviour
# (monitoring, money, isolation, threats, gaslighting ...), where conversation scripts or FAQ
# answers could be read as "a communication fix for abuse" (rule 15).
SILENCE_RULE_PREFIX = "silence_"


class ScannedText(Protocol):
    """The part of `bot.safety` Detection this module reads."""

    @property
    def flagged(self) -> bool: ...

    @property
    def severity(self) -> str | None: ...

    @property
    def categories(self) -> frozenset[str]: ...

    @property
    def hits(self) -> Iterable[Any]: ...


def support_first(detection: ScannedText) -> bool:
    """Crisis, danger, high severity or a control behaviour: support instead of the command's
    answer. Silence that has become a pattern is the unclear case, and so is an abuse sign only
    the meaning layer sees (a resemblance, not a named behaviour): the command answers, and may
    point to support itself, so the member chooses (rule 15)."""
    if not detection.flagged:
        return False
    serious = detection.severity in ("high", "imminent")
    if serious or set(detection.categories) & SUPPORT_ONLY_CATEGORIES:
        return True
    return any(
        hit.category == "abuse_sign"
        and not hit.rule.startswith(SILENCE_RULE_PREFIX)
        and hit.rule != SEMANTIC_RULE
        for hit in detection.hits
    )


def typed_values(options: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every text option value of a slash command's interaction data, subcommands included.
    Values picked from autocomplete are ids ("is-it-abuse"): scanning them finds nothing."""
    found: list[str] = []
    for option in options:
        kind = option.get("type")
        if kind in SUBCOMMAND_TYPES:
            found += typed_values(option.get("options") or [])
        elif kind == STRING_OPTION and isinstance(option.get("value"), str):
            value = option["value"].strip()
            if value:
                found.append(value)
    return found
