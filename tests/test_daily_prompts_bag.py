"""The shuffle bag (pure) and the server's own prompts."""

import itertools
from dataclasses import replace
from random import Random

import pytest

from bot.daily_prompts.bag import Bag, arrange, next_key
from bot.daily_prompts.custom import (
    MAX_LENGTH,
    CustomPromptError,
    add_custom,
    clean_prompt_text,
    list_custom,
    remove_custom,
)
from bot.storage.db import Database

pytestmark = pytest.mark.both_backends


def take(bag: Bag, pool: list[str], rng: Random, last: str | None) -> tuple[Bag, str]:
    bag = arrange(bag, pool, rng, last)
    key = next_key(bag)
    assert key is not None
    bag[key] = replace(bag[key], drawn=True)
    return bag, key


@pytest.mark.parametrize("seed", range(25))
def test_every_prompt_once_per_cycle_and_no_repeat_across_cycles(seed: int) -> None:
    rng, pool, bag, drawn = Random(seed), [f"c:{i}" for i in range(7)], {}, []
    last = None
    for _ in range(7 * 6):
        bag, last = take(bag, pool, rng, last)
        drawn.append(last)
    for cycle in range(6):
        assert sorted(drawn[cycle * 7 : cycle * 7 + 7]) == sorted(pool)
    assert all(a != b for a, b in itertools.pairwise(drawn))


@pytest.mark.parametrize("seed", range(25))
def test_pool_changes_mid_cycle_keep_the_promise(seed: int) -> None:
    rng, pool, bag = Random(seed), ["a", "b", "c", "d", "e"], {}
    seen: list[str] = []
    for _ in range(2):
        bag, key = take(bag, pool, rng, None)
        seen.append(key)
    removed = next(k for k in pool if k not in seen)
    pool = [k for k in pool if k != removed] + ["new1", "new2"]
    rest = []
    for _ in range(len(pool) - 2):
        bag, key = take(bag, pool, rng, seen[-1])
        rest.append(key)
    assert removed not in rest
    assert sorted(seen + rest) == sorted(pool), "each prompt exactly once in the cycle"


def test_a_single_prompt_still_posts_every_day() -> None:
    rng, bag = Random(0), {}
    for _ in range(3):
        bag, key = take(bag, ["only"], rng, "only")
        assert key == "only"


def test_an_empty_pool_has_nothing_to_draw() -> None:
    assert next_key(arrange({}, [], Random(0))) is None


def test_custom_text_is_tidied_and_length_checked() -> None:
    assert clean_prompt_text("  What   helped\n  you  today?  ") == "What helped\nyou today?"
    with pytest.raises(CustomPromptError, match="at least"):
        clean_prompt_text("   short ")
    with pytest.raises(CustomPromptError, match="at most"):
        clean_prompt_text("x" * (MAX_LENGTH + 1))


async def test_custom_prompts_belong_to_their_server(db: Database) -> None:
    first = await add_custom(db, 1, "What would feel like care tonight?", 42)
    await add_custom(db, 2, "Another server's own prompt text.", 43)
    assert [p.text for p in await list_custom(db, 1)] == ["What would feel like care tonight?"]
    assert await remove_custom(db, 2, first.id) is None, "cannot remove another server's"
    assert await remove_custom(db, 1, first.id) == first
    assert await list_custom(db, 1) == []
