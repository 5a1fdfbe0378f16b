"""The guidance and daily-prompt wording in five languages: every key is used by the code,
fits Discord's limits in every language, and the day names, markers and search work per
language."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content import Content, default_content_dir, load_content
from bot.content.messages import check_catalog
from bot.i18n import LANGS, t
from bot.search import ScriptIndex, normalize
from bot.ui.prompt_embeds import format_day, has_marker, marker, prompt_post_embed, thread_name

ROOT = Path(__file__).resolve().parent.parent
OWN_CODE = [
    ROOT / "cogs" / "strategies.py",
    ROOT / "cogs" / "reading.py",
    ROOT / "cogs" / "prompts.py",
    ROOT / "bot" / "search.py",
    *sorted((ROOT / "bot" / "daily_prompts").glob("*.py")),
    *sorted((ROOT / "bot" / "ui").glob("*_embeds.py")),
]
AREAS = ("guidance", "prompts")
LABEL_LIMIT = 80
PLACEHOLDER_LIMIT = 150
THREAD_NAME_LIMIT = 100
FIELD_LIMIT = 1024


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(default_content_dir())


def own_keys() -> list[str]:
    catalog, _ = check_catalog(default_content_dir())
    return sorted(k for k in catalog.all_keys() if k.split(".", 1)[0] in AREAS)


def test_every_key_is_used_by_the_code() -> None:
    """A key is used when the code names it, or names its family ("prompts.miss_reasons.")
    and the last part as a string ("too_late")."""
    code = "\n".join(path.read_text(encoding="utf-8") for path in OWN_CODE)
    unused = []
    for key in own_keys():
        family, last = key.rsplit(".", 1)
        if key in code:
            continue
        if re.search(rf"[\"']{re.escape(family)}\.", code) and re.search(
            rf"[\"']{last}[\"']", code
        ):
            continue
        unused.append(key)
    assert unused == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_fits_where_discord_shows_it(lang: str) -> None:
    for key in own_keys():
        assert len(t(lang, key)) <= FIELD_LIMIT, key
    for key in ("guidance.reflect.another", "prompts.post.reflect_button"):
        assert len(t(lang, key)) <= LABEL_LIMIT, key
    for key in own_keys():
        if key.endswith("select_placeholder"):
            assert len(t(lang, key)) <= PLACEHOLDER_LIMIT, key


@pytest.mark.parametrize("lang", LANGS)
def test_day_and_month_names_are_complete_and_thread_names_fit(lang: str) -> None:
    for key, count in (("weekdays", 7), ("weekdays_short", 7), ("months", 12),
                       ("months_short", 12)):  # fmt: skip
        assert len(t(lang, f"prompts.dates.{key}").split()) == count, key
    for offset in range(366):
        day = date(2028, 1, 1) + timedelta(days=offset)
        assert len(thread_name(day, lang)) <= THREAD_NAME_LIMIT
        assert str(day.day) in format_day(day, lang)


def test_english_dates_read_as_before() -> None:
    day = date(2026, 3, 3)
    assert format_day(day, "en") == "Tuesday 03 March"
    assert thread_name(day, "en") == "Reflections · Tue 03 Mar"


def test_a_post_is_recognised_after_a_crash_whatever_its_language() -> None:
    day = date(2026, 3, 3)
    for lang in LANGS:
        assert has_marker(f"{marker(day, lang)} · anything", day)
        assert not has_marker(f"{marker(day + timedelta(days=1), lang)} · x", day)
    assert not has_marker(None, day) and not has_marker("Something else", day)


@pytest.mark.parametrize("lang", LANGS)
def test_a_late_post_fits_and_says_so_in_its_language(lang: str) -> None:
    zone = ZoneInfo("Europe/Berlin")
    due = datetime(2026, 3, 3, 8, tzinfo=ZoneInfo("UTC"))
    embed = prompt_post_embed(
        "x" * 600, date(2026, 3, 3), lang, late_by=timedelta(hours=3, minutes=5), due=due,
        zone=zone, use_thread=True,
    )  # fmt: skip
    assert embed.fields[0].name == t(lang, "prompts.post.late_field")
    assert "09:00" in embed.fields[0].value and "Europe/Berlin" in embed.fields[0].value
    assert len(embed.title or "") <= 256 and len(embed) <= 6000


def test_spanish_search_finds_spanish_scripts_by_spanish_or_english_words(
    content: Content,
) -> None:
    spanish = content.in_lang("es")
    index = ScriptIndex(spanish.strategies, lang="es", english=content.strategies)
    texts = {s.text for s in spanish.scripts}
    for query in ("no me habla despues de una pelea", "won't talk after a fight"):
        found = index.search(query)
        assert found and all(m.script.text in texts for m in found)
    english = ScriptIndex(content.strategies).search("won't talk after a fight")
    assert found[0].script.id == english[0].script.id, "the same script, in Spanish"
    assert normalize("está", lang="es") == normalize("esta", lang="es") == ()
    assert normalize("pelea", lang="es") == normalize("peleas", lang="es")
