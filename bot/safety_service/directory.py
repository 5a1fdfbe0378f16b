"""What /resources shows for a topic and region: checked entries grouped by kind."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.models import INTERNATIONAL, Content, Resource
from bot.i18n import DEFAULT_LANG
from bot.safety_service.language_regions import helpline_regions
from bot.safety_service.server_resources import ServerResource

# Topic -> resource kinds, in display order. "abuse" never includes counselling (R15).
TOPIC_KINDS: dict[str, tuple[str, ...]] = {
    "all": ("emergency", "crisis", "domestic_abuse", "counselling", "directory"),
    "crisis": ("emergency", "crisis", "directory"),
    "abuse": ("emergency", "domestic_abuse", "directory"),
    "counselling": ("counselling", "directory"),
}
# English labels (autocomplete matches these too); each language's are resources.topics.<key>.
TOPIC_LABELS: dict[str, str] = {
    "all": "Everything",
    "crisis": "Suicide and crisis support",
    "abuse": "Domestic abuse and safety",
    "counselling": "Counselling and relationships",
}
SERVER_TOPICS: dict[str, tuple[str, ...]] = {
    "all": ("crisis", "abuse", "counselling", "other"),
    "crisis": ("crisis",),
    "abuse": ("abuse",),
    "counselling": ("counselling",),
}


@dataclass(frozen=True)
class Listing:
    region: str
    topic: str
    groups: tuple[tuple[str, tuple[Resource, ...]], ...]  # (kind, entries), non-empty only
    server_entries: tuple[ServerResource, ...]
    regions: tuple[str, ...] = ()  # whose lines are listed: the region, or the language's

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.server_entries


def normalise_topic(topic: str | None) -> str:
    return topic if topic in TOPIC_KINDS else "all"


def listing(
    content: Content,
    region: str,
    topic: str | None,
    server_entries: list[ServerResource],
    lang: str = DEFAULT_LANG,
) -> Listing:
    """Local entries for the region first (or, with no region, for the regions where `lang` is
    spoken: bot/safety_service/language_regions.py), then the international ones, by kind."""
    topic = normalise_topic(topic)
    code = region.upper()
    regions = helpline_regions(code, lang)
    groups: list[tuple[str, tuple[Resource, ...]]] = []
    for kind in TOPIC_KINDS[topic]:
        local = [
            r for each in regions for r in content.resources if r.kind == kind and each in r.regions
        ]
        international = [
            r for r in content.resources if r.kind == kind and INTERNATIONAL in r.regions
        ]
        entries = tuple(local + [r for r in international if r not in local])
        if entries:
            groups.append((kind, entries))
    wanted = SERVER_TOPICS[topic]
    own = tuple(e for e in server_entries if e.topic in wanted)
    return Listing(code, topic, tuple(groups), own, regions)
