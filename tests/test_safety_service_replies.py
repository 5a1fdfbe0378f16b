"""The private reply's words, over the shipped content (resources.toml and safety.toml)."""

import pytest

from bot.content import Content, default_content_dir, load_content
from bot.safety_service.directory import listing
from bot.safety_service.policy import Flag
from bot.safety_service.replies import compose_reply, pick_helplines

REGIONS = ("US", "CA", "GB", "IE", "AU", "NZ", "INTL")
FLAGS = (
    Flag({"crisis": "high"}),
    Flag({"crisis": "imminent"}),
    Flag({"danger": "imminent"}),
    Flag({"danger": "high", "abuse_sign": "concern"}),
    Flag({"abuse_sign": "concern"}),
    Flag({"crisis": "imminent", "abuse_sign": "high"}),
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
    if flag.is_imminent(flag.primary):
        assert body.index(number) < body.index("automated message")
    else:
        assert "emergency" not in body.lower()
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
