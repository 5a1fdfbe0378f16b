"""The private reply's words: the response text from content/safety.toml with the member's
region filled in. Plain strings; `bot/ui/safety_embeds.py` turns them into embeds.

Rules from content-brief/safe-messaging.md: emergency number first (title and first line)
when any category is imminent (R5), and shown after the helplines for danger at high (a
weapon, choking, threats to kill); 2-4 resources, local first, always a directory fallback
(R7); one reply per flag, with the help of every category it carries; text or chat options first
for abuse (resources.md note 3); device-safety hint on danger and abuse (R14); never couples
counselling when abuse signs are present (R15: no counselling kind is ever picked here); the
member's words are never quoted back (nothing here sees them, R1 and R9).

Every fixed phrase (titles, the emergency line, the second category's paragraph, how to
contact a line) is in content/messages/safety.toml in each of our languages; the bodies are the
[responses] of content/<lang>/safety.toml, which the caller picks with `content.in_lang(lang)`.
Which regions' lines: bot/safety_service/language_regions.py (the member's or server's region,
else the regions where the language is spoken).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.models import INTERNATIONAL, Contact, Content, Resource
from bot.i18n import DEFAULT_LANG, t
from bot.safety.rules import SEVERITY_RANK, Responses
from bot.safety_service.language_regions import helpline_regions
from bot.safety_service.policy import Flag

HELPLINE_KINDS: dict[str, str] = {
    "crisis": "crisis",
    "danger": "domestic_abuse",
    "abuse_sign": "domestic_abuse",
}
MAX_LOCAL = 3
MAX_CONTACTS = 3
_DISCREET_FIRST = {"text": 0, "chat": 1, "phone": 2, "tty": 3, "url": 4}
_BLANK_LINES = re.compile(r"\n{3,}")
SECONDARY_CATEGORIES = ("crisis", "danger", "abuse_sign")
# Regions whose names the catalog has in every language (safety.regions.<code>); a region
# added to content/resources.toml later shows its English name until it is added there.
_NAMED_REGIONS = frozenset(
    ("US", "CA", "GB", "IE", "AU", "NZ", "ES", "MX", "FR", "DE", "AT", "CH", "PT", "BR", "INTL")
)


def secondary(lang: str, category: str) -> str:
    """A second category's paragraph, placed before the helplines (which list both kinds)."""
    return t(lang, f"safety.reply.secondary.{category}")


def region_name(content: Content, code: str, lang: str = DEFAULT_LANG) -> str:
    """The region's name in `lang` where the catalog has it, else the content's English name."""
    if code in _NAMED_REGIONS:
        return t(lang, f"safety.regions.{code}")
    known = content.region(code)
    return known.name if known else code


@dataclass(frozen=True)
class ReplyText:
    title: str
    body: str
    resources: tuple[Resource, ...]


def contact_text(contact: Contact, lang: str = DEFAULT_LANG) -> str:
    """'Call 116 123', 'Text HOME to 741741' in `lang` (Contact.display is the English)."""
    if contact.method == "text" and contact.keyword:
        core = t(lang, "safety.contact.text_keyword", keyword=contact.keyword, number=contact.value)
    elif contact.method in ("text", "phone", "tty", "chat"):
        core = t(lang, f"safety.contact.{contact.method}", value=contact.value)
    else:
        core = contact.value
    return f"{core} ({contact.note})" if contact.note else core


def resource_line(
    resource: Resource, *, discreet_first: bool = False, lang: str = DEFAULT_LANG, where: str = ""
) -> str:
    """'**Samaritans**: Call 116 123 (24/7)'; text and chat first when asked (abuse); `where`
    names the country when lines of several countries are listed together."""
    contacts = list(resource.contacts)
    if discreet_first:
        contacts.sort(key=lambda c: _DISCREET_FIRST.get(c.method, 9))
    ways = " · ".join(contact_text(c, lang) for c in contacts[:MAX_CONTACTS])
    if not ways:
        ways = resource.url
    elif resource.url and not any(c.method in ("url", "chat") for c in contacts[:MAX_CONTACTS]):
        ways += f" · {resource.url}"
    hours = f" ({resource.hours})" if resource.hours else ""
    country = f" ({where})" if where else ""
    return f"**{resource.name}**{country}: {ways}{hours}"


def _local(content: Content, regions: tuple[str, ...], kind: str) -> list[Resource]:
    """Lines of `kind` for the regions, region by region in order."""
    return [
        r for code in regions for r in content.resources if code in r.regions and r.kind == kind
    ]


def _directories(content: Content) -> list[Resource]:
    return [r for r in content.resources if INTERNATIONAL in r.regions and r.kind == "directory"]


def pick_helplines(
    content: Content, region: str, flag: Flag, lang: str = DEFAULT_LANG
) -> tuple[Resource, ...]:
    """2-4 entries: up to three local lines for the flag's categories, then a directory."""
    regions = helpline_regions(region, lang)
    kinds = list(dict.fromkeys(HELPLINE_KINDS[c] for c in flag.categories))
    per_kind = 2 if len(kinds) == 1 else 1
    local: list[Resource] = []
    for kind in kinds:
        local += _local(content, regions, kind)[:per_kind]
    picked = local[:MAX_LOCAL]
    directories = _directories(content)
    picked += directories[: max(1, 2 - len(picked))]
    return tuple(picked)


