"""The private reply's words, over the shipped content (resources.toml and safety.toml)."""

import re

import pytest

from bot.content import Content, default_content_dir, load_content
from bot.safety_service.directory import listing
from bot.safety_service.policy import Flag
from bot.safety_service.replies import (
    SECONDARY_CATEGORIES,
    compose_reply,
    pick_helplines,
    secondary,
)

REGIONS = (
    "US",
    "CA",
    "GB",
    "IE",
    "AU",
    "NZ",
    "ES",
    "MX",
    "FR",
    "DE",
    "AT",
    "CH",
    "PT",
    "BR",
    "INTL",
)
FLAGS = (
    Flag({"crisis": "high"}),
    Flag({"crisis": "imminent"}),
    Flag({"danger": "imminent"}),
    Flag({"danger": "high", "abuse_sign": "concern"}),
    Flag({"abuse_sign": "concern"}),
    Flag({"crisis": "imminent", "abuse_sign": "high"}),
    Flag({"danger": "high"}),
    Flag({"crisis": "imminent", "danger": "high"}),
    Flag({"crisis": "high", "danger": "concern"}),
    Flag({"abuse_sign": "imminent"}),
)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(default_content_dir())


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("flag", FLAGS, ids=lambda f: f.encode())
def test_every_reply_follows_the_safe_messaging_rules(
    content: Content, region: str, flag: Flag
) -> None:
    reply = compose_reply(content, content.safety.responses, region, flag)
    body = reply.body
    assert 2 <= len(reply.resources) <= 4
    assert "findahelpline.com" in body  # the directory fallback, always
    assert "automated" in body.lower() and "bot" in body.lower()
    assert "{" not in body and "}" not in body
    assert not any(r.kind == "counselling" for r in reply.resources)
    assert "counsell" not in body.replace("not a counsellor", "")
    known = content.region(region)
    number = known.emergency if known and known.emergency else "your local emergency number"
    first_line = body.split("\n", 1)[0]
    if flag.is_urgent:  # R5: the emergency number leads, in the title and the first line
        assert number in reply.title and number in first_line
        assert body.index(number) < body.index("automated message")
    elif flag.severities.get("danger") == "high":
        assert number in body and number not in first_line
        assert reply.title == content.safety.responses.danger.title
    else:
        assert "emergency" not in body.lower()
        assert reply.title == content.safety.responses.for_category(flag.primary).title
    device_hint = content.safety.responses.device_safety
    assert (device_hint in body) == flag.touches_abuse
    assert len(body) <= 4096


def test_local_lines_come_first_and_match_the_categories(content: Content) -> None:
    crisis = pick_helplines(content, "GB", Flag({"crisis": "high"}))
    assert [r.kind for r in crisis] == ["crisis", "crisis", "directory"]
    both = pick_helplines(content, "GB", Flag({"crisis": "high", "abuse_sign": "concern"}))
    assert [r.kind for r in both] == ["crisis", "domestic_abuse", "directory"]
    assert all("GB" in r.regions for r in both[:2])
    unknown = pick_helplines(content, "ZZ", Flag({"crisis": "high"}))
    assert {r.kind for r in unknown} == {"directory"} and len(unknown) == 2


def test_abuse_replies_lead_with_text_or_chat(content: Content) -> None:
    body = compose_reply(content, content.safety.responses, "US", Flag({"abuse_sign": "high"})).body
    line = next(x for x in body.splitlines() if "National Domestic Violence Hotline" in x)
    assert line.index("Text START to 88788") < line.index("Call")


def test_resources_listing_never_offers_counselling_for_abuse(content: Content) -> None:
    found = listing(content, "GB", "abuse", [])
    kinds = [kind for kind, _ in found.groups]
    assert "counselling" not in kinds and kinds[0] == "emergency"
    everything = listing(content, "GB", "all", [])
    assert [k for k, _ in everything.groups][-1] == "directory"
    assert listing(content, "GB", "nonsense", []).topic == "all"


