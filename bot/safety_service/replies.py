"""The private reply's words: the response text from content/safety.toml with the member's
region filled in. Plain strings; `bot/ui/safety_embeds.py` turns them into embeds.

Rules from content-brief/safe-messaging.md: emergency number first (title and first line)
when any category is imminent (R5), and shown after the helplines for danger at high (a
weapon, choking, threats to kill); 2-4 resources, local first, always a directory fallback
(R7); one reply per flag, with the help of every category it carries; text or chat options first
for abuse (resources.md note 3); device-safety hint on danger and abuse (R14); never couples
counselling when abuse signs are present (R15: no counselling kind is ever picked here); the
member's words are never quoted back (nothing here sees them, R1 and R9).

SECONDARY, URGENT_TITLE and LATER_EMERGENCY live here rather than in content/safety.toml because
that file's [responses] schema (bot/safety/rules.py) has no slot for them yet; they follow the
same rules as the texts there (R2, R11, R12, R13: no cause, no blame, no pressure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.models import INTERNATIONAL, Content, Resource
from bot.safety.rules import SEVERITY_RANK, Responses
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
URGENT_TITLE = "If you're in danger right now, call {number}"
LATER_EMERGENCY = "**If you are ever in immediate danger, call {number}.**"
# A second category's paragraph, placed before the helplines (which list both kinds of line).
SECONDARY: dict[str, str] = {
    "crisis": (
        "If you're having thoughts of suicide or of hurting yourself, you don't have to carry "
        "them alone. A crisis line is there any time, by call or text, and talking to a real "
        "person can help: the lines below can connect you."
    ),
    "danger": (
        "If someone is hurting, threatening or frightening you, that is not okay, and it is not "
        "your fault. You deserve to be safe. A domestic-abuse service can help you plan for your "
        "safety, by phone, text or chat, in confidence, whatever you decide: see the lines below."
    ),
    "abuse_sign": (
        "If your partner's behaviour leaves you feeling controlled, afraid or punished, that is "
        "not your fault. Domestic-abuse services help with emotional abuse and control too, not "
        "only physical violence, whatever you decide to do: see the lines below."
    ),
}


@dataclass(frozen=True)
class ReplyText:
    title: str
    body: str
    resources: tuple[Resource, ...]


def resource_line(resource: Resource, *, discreet_first: bool = False) -> str:
    """'**Samaritans**: Call 116 123 (24/7)'; text and chat first when asked (abuse)."""
    contacts = list(resource.contacts)
    if discreet_first:
        contacts.sort(key=lambda c: _DISCREET_FIRST.get(c.method, 9))
    ways = " · ".join(c.display() for c in contacts[:MAX_CONTACTS])
    if not ways:
        ways = resource.url
    elif resource.url and not any(c.method in ("url", "chat") for c in contacts[:MAX_CONTACTS]):
        ways += f" · {resource.url}"
    hours = f" ({resource.hours})" if resource.hours else ""
    return f"**{resource.name}**: {ways}{hours}"


def _local(content: Content, region: str, kind: str) -> list[Resource]:
    if region == INTERNATIONAL:
        return []
    return [r for r in content.resources if region in r.regions and r.kind == kind]


def _directories(content: Content) -> list[Resource]:
    return [r for r in content.resources if INTERNATIONAL in r.regions and r.kind == "directory"]


def pick_helplines(content: Content, region: str, flag: Flag) -> tuple[Resource, ...]:
    """2-4 entries: up to three local lines for the flag's categories, then a directory."""
    kinds = list(dict.fromkeys(HELPLINE_KINDS[c] for c in flag.categories))
    per_kind = 2 if len(kinds) == 1 else 1
    local: list[Resource] = []
    for kind in kinds:
        local += _local(content, region.upper(), kind)[:per_kind]
    picked = local[:MAX_LOCAL]
    directories = _directories(content)
    picked += directories[: max(1, 2 - len(picked))]
    return tuple(picked)


def emergency_number(content: Content, region: str) -> tuple[str, str]:
    """(number, note) for the region; a generic phrase when the region has no number."""
    known = content.region(region)
    if known is None or not known.emergency:
        return "your local emergency number", ""
    return known.emergency, known.emergency_note


def emergency_line(content: Content, region: str) -> str:
    number, note = emergency_number(content, region)
    return f"**If you are in danger right now, call {number}.**" + (f" {note}" if note else "")


def directory_line(content: Content, region: str) -> str:
    directories = _directories(content)
    if not directories:
        return ""
    first = directories[0]
    elsewhere = "Somewhere else? " if region.upper() != INTERNATIONAL else ""
    return (
        f"{elsewhere}**{first.name}** ({first.url}) lists free, confidential helplines by country."
    )


def _with_secondary(body: str, flag: Flag) -> str:
    """The other categories' paragraphs, just before the paragraph that lists the helplines,
    so one reply carries every kind of help (each paragraph points at the lines below)."""
    extra = [SECONDARY[c] for c in flag.categories if c != flag.primary and c in SECONDARY]
    if not extra:
        return body
    paragraphs = body.split("\n\n")
    at = next((i for i, p in enumerate(paragraphs) if "{helplines}" in p), len(paragraphs))
    return "\n\n".join([*paragraphs[:at], *extra, *paragraphs[at:]])


def shows_emergency(flag: Flag) -> bool:
    """Imminent anything, or danger at high or above (choking, a weapon, threats to kill)."""
    return (
        flag.is_urgent
        or SEVERITY_RANK.get(flag.severities.get("danger", ""), -1) >= SEVERITY_RANK["high"]
    )


def compose_reply(content: Content, responses: Responses, region: str, flag: Flag) -> ReplyText:
    """The full private reply for a flag: one message, whatever the number of categories.

    Imminent (any category): the emergency number is the title and the body's first line.
    Danger at high: the emergency number follows the helplines. Two categories: the leading
    category's text, the other's paragraph, and helplines of both kinds."""
    primary = flag.primary
    template = responses.for_category(primary)  # type: ignore[arg-type]
    imminent = flag.is_imminent(primary) and template.imminent_body is not None
    body = template.imminent_body if imminent and template.imminent_body else template.body
    body = _with_secondary(body, flag)
    chosen = pick_helplines(content, region, flag)
    discreet = flag.touches_abuse
    local_only = tuple(r for r in chosen if r.kind != "directory")
    listed = local_only or chosen
    helplines = "\n".join(f"• {resource_line(r, discreet_first=discreet)}" for r in listed)
    number, note = emergency_number(content, region)
    if shows_emergency(flag) and not flag.is_urgent:
        later = LATER_EMERGENCY.format(number=number) + (f" {note}" if note else "")
        helplines += f"\n\n{later}\n"  # a paragraph of its own, before the directory line
    directory = directory_line(content, region) if local_only else ""
    text = (
        body.replace("{emergency}", number)
        .replace("{helplines}", helplines)
        .replace("{directory}", directory)
    )
    if "{emergency}" in body and note:
        first, _, rest = text.partition("\n\n")
        text = f"{first} {note}\n\n{rest}"
    if flag.is_urgent and number not in text.split("\n", 1)[0]:
        text = f"{emergency_line(content, region)}\n\n{text}"  # no imminent text of its own
    if directory and directory not in text:
        text += f"\n\n{directory}"
    if discreet:
        text += f"\n\n{responses.device_safety}"
    text = _BLANK_LINES.sub("\n\n", text).strip()
    title = URGENT_TITLE.format(number=number) if flag.is_urgent else template.title
    return ReplyText(title=title, body=text, resources=chosen)
