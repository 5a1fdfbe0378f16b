"""content/messages/misc.toml: every key is used by the code, and fits a Discord message in
every language (German and French run longest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import timezones as tz
from bot.i18n import LANGS, t
from bot.i18n import _catalog as catalog

ROOT = Path(__file__).resolve().parents[1]
MISC = sorted(k for k in catalog().all_keys() if k.startswith("misc."))


def test_every_misc_key_is_used_somewhere() -> None:
    code = "\n".join(p.read_text() for d in ("bot", "cogs") for p in (ROOT / d).rglob("*.py"))
    assert MISC, "misc.toml is loaded"
    assert [k for k in MISC if k not in code] == []


@pytest.mark.parametrize("lang", LANGS)
def test_time_zone_refusals_fit_and_name_the_zones_in_the_readers_words(lang: str) -> None:
    with pytest.raises(tz.TimezoneError) as abbreviation:
        tz.resolve_timezone("CST")
    shown = abbreviation.value.text(lang)
    assert len(shown) <= 2000 and "CST" in shown
    joiner = f" {t(lang, 'misc.timezone.or')} "
    assert joiner.join(f"`{z}`" for z in tz.abbreviation_zones("CST")) in shown
    with pytest.raises(tz.TimezoneError) as unknown:
        tz.resolve_timezone("Moon/Base")
    assert "Moon/Base" in unknown.value.text(lang) and len(unknown.value.text(lang)) <= 2000
