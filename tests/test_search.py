"""Search quality and the fuzzy pickers behind autocomplete.

The situations below were written as members would type them (typos, no apostrophes, slang),
before looking at the tags in content/strategies.toml, and independently of their wording. Each
names the strategy that fits it according to the strategy's own "when to use"; a few list two
when both genuinely fit. The quality test runs over the shipped content, so it also catches a
content edit that makes a common situation unfindable.
"""

from __future__ import annotations

import pytest

from bot.content import Content, Script, Strategy, default_content_dir, load_content
from bot.search import (
    ScriptIndex,
    best_key,
    normalize,
    rank_keys,
    typed_number,
)

LPO = "low-pressure-openings"
RL = "reflective-listening"
RTR = "regulate-then-relate"
REP = "repair-language"
BND = "boundaries"
BST = "bite-sized-talks"
DC = "daily-connection"

SITUATIONS: list[tuple[str, tuple[str, ...]]] = [
    ("he wont tlk to me after we argued", (LPO,)),
    ("its been 3 days of silence", (BND, LPO)),
    ("i said something awful and want to fix it", (REP,)),
    ("how do i ask her to talk without scaring her off", (LPO,)),
    ("my gf ignores my txts since our fight", (LPO,)),
    ("we keep screaming at each other and i cant think straight", (RTR,)),
    ("my heart is pounding and im about to explode at him", (RTR,)),
    ("she storms out of the room in the middle of arguments", (RTR,)),
    ("we both need to cool down before we say something worse", (RTR,)),
    ("i snapped at my husband this morning and feel terrible", (REP,)),
    ("i got defencive when she told me what was bothering her", (REP,)),
    ("how do i apologise propperly", (REP,)),
    ("he disappears for days and never says when hes coming back", (BND,)),
    ("im tired of waiting around for him to decide to speak to me", (BND,)),
    ("how long is too long for the silent treatment", (BND,)),
    ("every time we discuss money it turns into a 3 hour fight", (BST,)),
    ("so many issues have piled up i dont know where to start", (BST,)),
    ("i want to bring up the chores without it becoming a massive thing", (BST,)),
    ("we feel like flatmates lately", (DC, LPO)),
    ("how do i keep things warm between us day to day", (DC,)),
    ("small ways to show my partner i apreciate them", (DC,)),
    ("he finaly opened up about how stressed his job makes him", (RL,)),
    ("she only gives me one word answers", (RL,)),
    ("he says i never actually listen to him", (RL,)),
    ("my partner told me whats been bugging her, what do i say back", (RL,)),
    ("i need some space but my partner wants to talk it out right now", (RTR, BND)),
]

# Written before the first run of the search over them and never tuned on: the figure for
# situations the search has not seen (SITUATIONS above were used while building the search).
HELD_OUT: list[tuple[str, tuple[str, ...]]] = [
    ("my boyfriend has been giving me the cold shoulder all weekend", (BND, LPO)),
    ("she slammed the door and left mid fight", (RTR,)),
    ("i was really rude to my wife yesterday", (REP,)),
    ("how can we talk about the kids schedule without it blowing up", (BST,)),
    ("hubby just shrugs and says nothing matters", (RL,)),
    ("what should i text him after our row last night", (LPO,)),
    ("i want us to feel close again", (DC, LPO)),
    ("he goes quiet for a week every time and i just sit and wait", (BND,)),
    ("when we argue i get so worked up i start shaking", (RTR,)),
    ("she finally told me why shes upset with me", (RL, REP)),
    ("we havent had a proper conversation in ages, everything ends in a fight", (BST, LPO)),
    ("i keep aplogising but he still wont speak to me", (REP,)),
]
ALL_SITUATIONS = SITUATIONS + HELD_OUT


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(default_content_dir())


@pytest.fixture(scope="module")
def index(content: Content) -> ScriptIndex:
    return ScriptIndex(content.strategies)


def test_there_are_at_least_twenty_situations() -> None:
    assert len(SITUATIONS) >= 20


@pytest.mark.parametrize(
    ("situation", "expected"), ALL_SITUATIONS, ids=[s for s, _ in ALL_SITUATIONS]
)
def test_top_three_contains_the_right_strategy(
    index: ScriptIndex, situation: str, expected: tuple[str, ...]
) -> None:
    found = [m.strategy.id for m in index.search(situation, limit=3)]
    assert set(found) & set(expected), f"{situation!r} -> {found}, wanted one of {expected}"


def test_search_returns_at_most_two_scripts_per_strategy(index: ScriptIndex) -> None:
    for situation, _ in ALL_SITUATIONS:
        found = [m.strategy.id for m in index.search(situation, limit=3)]
        assert 1 <= len(found) <= 3
        assert max(found.count(s) for s in found) <= 2


