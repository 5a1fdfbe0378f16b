"""Time zone names as managers type them: IANA names in any case, abbreviations refused with the
zones they probably mean, and the zones that fit a server's region. No Discord here.

Abbreviations such as EST are a trap: the tz database has an "EST" zone, but it is UTC-5 all
year, so a server in New York that picks it posts an hour off all summer; others (BST, IST,
CST) mean different places to different people. So they are never saved: the manager is shown
the city zones they probably meant.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from bot.i18n import DEFAULT_LANG, t
from bot.quoting import echo

COMMON_TIMEZONES: tuple[str, ...] = (
    "UTC",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Halifax",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Athens",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
)

#: Abbreviations (and the tz database's legacy fixed or US-rule zones) -> what people mean.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "est": ("America/New_York", "America/Toronto"),
    "edt": ("America/New_York", "America/Toronto"),
    "est5edt": ("America/New_York",),
    "et": ("America/New_York",),
    "cst": ("America/Chicago", "Asia/Shanghai", "America/Havana"),
    "cdt": ("America/Chicago",),
    "cst6cdt": ("America/Chicago",),
    "ct": ("America/Chicago",),
    "mst": ("America/Denver", "America/Phoenix"),
    "mdt": ("America/Denver",),
    "mst7mdt": ("America/Denver",),
    "mt": ("America/Denver",),
    "pst": ("America/Los_Angeles", "Asia/Manila"),
    "pdt": ("America/Los_Angeles",),
    "pst8pdt": ("America/Los_Angeles",),
    "pt": ("America/Los_Angeles",),
    "akst": ("America/Anchorage",),
    "hst": ("Pacific/Honolulu",),
    "ast": ("America/Halifax", "Asia/Riyadh"),
    "nst": ("America/St_Johns",),
    "gmt": ("Europe/London", "UTC"),
    "bst": ("Europe/London", "Asia/Dhaka"),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "wet": ("Europe/Lisbon",),
    "cet": ("Europe/Paris", "Europe/Berlin"),
    "cest": ("Europe/Paris", "Europe/Berlin"),
    "met": ("Europe/Paris", "Europe/Berlin"),
    "eet": ("Europe/Athens", "Europe/Helsinki"),
    "eest": ("Europe/Athens", "Europe/Helsinki"),
    "msk": ("Europe/Moscow",),
    "sast": ("Africa/Johannesburg",),
    "wat": ("Africa/Lagos",),
    "jst": ("Asia/Tokyo",),
    "kst": ("Asia/Seoul",),
    "sgt": ("Asia/Singapore",),
    "aest": ("Australia/Sydney", "Australia/Brisbane"),
    "aedt": ("Australia/Sydney",),
    "acst": ("Australia/Adelaide", "Australia/Darwin"),
    "awst": ("Australia/Perth",),
    "nzst": ("Pacific/Auckland",),
    "nzdt": ("Pacific/Auckland",),
}

#: Zones of each region in content/resources.toml, most populous first (the first is proposed).
REGION_ZONES: dict[str, tuple[str, ...]] = {
    "US": (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    ),
    "CA": (
        "America/Toronto",
        "America/Vancouver",
        "America/Edmonton",
        "America/Winnipeg",
        "America/Regina",
        "America/Halifax",
        "America/St_Johns",
    ),
    "GB": ("Europe/London",),
    "IE": ("Europe/Dublin",),
    "AU": (
        "Australia/Sydney",
        "Australia/Melbourne",
        "Australia/Brisbane",
        "Australia/Perth",
        "Australia/Adelaide",
        "Australia/Hobart",
        "Australia/Darwin",
    ),
    "NZ": ("Pacific/Auckland",),
    "ES": ("Europe/Madrid", "Atlantic/Canary"),
    "MX": (
        "America/Mexico_City",
        "America/Monterrey",
        "America/Merida",
        "America/Cancun",
        "America/Chihuahua",
        "America/Mazatlan",
        "America/Hermosillo",
        "America/Tijuana",
    ),
    "FR": ("Europe/Paris",),
    "DE": ("Europe/Berlin",),
    "AT": ("Europe/Vienna",),
    "CH": ("Europe/Zurich",),
    "PT": ("Europe/Lisbon", "Atlantic/Azores", "Atlantic/Madeira"),
    "BR": (
        "America/Sao_Paulo",
        "America/Bahia",
        "America/Fortaleza",
        "America/Recife",
        "America/Belem",
        "America/Manaus",
        "America/Cuiaba",
        "America/Porto_Velho",
        "America/Rio_Branco",
        "America/Noronha",
    ),
}


class TimezoneError(ValueError):
    """The text is not a zone to save; `text(lang)` says what to choose instead, in the
    reader's language (content/messages/misc.toml). The exception's own message is English."""

    def __init__(self, key: str, **fields: str) -> None:
        self.key = key
        self.fields = fields
        super().__init__(self.text(DEFAULT_LANG))

    def text(self, lang: str) -> str:
        fields = dict(self.fields)
        if "zones" in fields:  # joined with the reader's own "or"
            fields["options"] = f" {t(lang, 'misc.timezone.or')} ".join(
                f"`{zone}`" for zone in fields.pop("zones").split()
            )
        return t(lang, self.key, **fields)


@lru_cache(maxsize=1)
def all_timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def canonical_timezone(name: str) -> str | None:
    """The IANA name matching `name` case-insensitively, or None."""
    wanted = name.strip().replace(" ", "_").casefold()
    return next((tz for tz in all_timezones() if tz.casefold() == wanted), None)


def abbreviation_zones(name: str) -> tuple[str, ...]:
    """The city zones an abbreviation probably means; () when it is not one."""
    return ABBREVIATIONS.get(name.strip().casefold(), ())


def resolve_timezone(name: str) -> str:
    """The IANA name to save for what was typed, or TimezoneError explaining the choice."""
    meant = abbreviation_zones(name)
    if meant:
        raise TimezoneError("misc.timezone.abbreviation", name=echo(name), zones=" ".join(meant))
    found = canonical_timezone(name)
    if found is None:
        raise TimezoneError("misc.timezone.unknown", name=echo(name))
    return found


def timezone_suggestions(query: str, limit: int = 25) -> list[str]:
    """What an abbreviation means first, then prefix matches on the whole name or its city
    part, then substring matches (abbreviation zones themselves are not offered)."""
    needle = query.strip().replace(" ", "_").casefold()
    if not needle:
        return list(COMMON_TIMEZONES[:limit])
    meant = list(abbreviation_zones(needle))
    starts, contains = [], []
    for tz in all_timezones():
        folded = tz.casefold()
        if tz in meant or folded in ABBREVIATIONS:
            continue
        if folded.startswith(needle) or folded.rsplit("/", 1)[-1].startswith(needle):
            starts.append(tz)
        elif needle in folded:
            contains.append(tz)
    return (meant + starts + contains)[:limit]


def region_zones(region: str) -> tuple[str, ...]:
    return REGION_ZONES.get(region, ())


def proposed_timezone(region: str, current: str) -> str | None:
    """The zone to propose when the region changes: its first zone, unless the current zone
    already belongs to the region (or the region spans no known zone)."""
    zones = region_zones(region)
    if not zones or current in zones:
        return None
    return zones[0]
