"""Fuzzy search from a member's own description of their situation to scripts and strategies.

Tags are written in members' words ("he won't talk after a fight"), so matching a query against
tags and script text finds the right strategy without keyword lists in the cogs. Pronouns and
other filler words are dropped before matching: "he"/"she"/"my" would otherwise dominate short
tags, and WRatio-style partial matching rated almost any pair of short phrases highly.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.content.models import Content, Script, Strategy

MIN_SCORE = 50.0
_STOPWORDS = frozenset(
    [
        "i",
        "im",
        "me",
        "my",
        "mine",
        "we",
        "our",
        "us",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "but",
        "so",
        "in",
        "on",
        "at",
        "for",
        "with",
        "that",
        "this",
        "just",
        "about",
        "when",
        "what",
        "how",
        "do",
        "does",
        "did",
        "not",
        "dont",
        "don",
        "t",
        "s",
        "has",
        "have",
        "had",
        "after",
        "again",
        "really",
        "very",
        "will",
        "would",
        "can",
    ]
)


def _normalize(text: str) -> str:
    """Lowercase, strip punctuation and filler words, and fold simple plurals."""
    words = utils.default_process(text).split()
    out = []
    for word in words:
        if word in _STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return " ".join(out)


def _score(query: str, choice: str, **_: object) -> float:
    """Mean of set and sort token ratios: set rewards overlap, sort penalises extra words."""
    return (fuzz.token_set_ratio(query, choice) + fuzz.token_sort_ratio(query, choice)) / 2


@dataclass(frozen=True)
class ScriptMatch:
    script: Script
    score: float
    matched: str  # the tag or script text that matched best


def search_scripts(
    content: Content, query: str, *, limit: int = 5, min_score: float = MIN_SCORE
) -> tuple[ScriptMatch, ...]:
    """Best-matching scripts for a free-text situation, at most one entry per script."""
    cleaned = _normalize(query)
    if not cleaned:
        return ()
    choices: list[str] = []
    owners: list[tuple[Script, str]] = []
    for script in content.scripts:
        for candidate in (*script.tags, script.text):
            choices.append(_normalize(candidate))
            owners.append((script, candidate))
    hits = process.extract(cleaned, choices, scorer=_score, score_cutoff=min_score, limit=None)
    best: dict[str, ScriptMatch] = {}
    for _, score, index in hits:
        script, original = owners[index]
        if script.id not in best or score > best[script.id].score:
            best[script.id] = ScriptMatch(script, float(score), original)
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.script.id))
    return tuple(ranked[:limit])


def search_strategies(
    content: Content, query: str, *, limit: int = 3, min_score: float = MIN_SCORE
) -> tuple[Strategy, ...]:
    """Strategies ranked by their best-matching script."""
    out: list[Strategy] = []
    for match in search_scripts(content, query, limit=len(content.scripts), min_score=min_score):
        strategy = content.strategy(match.script.strategy_id)
        if strategy is not None and strategy not in out:
            out.append(strategy)
        if len(out) == limit:
            break
    return tuple(out)