def test_results_come_with_their_strategy_and_best_first(index: ScriptIndex) -> None:
    matches = index.search("he wont tlk to me after we argued", limit=3)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    for m in matches:
        assert m.script in m.strategy.scripts
        assert 0 < m.score <= 1


def test_gibberish_and_empty_queries_find_nothing(index: ScriptIndex) -> None:
    assert index.search("") == []
    assert index.search("   ?!  ") == []
    assert index.search("qzxv plmk wrtn") == []


def test_normalize_folds_typos_contractions_and_pronouns(index: ScriptIndex) -> None:
    assert normalize("He won't TALK", index.vocabulary) == normalize(
        "she wont tlk", index.vocabulary
    )
    assert normalize("3 days", index.vocabulary) == normalize("two days", index.vocabulary)
    assert normalize("we argued", index.vocabulary) == normalize("an argument", index.vocabulary)


def test_search_is_not_fooled_by_a_single_common_word(index: ScriptIndex) -> None:
    # "partner" and "talk" appear everywhere; they alone must not produce confident matches.
    strong = [m for m in index.search("my partner", limit=3) if m.score >= 0.5]
    assert strong == []


def _tiny() -> tuple[Strategy, ...]:
    def strat(sid: str, scripts: list[tuple[str, str, tuple[str, ...]]]) -> Strategy:
        built = tuple(Script(i, sid, text, tags) for i, text, tags in scripts)
        return Strategy(sid, sid.title(), "s", "w", "u", "n", built, "f", "m", ())

    return (
        strat("a", [("a1", "Let's pause for twenty minutes.", ("we are yelling", "too angry"))]),
        strat("b", [("b1", "I'm sorry I was rude.", ("I was rude", "want to apologise"))]),
    )


def test_index_works_on_any_strategies() -> None:
    index = ScriptIndex(_tiny())
    assert index.search("we r yeling at each other")[0].script.id == "a1"
    assert index.search("i want to apologize")[0].script.id == "b1"


def test_suggestions_follow_what_is_typed(index: ScriptIndex) -> None:
    suggestions = index.suggest("silent treatmnt")
    assert 0 < len(suggestions) <= 25
    assert any("silent" in s.lower() for s in suggestions[:5])
    assert all(len(s) <= 100 for s in suggestions)
    assert len(set(suggestions)) == len(suggestions)


def test_suggestions_for_an_empty_box_cover_every_strategy(
    index: ScriptIndex, content: Content
) -> None:
    suggestions = index.suggest("")
    assert 0 < len(suggestions) <= 25
    owners = {index.strategy_of_tag(s) for s in suggestions}
    assert owners == {s.id for s in content.strategies}


def test_rank_keys_finds_a_misspelt_word_inside_a_longer_label(content: Content) -> None:
    options = [(s.id, (s.title, s.summary)) for s in content.strategies]
    assert rank_keys("boundries", options)[0] == "boundaries"
    assert rank_keys("apology", options)[0] == "repair-language"


def test_rank_keys_is_typo_tolerant_and_keeps_order_when_empty() -> None:
    options = [("one", ("Low-pressure openings",)), ("two", ("Reflective listening",))]
    assert rank_keys("reflectve", options)[0] == "two"
    assert rank_keys("", options) == ["one", "two"]
    assert rank_keys("zzzzzz", options) == []


def test_best_key_accepts_ids_titles_and_close_typos() -> None:
    options = [
        ("low-pressure-openings", ("Low-pressure openings", "Invite a talk")),
        ("boundaries", ("Boundaries around silence", "Respect the need for space")),
    ]
    assert best_key("boundaries", options) == "boundaries"
    assert best_key("Low-pressure openings", options) == "low-pressure-openings"
    assert best_key("boundries around silence", options) == "boundaries"
    assert best_key("how do I bake bread", options) is None
    assert best_key("what are boundaries", options) is None


def test_best_key_accepts_a_whole_label_inside_more_words() -> None:
    options = [("ignore-back", ("Should I ignore my partner back?", "ignore them back"))]
    assert best_key("should i ignore them back", options) == "ignore-back"
    assert best_key("what is the capital of peru", options) is None


@pytest.mark.parametrize(
    ("typed", "number"),
    [("3", 3), (" #3 ", 3), ("3.", 3), ("3rd", 3), ("no. 3", 3), ("Strategy three", 3),
     ("third", 3), ("FIRST", 1), ("eighth", 8), ("12", 12), ("boundaries", None), ("", None),
     ("3 things", None), ("step", None)],
)  # fmt: skip
def test_typed_number_reads_positions_in_the_usual_ways(typed: str, number: int | None) -> None:
    assert typed_number(typed) == number
