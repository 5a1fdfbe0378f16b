"""Which typed text the safety scan reads, and when support replaces a command's answer."""

from dataclasses import dataclass

import pytest

from bot.safety.scanner import SEMANTIC_RULE
from bot.safety_service.screening import support_first, typed_values


@dataclass(frozen=True)
class Hit:
    category: str
    severity: str
    rule: str


@dataclass(frozen=True)
class Detection:
    hits: tuple[Hit, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.hits)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(h.category for h in self.hits)

    @property
    def severity(self) -> str | None:
        order = ("concern", "high", "imminent")
        return max((h.severity for h in self.hits), key=order.index, default=None)


def test_typed_values_reads_text_options_at_any_depth() -> None:
    options = [
        {
            "type": 1,
            "name": "add",
            "options": [
                {"type": 3, "name": "text", "value": "  first  "},
                {"type": 4, "name": "count", "value": 3},
                {"type": 3, "name": "empty", "value": "   "},
            ],
        },
        {
            "type": 2,
            "name": "group",
            "options": [
                {
                    "type": 1,
                    "name": "x",
                    "options": [{"type": 3, "name": "deep", "value": "second"}],
                }
            ],
        },
        {"type": 6, "name": "user", "value": "1234"},
    ]
    assert typed_values(options) == ["first", "second"]
    assert typed_values([]) == []


@pytest.mark.parametrize(
    ("hits", "expected"),
    [
        ((), False),
        ((Hit("crisis", "concern", "x"),), True),
        ((Hit("crisis", "concern", SEMANTIC_RULE),), True),  # a guessed crisis still gets help
        ((Hit("danger", "high", "physical_violence"),), True),
        ((Hit("abuse_sign", "concern", "monitoring"),), True),  # control: no communication fix
        ((Hit("abuse_sign", "concern", "silence_as_punishment"),), False),  # unclear: both
        ((Hit("abuse_sign", "concern", SEMANTIC_RULE),), False),
        ((Hit("abuse_sign", "high", "silence_habit"),), True),
    ],
)
def test_support_first(hits: tuple[Hit, ...], expected: bool) -> None:
    assert support_first(Detection(hits)) is expected