def emergency_number(content: Content, region: str, lang: str = DEFAULT_LANG) -> tuple[str, str]:
    """(number, note) for the region; for the regions of a language (no region set), their
    number when they share one, else each with its country ("112 (España) / 911 (México)");
    a generic phrase when none is known."""
    regions = helpline_regions(region, lang)
    known = [r for r in (content.region(code) for code in regions) if r and r.emergency]
    if len(regions) == 1 and known:
        return known[0].emergency, known[0].emergency_note
    numbers = list(dict.fromkeys(r.emergency for r in known))
    if len(numbers) == 1:
        return numbers[0], ""
    if numbers:
        return " / ".join(
            f"{r.emergency} ({region_name(content, r.code, lang)})" for r in known
        ), ""
    return t(lang, "safety.reply.local_emergency"), ""


def emergency_line(content: Content, region: str, lang: str = DEFAULT_LANG) -> str:
    number, note = emergency_number(content, region, lang)
    return t(lang, "safety.reply.emergency_line", number=number) + (f" {note}" if note else "")


def directory_line(content: Content, region: str, lang: str = DEFAULT_LANG) -> str:
    directories = _directories(content)
    if not directories:
        return ""
    first = directories[0]
    key = "directory_elsewhere" if helpline_regions(region, lang) else "directory"
    return t(lang, f"safety.reply.{key}", name=first.name, url=first.url)


def _with_secondary(body: str, flag: Flag, lang: str) -> str:
    """The other categories' paragraphs, just before the paragraph that lists the helplines,
    so one reply carries every kind of help (each paragraph points at the lines below)."""
    extra = [
        secondary(lang, c)
        for c in flag.categories
        if c != flag.primary and c in SECONDARY_CATEGORIES
    ]
    if not extra:
        return body
    paragraphs = body.split("\n\n")
    at = next((i for i, p in enumerate(paragraphs) if "{helplines}" in p), len(paragraphs))
    return "\n\n".join([*paragraphs[:at], *extra, *paragraphs[at:]])


def _bullets(content: Content, chosen: tuple[Resource, ...], lang: str, discreet: bool) -> str:
    """The local lines as bullets (the directory alone when there are none), each with its
    country when lines of several countries are listed together."""
    local_only = tuple(r for r in chosen if r.kind != "directory")
    several = len({code for r in local_only for code in r.regions}) > 1
    return "\n".join(
        "• "
        + resource_line(
            r,
            discreet_first=discreet,
            lang=lang,
            where=region_name(content, r.regions[0], lang) if several else "",
        )
        for r in (local_only or chosen)
    )


def shows_emergency(flag: Flag) -> bool:
    """Imminent anything, or danger at high or above (choking, a weapon, threats to kill)."""
    return (
        flag.is_urgent
        or SEVERITY_RANK.get(flag.severities.get("danger", ""), -1) >= SEVERITY_RANK["high"]
    )


def compose_reply(
    content: Content, responses: Responses, region: str, flag: Flag, lang: str = DEFAULT_LANG
) -> ReplyText:
    """The full private reply for a flag: one message, whatever the number of categories.

    `responses` are in `lang` (`content.in_lang(lang).safety.responses`); `region` is the
    member's or server's ("INTL" for none, and then the language's regions come first).

    Imminent (any category): the emergency number is the title and the body's first line.
    Danger at high: the emergency number follows the helplines. Two categories: the leading
    category's text, the other's paragraph, and helplines of both kinds."""
    primary = flag.primary
    template = responses.for_category(primary)  # type: ignore[arg-type]
    imminent = flag.is_imminent(primary) and template.imminent_body is not None
    body = template.imminent_body if imminent and template.imminent_body else template.body
    body = _with_secondary(body, flag, lang)
    chosen = pick_helplines(content, region, flag, lang)
    discreet = flag.touches_abuse
    local_only = tuple(r for r in chosen if r.kind != "directory")
    helplines = _bullets(content, chosen, lang, discreet)
    number, note = emergency_number(content, region, lang)
    if shows_emergency(flag) and not flag.is_urgent:
        later = t(lang, "safety.reply.later_emergency", number=number) + (
            f" {note}" if note else ""
        )
        helplines += f"\n\n{later}\n"  # a paragraph of its own, before the directory line
    directory = directory_line(content, region, lang) if local_only else ""
    text = (
        body.replace("{emergency}", number)
        .replace("{helplines}", helplines)
        .replace("{directory}", directory)
    )
    if "{emergency}" in body and note:
        first, _, rest = text.partition("\n\n")
        text = f"{first} {note}\n\n{rest}"
    if flag.is_urgent and number not in text.split("\n", 1)[0]:
        text = f"{emergency_line(content, region, lang)}\n\n{text}"  # no imminent text of its own
    if directory and directory not in text:
        text += f"\n\n{directory}"
    if discreet:
        text += f"\n\n{responses.device_safety}"
    text = _BLANK_LINES.sub("\n\n", text).strip()
    title = (
        t(lang, "safety.reply.urgent_title", number=number) if flag.is_urgent else template.title
    )
    return ReplyText(title=title, body=text, resources=chosen)


def compose_supporter(
    content: Content, responses: Responses, region: str, lang: str = DEFAULT_LANG
) -> ReplyText:
    """The private note for a member worried about someone else: how to help, with the crisis
    lines and the emergency number for the member's (or server's, or language's) region. It
    is not about the writer's own risk, so it carries no alert and no reveal button."""
    template = responses.supporter
    chosen = pick_helplines(content, region, Flag({"crisis": "concern"}), lang)
    local_only = tuple(r for r in chosen if r.kind != "directory")
    helplines = _bullets(content, chosen, lang, discreet=False)
    number, note = emergency_number(content, region, lang)
    directory = directory_line(content, region, lang) if local_only else ""
    text = (
        template.body.replace("{emergency}", number + (f" {note}" if note else ""))
        .replace("{helplines}", helplines)
        .replace("{directory}", directory)
    )
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return ReplyText(title=template.title, body=text, resources=chosen)
