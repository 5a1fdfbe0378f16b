"""Adversarial messages for the detector's worst case (a test bounds it, a bench prints it).

Regex engines with backtracking are slow on inputs that let a pattern try many ways to fail;
a chat message is attacker-controlled and the detector runs on the event loop, so every
message must cost little whatever it holds. The family below is generated from the shipped
rules themselves: repetitions of every word a pattern needs (with each kind of separator),
long whitespace runs around anchor words, long words, look-alikes, zalgo and spaced-out
letters, each cut to ``LENGTH`` characters (Discord's longest message, with Nitro).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.safety.rules import SafetyRules

LENGTH = 4000
# Every whitespace class \\s matches, and the separators the spaced-letter step looks for.
SEPARATORS = (
    " ", "  ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u00a0",
    "\u2028", "\u2029", "\u3000", ".", "-", "_", "*", " . ", "\u200b",
)  # fmt: skip
_WORD = re.compile(r"[a-z]{2,}")
_LOOKALIKES = str.maketrans("aeiopcxyk", "аеіорсхук")  # Cyrillic
_ZALGO = "\u0337\u0322\u031b\u0345\u0489"


def anchor_words(rules: SafetyRules) -> list[str]:
    """Literal words that occur in the rules' regexes (patterns, near, exclusions...)."""
    texts = [p.regex for p in rules.patterns]
    texts += [p.near for p in rules.patterns if p.near]
    texts += [e.regex for e in rules.exclusions]
    texts += [e.regex for e in rules.escalators]
    words = {w for text in texts for w in _WORD.findall(text)}
    return sorted(words)


def _fill(unit: str, length: int = LENGTH) -> str:
    return (unit * (length // max(1, len(unit)) + 1))[:length]


def _around(head: str, run: str, tail: str) -> str:
    return head + _fill(run, LENGTH - len(head) - len(tail)) + tail


def adversarial_messages(rules: SafetyRules) -> Iterator[tuple[str, str]]:
    """(label, message) pairs, every message ``LENGTH`` characters long."""
    words = anchor_words(rules)
    for i, word in enumerate(words):
        sep = SEPARATORS[i % len(SEPARATORS)]
        yield f"repeat {word!r} sep {sep!r}", _fill(word + sep)
        yield f"run-on {word!r}", _fill(word)
    for ws in SEPARATORS:
        for head in ("dont", "i dont want to", "alive dont", "kill myself", "i want to die"):
            yield f"{head!r} + run of {ws!r}", _around(head, ws, "")
            yield f"run of {ws!r} + {head!r}", _around("", ws, head)
            yield f"{head!r} + run of {ws!r} + x", _around(head, ws, "x be alive")
        yield f"dont{ws!r} repeated", _fill("dont" + ws)
        yield f"k{ws!r}i{ws!r}l{ws!r}l repeated", _fill(ws.join("kill") + ws)
    for unit in ("k1", "a", "ab", "k!", "1", "k1ll", "kill", "aaab", "d13", "@$!|", "x'"):
        yield f"long word {unit!r}", _fill(unit)
    for phrase in ("kill myself ", "i dont want to be alive ", "he hit me "):
        yield f"look-alikes {phrase!r}", _fill(phrase.translate(_LOOKALIKES))
        yield f"zalgo {phrase!r}", _fill("".join(c + _ZALGO for c in phrase))
        wide = "".join(chr(ord(c) + 0xFEE0) if c != " " else "\u3000" for c in phrase)
        yield f"full-width {phrase!r}", _fill(wide)
        yield f"spaced {phrase!r}", _fill(" ".join(phrase) + "  ")
        yield f"leet {phrase!r}", _fill(phrase.translate(str.maketrans("aeiost", "431057")))
