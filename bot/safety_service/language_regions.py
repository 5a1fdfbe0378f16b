"""Which regions' lines come first for a member who has no region of their own.

A region set by the member (/resources region) or the server (/setup) always wins: it says
where they are, and the emergency number must be that region's (a German speaker in the UK
needs 999, not 112). Only when neither is set ("INTL") does the language of the message or
of their Discord client stand in for where they might be: a German speaker gets Germany's
lines, then Austria's and Switzerland's, then the international directory. English has no
such list: English speakers are spread too widely for a guess to help.
"""

from __future__ import annotations

from typing import Final

from bot.content.models import INTERNATIONAL

# Most speakers first. Every code must be a region in content/resources.toml (a test checks).
LANGUAGE_REGIONS: Final[dict[str, tuple[str, ...]]] = {
    "es": ("ES", "MX"),
    "fr": ("FR", "CH"),
    "de": ("DE", "AT", "CH"),
    "pt": ("BR", "PT"),
}


def helpline_regions(region: str | None, lang: str) -> tuple[str, ...]:
    """The regions whose lines to show, most likely first; () means the directory only."""
    code = (region or INTERNATIONAL).upper()
    if code != INTERNATIONAL:
        return (code,)
    return LANGUAGE_REGIONS.get(lang, ())