def test_two_labels_get_both_kinds_of_help_in_one_reply(content: Content) -> None:
    flag = Flag({"crisis": "imminent", "danger": "high"})
    reply = compose_reply(content, content.safety.responses, "GB", flag)
    body = reply.body
    assert (
        body.startswith("**If you")
        and "call 999 now" in body.split("\n")[0]
        and "press 55" in body.split("\n")[0]
    )
    assert "Samaritans" in body and "National Domestic Abuse Helpline" in body
    assert secondary("en", "danger") in body and "not your fault" in body
    assert body.index(secondary("en", "danger")) < body.index("Samaritans")  # "below" is true
    assert content.safety.responses.device_safety in body
    assert body.count("999") == 1  # said once, first; the later danger line is not repeated


def test_danger_first_still_carries_the_crisis_line(content: Content) -> None:
    flag = Flag({"danger": "imminent", "crisis": "high"})
    body = compose_reply(content, content.safety.responses, "US", flag).body
    assert body.split("\n")[0].startswith("**If you're in danger right now, call 911")
    assert secondary("en", "crisis") in body and "988" in body
    assert "National Domestic Violence Hotline" in body


def test_danger_high_shows_the_emergency_number_after_the_helplines(content: Content) -> None:
    reply = compose_reply(content, content.safety.responses, "AU", Flag({"danger": "high"}))
    body = reply.body
    assert "call 000" in body and body.index("1800RESPECT") < body.index("call 000")
    assert "000" not in reply.title


def test_an_imminent_category_without_its_own_text_still_leads_with_the_number(
    content: Content,
) -> None:
    reply = compose_reply(content, content.safety.responses, "NZ", Flag({"abuse_sign": "imminent"}))
    assert reply.body.startswith("**If you are in danger right now, call 111.**")
    assert "111" in reply.title


def test_secondary_paragraphs_follow_safe_messaging() -> None:
    for text in (secondary("en", c) for c in SECONDARY_CATEGORIES):
        lowered = text.lower()
        assert "couples" not in lowered and "counselling" not in lowered  # R15
        assert not re.search(r"\b(?:because|leave|just leave|should)\b", lowered)  # R11, R13
        assert "committed" not in lowered  # R10


def test_a_member_in_germany_gets_the_german_lines_first_and_112_first_when_imminent(
    content: Content,
) -> None:
    reply = compose_reply(content, content.safety.responses, "DE", Flag({"crisis": "imminent"}))
    assert [r.id for r in reply.resources] == ["de-telefonseelsorge", "find-a-helpline"]
    assert "112" in reply.title and "112" in reply.body.split("\n", 1)[0]
    assert reply.body.index("0800 111 0 111") < reply.body.index("findahelpline.com")
    abuse = compose_reply(content, content.safety.responses, "DE", Flag({"danger": "high"}))
    assert [r.id for r in abuse.resources] == ["de-hilfetelefon", "find-a-helpline"]
    # Text and chat first for abuse (resources.md note 3), then the phone number.
    assert abuse.body.index("Chat: https://www.hilfetelefon.de") < abuse.body.index("116 016")


def test_a_region_without_a_verified_line_falls_back_to_the_directory(content: Content) -> None:
    # No Swiss national domestic-abuse line and no Mexican crisis line could be verified on an
    # official page (docs/resources-research-2026-12.md).
    danger = Flag({"danger": "high"})
    swiss = compose_reply(content, content.safety.responses, "CH", danger)
    assert {r.kind for r in swiss.resources} == {"directory"} and len(swiss.resources) == 2
    assert "findahelpline.com" in swiss.body and "112" in swiss.body  # the number still shows
    assert "143" not in swiss.body  # a crisis line is not passed off as an abuse service
    assert [kind for kind, _ in listing(content, "CH", "abuse", []).groups] == [
        "emergency",
        "directory",
    ]
    mexico = compose_reply(content, content.safety.responses, "MX", Flag({"crisis": "imminent"}))
    assert {r.kind for r in mexico.resources} == {"directory"}
    assert "911" in mexico.title  # the emergency number still leads
    assert "079" not in mexico.body  # the abuse line is not offered for a crisis
    mixed = compose_reply(
        content, content.safety.responses, "MX", Flag({"crisis": "high", "abuse_sign": "high"})
    )
    assert [r.kind for r in mixed.resources] == ["domestic_abuse", "directory"]
