"""Safety replies and /resources in each of our languages, over the shipped content: the language
regions exist and speak the language, every reply fits Discord and leaves no placeholder, every
safety/resources key is used in the code, and translations differ from the English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content import Content, default_content_dir, load_content
from bot.content.messages import check_catalog
from bot.i18n import LANGS, t
from bot.safety_service.directory import TOPIC_KINDS, listing
from bot.safety_service.language_regions import LANGUAGE_REGIONS, helpline_regions
from bot.safety_service.policy import Flag
from bot.safety_service.replies import compose_reply
from bot.ui.resource_embeds import resources_embed

ROOT = Path(__file__).resolve().parent.parent
OUR_FILES = ("safety", "resources")
FLAGS = (
    Flag({"crisis": "high"}),
    Flag({"crisis": "imminent"}),
    Flag({"danger": "high", "abuse_sign": "concern"}),
    Flag({"abuse_sign": "concern"}),
    Flag({"crisis": "imminent", "danger": "high"}),
)
# Discord's limits for where each key is shown (embed description 4096 is far above any key).
LIMITS = {
    "safety.buttons.open": 80,
    "safety.buttons.reveal": 80,
    "resources.region.use_default": 100,
}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(default_content_dir())


def our_keys() -> list[str]:
    catalog, _ = check_catalog(ROOT / "content")
    return sorted(k for k in catalog.all_keys() if k.split(".", 1)[0] in OUR_FILES)


def test_each_language_region_exists_and_has_a_line_in_that_language(content: Content) -> None:
    for lang, codes in LANGUAGE_REGIONS.items():
        assert lang in LANGS
        for code in codes:
            assert content.region(code) is not None, code
        assert any(
            code in r.regions and lang in r.languages for code in codes for r in content.resources
        ), lang


def test_every_region_has_a_name_in_every_language(content: Content) -> None:
    for region in content.regions:
        for lang in LANGS:
            assert t(lang, f"safety.regions.{region.code}")
    assert t("en", "safety.regions.GB") == next(r.name for r in content.regions if r.code == "GB")


def test_a_region_set_wins_over_the_language() -> None:
    assert helpline_regions("GB", "de") == ("GB",)
    assert helpline_regions("INTL", "de") == ("DE", "AT", "CH")
    assert helpline_regions("INTL", "en") == ()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("region", ["INTL", "GB", "DE", "ES", "BR", "FR"])
@pytest.mark.parametrize("flag", FLAGS, ids=lambda f: f.encode())
def test_every_reply_in_every_language_fits_and_is_complete(
    content: Content, lang: str, region: str, flag: Flag
) -> None:
    responses = content.in_lang(lang).safety.responses
    reply = compose_reply(content, responses, region, flag, lang)
    assert len(reply.title) <= 256 and len(reply.body) <= 4096
    assert "{" not in reply.body and "}" not in reply.body
    assert "findahelpline.com" in reply.body
    assert 2 <= len(reply.resources) <= 4
    if flag.is_urgent:
        assert reply.title.startswith(t(lang, "safety.reply.urgent_title", number="")[:10])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("topic", sorted(TOPIC_KINDS))
def test_resources_embed_in_every_language_fits(content: Content, lang: str, topic: str) -> None:
    for region in ("INTL", "DE", "CA"):
        embed = resources_embed(content, listing(content, region, topic, [], lang), lang=lang)
        assert len(embed.title or "") <= 256
        assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)
        assert len(embed) <= 6000


def test_with_no_region_a_german_reply_lists_germany_then_austria() -> None:
    content = load_content(default_content_dir())
    reply = compose_reply(
        content, content.in_lang("de").safety.responses, "INTL", Flag({"crisis": "high"}), "de"
    )
    regions = [r.regions[0] for r in reply.resources if r.kind != "directory"]
    assert regions == ["DE", "AT"]


def test_short_labels_fit_discord_in_every_language() -> None:
    for key, limit in LIMITS.items():
        for lang in LANGS:
            assert len(t(lang, key)) <= limit, (lang, key)


def _words(text: str) -> str:
    """The text without {placeholders} and (links): what a translator would change."""
    return re.sub(r"\{\w+\}|\(.*?\)", "", text)


def test_translations_are_not_the_english() -> None:
    same = [
        (lang, key)
        for key in our_keys()
        for lang in LANGS[1:]
        if t(lang, key) == t("en", key) and len(_words(t("en", key))) > 14
    ]
    assert same == []


def test_every_key_is_used_in_the_code() -> None:
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("bot", "cogs")
        for p in (ROOT / folder).rglob("*.py")
    )
    dynamic = {  # keys built from a value: prefix -> how the code builds them
        "safety.reply.secondary.": 'f"safety.reply.secondary.{',
        "safety.reply.directory": 'f"safety.reply.{key}"',
        "safety.contact.": 'f"safety.contact.{',
        "safety.regions.": 'f"safety.regions.{',
        "safety.support_instead.what_": 'f"safety.support_instead.{',
        "resources.topics.": 'f"resources.topics.{',
        "resources.kinds.": 'f"resources.kinds.{',
        "safety.alerts.title": 'f"safety.alerts.{title_key}"',
        "resources.invalid.fields.": 'f"resources.invalid.fields.{',
        "resources.invalid.": 'f"resources.invalid.{key}"',
        "safety.alerts.fields.": 'f"safety.alerts.fields.{',
        "safety.alerts.buttons.claim": 'f"safety.alerts.buttons.{action}"',
        "safety.alerts.buttons.resolve": 'f"safety.alerts.buttons.{action}"',
        # stored values' labels: f"safety.alerts.{table}.{value}" with the table named
        "safety.alerts.kind.": '"kind"',
        "safety.alerts.category.": '"category"',
        "safety.alerts.severity.": '"severity"',
        "safety.alerts.severity_short.": '"severity_short"',
        "safety.alerts.status.": '"status"',
        "safety.alerts.member_reply.": '"member_reply"',
    }
    assert all(built in code for built in dynamic.values())
    unused = [
        key
        for key in our_keys()
        if not any(f"{quote}{key}{quote}" in code for quote in "\"'")
        and not any(key.startswith(p) for p in dynamic)
    ]
    assert unused == []
