"""A message the chat intake scanned ahead (``SafetyScanner.remember``) is not scanned again
by its handler, and what is kept is bounded."""

from __future__ import annotations

import pytest

from bot.safety import scanner as scanner_module
from bot.safety.detector import Detection, Detector
from bot.safety.scanner import SafetyScanner

pytestmark = pytest.mark.asyncio


class CountingDetector:
    """The real detector, counting full scans."""

    def __init__(self, real: Detector) -> None:
        self.real = real
        self.rules = real.rules
        self.scans = 0

    def scan_normalized(self, text: str) -> tuple[Detection, str]:
        self.scans += 1
        return self.real.scan_normalized(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


@pytest.fixture
def counted(detector: Detector) -> tuple[CountingDetector, SafetyScanner]:
    """A scanner over the counting detector, patterns only."""
    counting = CountingDetector(detector)
    return counting, SafetyScanner(counting, None)  # type: ignore[arg-type]


async def test_the_handler_takes_the_triaged_result_instead_of_scanning_again(
    counted: tuple[CountingDetector, SafetyScanner],
) -> None:
    counting, scanner = counted
    risky = "i want to kill myself tonight, i have the pills here"
    assert scanner.remember(risky) is True
    assert scanner.remember("what time is the voice chat on sunday?") is False
    assert counting.scans == 2
    found = await scanner.scan_async(risky)
    assert "crisis" in found.categories and counting.scans == 2  # taken, not scanned again
    await scanner.scan_async(risky)  # taken once: a second scan is a real one
    assert counting.scans == 3


async def test_a_repeated_text_is_scanned_once_and_taken_once_per_message(
    counted: tuple[CountingDetector, SafetyScanner],
) -> None:
    counting, scanner = counted
    spam = "i have the rope ready and i am going to do it now"
    assert [scanner.remember(spam) for _ in range(3)] == [True, True, True]
    assert counting.scans == 1  # the repeats use the first scan
    for _ in range(3):
        assert "crisis" in (await scanner.scan_async(spam)).categories
    assert counting.scans == 1  # each of the three handlers took it
    await scanner.scan_async(spam)  # a fourth handler was never remembered for
    assert counting.scans == 2 and not scanner._remembered


async def test_results_never_taken_age_out(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scanner_module, "REMEMBERED", 3)
    scanner = SafetyScanner(detector, None)
    for n in range(5):
        scanner.remember(f"message number {n}")
    assert list(scanner._remembered) == [f"message number {n}" for n in (2, 3, 4)]


@pytest.mark.parametrize(
    ("content", "from_bot", "webhook_id", "read"),
    [
        ("i want to die", False, None, True),
        ("i want to die", True, None, False),  # another bot quoting a member
        ("i want to die", False, "123", False),  # a webhook (a bridge, a feed)
        ("", False, None, False),
        (None, False, None, False),  # gateway data with no content field
    ],
)
async def test_only_a_members_text_is_read(
    content: object, from_bot: bool, webhook_id: object, read: bool
) -> None:
    """One rule for the intake's triage (raw gateway data) and the safety cog."""
    assert scanner_module.reads_message(content, from_bot=from_bot, webhook_id=webhook_id) is read
