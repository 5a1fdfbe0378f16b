"""The content loader/validator and the shipped content files.

Broken fixtures live in tests/fixtures/content_broken/<case>/: each case overlays one small
broken file on a copy of the shipped content, and the test pins the exact problems reported
for that file (problems in other files, caused by a deliberately tiny fixture, are ignored).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

from bot.content import (
    CONTENT_FILES,
    Content,
    ContentError,
    ContentProblem,
    check_content,
    default_content_dir,
    load_content,
    summarize,
)
from bot.content.models import Contact
from bot.content.schema import valid_phone, valid_url

FIXTURES = Path(__file__).parent / "fixtures" / "content_broken"
SHIPPED = default_content_dir()
OWN_FILES = [name for name in CONTENT_FILES if name != "safety.toml"]
STRATEGY_IDS = {
    "low-pressure-openings",
    "reflective-listening",
    "regulate-then-relate",
    "repair-language",
    "boundaries",
    "bite-sized-talks",
    "daily-connection",
}
BANNED = ("his secret obsession", "hero instinct", "clickbank", "affiliate")
GENDERED = re.compile(r"\b(he|she|him|her|his|hers|husband|wife|boyfriend|girlfriend)\b", re.I)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(SHIPPED)


def _overlay(tmp_path: Path, case: str) -> tuple[Path, set[str]]:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED, target)
    names = set()
    for broken in (FIXTURES / case).glob("*.toml"):
        shutil.copy(broken, target / broken.name)
        names.add(broken.name)
    assert names, f"fixture case {case} has no files"
    return target, names


def _problems_for(tmp_path: Path, case: str) -> list[str]:
    directory, names = _overlay(tmp_path, case)
    loaded, problems = check_content(directory)
    assert loaded is None
    return [str(p) for p in problems if p.file in names]


# ---------------------------------------------------------------- shipped content


def test_shipped_content_has_no_problems() -> None:
    loaded, problems = check_content(SHIPPED)
    assert [str(p) for p in problems] == []
    assert loaded is not None


def test_summary_line(content: Content) -> None:
    line = summarize(content)
    assert re.fullmatch(
        r"content OK: 7 strategies, \d+ scripts, \d+ FAQ, \d+ prompts, \d+ resources, "
        r"3 safety categories",
        line,
    ), line


def test_default_dir_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_content_dir() == SHIPPED
    assert (default_content_dir() / "strategies.toml").is_file()


def test_every_content_file_is_known() -> None:
    assert sorted(p.name for p in SHIPPED.glob("*.toml")) == sorted(CONTENT_FILES)


def _walk(value: object, path: str = "content") -> list[tuple[str, object]]:
    out = [(path, value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if path == "content" and f.name == "safety":
                continue  # bot.safety.rules owns that type and its tests
            out += _walk(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            out += _walk(item, f"{path}[{i}]")
    return out


def test_loads_into_frozen_dataclasses_with_tuples(content: Content) -> None:
    nodes = _walk(content)
    assert len(nodes) > 500
    for path, value in nodes:
        assert not isinstance(value, (list, dict, set)), f"{path} is a {type(value).__name__}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            params = type(value).__dataclass_params__  # type: ignore[attr-defined]
            assert params.frozen, f"{path} ({type(value).__name__}) is not frozen"
    with pytest.raises(dataclasses.FrozenInstanceError):
        content.strategies[0].title = "changed"  # type: ignore[misc]


def test_the_seven_strategies_are_complete(content: Content) -> None:
    assert {s.id for s in content.strategies} == STRATEGY_IDS
    for s in content.strategies:
        assert len(s.scripts) >= 3, s.id
        assert s.fallback.strip() and s.mistake.strip() and s.why.strip(), s.id
        assert s.when_to_use.strip() and s.when_not_to_use.strip(), s.id
        assert len(s.sources) >= 1, s.id
        for script in s.scripts:
            assert script.strategy_id == s.id
            assert len(script.tags) >= 3, script.id


def test_lookups(content: Content) -> None:
    assert content.strategy("boundaries") is not None
    assert content.strategy("nope") is None
    script = content.scripts[0]
    assert content.script(script.id) == script
    assert content.faq_entry("is-it-abuse") is not None
    assert content.region("gb") is not None and content.region("gb").emergency == "999"  # type: ignore[union-attr]
    assert content.withdrawal_reason("control") is not None
    assert content.prompt(content.prompts[0].id) == content.prompts[0]


def test_enough_prompts_in_every_theme(content: Content) -> None:
    assert len(content.prompts) >= 60
    themes = {p.theme for p in content.prompts}
    assert themes == {"self", "relationship", "needs_boundaries", "gratitude", "connection"}
    for theme in themes:
        assert len(content.prompts_by_theme(theme)) >= 10
    assert len(content.reflection_prompts) >= 10


#: Asking someone punished with silence to thank, admire, appease or look after the partner
#: (or to make the first move) stings: daily prompts point warmth elsewhere (content/prompts.toml).
STINGS = re.compile(
    r"\b(?:thank|admir|appreciat|grateful|gratitude|hug|apologi[sz]|make it up|reconnect"
    r"|show (?:i|them|him|her) |looking forward|carrying|stopped noticing|from the other side"
    r"|easier for both)\w*",
    re.I,
)


def test_daily_prompts_never_ask_to_thank_admire_or_appease_the_partner(
    content: Content,
) -> None:
    partner = re.compile(r"\b(?:partner|we|us|our|them|they)\b", re.I)
    offenders = [p.id for p in content.prompts if partner.search(p.text) and STINGS.search(p.text)]
    assert offenders == []
    about_partner = [p.id for p in content.prompts if "partner" in p.text]
    assert not [i for i in about_partner if i.startswith(("grat-", "conn-"))]


def test_no_promotion_wording_anywhere_in_shipped_content() -> None:
    for path in SHIPPED.glob("*.toml"):
        text = path.read_text(encoding="utf-8").casefold()
        for phrase in BANNED:
            assert phrase not in text, f"{path.name} mentions {phrase!r}"


def _displayed_texts(content: Content) -> list[tuple[str, str]]:
    """Every text a member reads (tags are members' own words, so they may be gendered)."""
    out: list[tuple[str, str]] = []
    for s in content.strategies:
        for name in ("title", "summary", "why", "when_to_use", "when_not_to_use", "fallback"):
            out.append((f"{s.id}.{name}", getattr(s, name)))
        out.append((f"{s.id}.mistake", s.mistake))
        out += [(sc.id, sc.text) for sc in s.scripts]
    out += [(f.id, f"{f.question} {f.answer}") for f in content.faq]
    out += [(p.id, p.text) for p in content.prompts]
    out += [
        (r.id, f"{r.title} {r.summary} {r.body} {r.what_helps}") for r in content.withdrawal_reasons
    ]
    out += [(p.id, p.text) for p in content.reflection_prompts]
    ws = content.warning_signs
    out.append(("warning_signs", f"{ws.title} {ws.intro} {ws.closing}"))
    out += [(s.id, f"{s.title} {s.text}") for s in ws.signs]
    out += [("contrast", f"{c.healthy} {c.control}") for c in ws.contrasts]
    out += [(step.label, step.text) for step in content.sequence]
    return out


def test_member_facing_text_is_gender_neutral(content: Content) -> None:
    offenders = [
        (where, m.group(0))
        for where, text in _displayed_texts(content)
        for m in [GENDERED.search(text)]
        if m
    ]
    assert offenders == []


def test_abuse_related_entries_route_to_abuse_services_only(content: Content) -> None:
    routed = [*content.faq, *content.withdrawal_reasons]
    abuse = [e for e in routed if e.abuse_related]
    assert {e.id for e in abuse} >= {"is-it-abuse", "afraid-of-partner", "control"}
    for entry in abuse:
        assert "domestic_abuse" in entry.resource_kinds, entry.id
        assert "counselling" not in entry.resource_kinds, entry.id
        assert entry.related_strategies == (), entry.id
    assert "domestic_abuse" in content.warning_signs.resource_kinds
    assert "counselling" not in content.warning_signs.resource_kinds


def test_faq_covers_the_required_questions(content: Content) -> None:
    ids = {f.id for f in content.faq}
    assert {"is-it-abuse", "ignore-back", "how-long-to-wait", "never-wants-to-talk"} <= ids
    assert len(content.faq) >= 8


def test_sequence_follows_the_strategies(content: Content) -> None:
    assert [s.strategy_id for s in content.sequence] == [s.id for s in content.strategies]


# ---------------------------------------------------------------- resources


def test_only_verified_resources(content: Content) -> None:
    for r in content.resources:
        assert r.confidence in ("high", "medium"), r.id
        assert r.verified > date(2020, 1, 1), r.id
        assert r.source_urls, r.id
    # Rows resources.md marks UNVERIFIED or Low stay out (Men's Aid Ireland, the IASP page),
    # and so do details it says are outdated (988 "Press 3", old Canadian and Irish numbers).
    raw = (SHIPPED / "resources.toml").read_text(encoding="utf-8")
    for gone in (
        "//www.mensaid.ie",
        "Men's Aid Ireland",
        "01 554 3811",
        "iasp.info",
        "Press 3",
        "1-833-456-4566",
        "086 1800 280",
    ):
        assert gone not in raw, gone


def test_every_region_has_a_directory_fallback(content: Content) -> None:
    for region in content.regions:
        found = content.resources_for(region.code)
        assert any(r.id == "find-a-helpline" for r in found), region.code
    assert content.resources_for("JP")[0].id == "find-a-helpline"  # a region we don't cover
    assert all("INTL" in r.regions for r in content.resources_for(None))


# What docs/resources-research-2026-12.md could not verify on a service's own page or a
# government page. Those regions fall back to the directories for that kind; a new gap (or a
# filled one) must be a deliberate edit here, next to the research that explains it.
KNOWN_GAPS: dict[str, set[str]] = {
    "MX": {"crisis"},  # Línea de la Vida: only press pages
    "CH": {"domestic_abuse"},  # the national 142 victims' line: not confirmed live
}


def test_each_covered_region_has_crisis_abuse_and_emergency_except_known_gaps(
    content: Content,
) -> None:
    for region in content.regions:
        if region.code == "INTL":
            assert region.emergency == ""
            continue
        kinds = {r.kind for r in content.resources_for(region.code)}
        missing = {"crisis", "domestic_abuse", "emergency"} - kinds
        assert missing == KNOWN_GAPS.get(region.code, set()), region.code
        # The region's emergency number and its emergency entry come and go together.
        assert bool(region.emergency) == ("emergency" not in missing), region.code


def test_issue_19_regions_are_offered_and_found_by_their_own_names(content: Content) -> None:
    codes = [r.code for r in content.regions]
    assert {"ES", "MX", "FR", "DE", "AT", "CH", "PT", "BR"} <= set(codes)
    assert codes[-1] == "INTL" and len(codes) <= 25  # the /setup start menu holds 25 options
    for typed, code in [
        ("Deutschland", "DE"),
        ("germany", "DE"),
        ("espana", "ES"),
        ("México", "MX"),
        ("OSTERREICH", "AT"),
        ("suisse", "CH"),
        ("brasil", "BR"),
        ("pt", "PT"),
    ]:
        found = content.find_region(typed)
        assert found is not None and found.code == code, typed
    assert content.find_region("Atlantis") is None
    assert [r.code for r in content.regions_matching("ich")] == ["AT"]  # Österreich
    assert [r.code for r in content.regions_matching("schw")] == ["CH"]


def test_every_new_line_has_its_evidence_in_the_research_notes(content: Content) -> None:
    research = (SHIPPED.parent / "docs" / "resources-research-2026-12.md").read_text("utf-8")
    hilfetelefon = content.resource("de-hilfetelefon")
    assert hilfetelefon is not None and hilfetelefon.languages == ("de",)
    new = [r for r in content.resources if set(r.regions) & {"ES", "MX", "FR", "DE", "AT", "CH"}]
    new += [r for r in content.resources if set(r.regions) & {"PT", "BR"}]
    assert len(new) == 22
    for r in new:
        assert r.verified == date(2026, 12, 4), r.id
        assert f"`{r.id}`" in research, r.id
        for url in r.source_urls:
            assert url in research, (r.id, url)
        for contact in r.contacts:
            assert contact.value in research, (r.id, contact.value)


def test_resources_for_filters_kinds_and_keeps_directories(content: Content) -> None:
    found = content.resources_for("ca", ("domestic_abuse",))
    assert {r.kind for r in found} == {"domestic_abuse", "directory"}
    assert found[-1].regions == ("INTL",)


def test_contact_display() -> None:
    assert Contact("text", "741741", "HOME", "").display() == "Text HOME to 741741"
    assert Contact("phone", "116 123", "", "freephone").display() == "Call 116 123 (freephone)"
    assert Contact("tty", "1-800-787-3224", "", "").display() == "TTY 1-800-787-3224"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("988", True),
        ("1-800-799-7233", True),
        ("0800 733 843", True),
        ("+44 116 123", True),
        ("12", False),
        ("call us", False),
        ("0800 REFUGE", False),
        ("1234567890123456", False),
    ],
)
def test_phone_format(value: str, ok: bool) -> None:
    assert valid_phone(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://findahelpline.com", True),
        ("https://www.samaritans.org/ireland/", True),
        ("http://example.org", False),
        ("https://not a url", False),
        ("https://localhost", False),
        ("www.example.org", False),
        ("https://", False),
    ],
)
def test_url_format(value: str, ok: bool) -> None:
    assert valid_url(value) is ok


# ---------------------------------------------------------------- broken fixtures


def test_toml_syntax_error_is_a_problem_with_its_line(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "syntax_error") == [
        "faq.toml: <toml>: line 3, column 47: Illegal character '\\n'"
    ]


def test_missing_field(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "missing_field") == [
        "faq.toml: faq[1].answer: missing required key"
    ]


def test_unknown_key(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "unknown_key") == [
        "faq.toml: faq[0].answer: missing required key",
        "faq.toml: faq[0].anwser: unknown key (allowed here: abuse_related, answer, id, "
        "question, related_strategies, resource_kinds, sources, tags)",
    ]


def test_overlong_script(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "overlong_script") == [
        "strategies.toml: strategies[0].scripts[1].text: is 1100 characters; "
        "the limit is 1024 (embed field value)"
    ]


def test_duplicate_ids_across_strategies_and_scripts(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "duplicate_id") == [
        "strategies.toml: strategies[0].scripts[0].id: duplicate id 'boundaries' "
        "(first used at strategies[0].id)",
        "strategies.toml: strategies[0].scripts[2].id: duplicate id 's-two' "
        "(first used at strategies[0].scripts[1].id)",
    ]


def test_bad_urls(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "bad_url") == [
        "resources.toml: resources[0].url: not a well-formed https URL: 'http://example.org'",
        "resources.toml: resources[1].contacts[0].value: "
        "not a well-formed https URL: 'www.example.org'",
        "resources.toml: resources[1].url: not a well-formed https URL: 'https://not a url'",
        "resources.toml: resources[1].source_urls[0]: not a well-formed URL: 'example.org'",
    ]


def test_bad_date_region_phone_and_confidence(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "bad_date") == [
        "resources.toml: regions[1].code: not an ISO 3166 alpha-2 code or 'INTL': 'USA'",
        "resources.toml: regions[1].emergency: not a phone number: 'nine-one-one'",
        "resources.toml: resources[0].regions[1]: unknown region 'FR' (add it to [[regions]] first)",
        "resources.toml: resources[0].contacts[0].value: not a phone number: 'call us'",
        "resources.toml: resources[0].contacts[1].keyword: "
        "a keyword is one uppercase word, and only for method 'text'",
        "resources.toml: resources[0].confidence: unknown value 'low' (allowed: high, medium)",
        "resources.toml: resources[0].verified: not an ISO date (YYYY-MM-DD): '2026-02-30'",
    ]


def test_bad_languages_and_clashing_region_names(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "bad_language") == [
        "resources.toml: regions[2].name: the name 'Deutschland' is already used at "
        "regions[1].aliases[0]",
        "resources.toml: regions[2].aliases[0]: the name 'germany' is already used at "
        "regions[1].name",
        "resources.toml: resources[0].languages[1]: not a language tag such as 'de' or "
        "'pt-BR': 'German'",
        "resources.toml: resources[0].languages[2]: not a language tag such as 'de' or "
        "'pt-BR': 'pt_br'",
    ]


def test_abuse_entries_must_not_route_to_couples_work(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, "abuse_routing") == [
        "faq.toml: faq[0].resource_kinds[1]: unknown resource kind 'hotline' "
        "(allowed: emergency, crisis, domestic_abuse, counselling, directory)",
        "faq.toml: faq[0].resource_kinds: an abuse-related entry must include 'domestic_abuse'",
        "faq.toml: faq[0].resource_kinds: an abuse-related entry must not point to counselling "
        "(safe-messaging rule 15)",
        "faq.toml: faq[0].related_strategies: an abuse-related entry must not offer "
        "communication strategies (rule 15)",
        "faq.toml: faq[0].answer: mentions banned promotion wording 'affiliate'",
    ]


def test_missing_and_unknown_files(tmp_path: Path) -> None:
    directory = tmp_path / "content"
    shutil.copytree(SHIPPED, directory)
    (directory / "prompts.toml").unlink()
    (directory / "extra.toml").write_text("x = 1\n", encoding="utf-8")
    loaded, problems = check_content(directory)
    assert loaded is None
    assert [str(p) for p in problems] == [
        "prompts.toml: <file>: file is missing",
        "extra.toml: <file>: unknown content file (expected: " + ", ".join(CONTENT_FILES) + ")",
    ]


def test_wrong_types_are_problems_not_crashes(tmp_path: Path) -> None:
    directory = tmp_path / "content"
    shutil.copytree(SHIPPED, directory)
    (directory / "faq.toml").write_text(
        'faq = [{ id = 7, question = ["q"], answer = "a", tags = "t", abuse_related = "yes" }]\n',
        encoding="utf-8",
    )
    _, problems = check_content(directory)
    assert [str(p) for p in problems if p.file == "faq.toml"] == [
        "faq.toml: faq[0].id: expected a string, got integer",
        "faq.toml: faq[0].abuse_related: expected a boolean, got string",
        "faq.toml: faq[0].question: expected a string, got array",
        "faq.toml: faq[0].tags: expected an array of strings, got string",
    ]


def test_safety_problems_are_mapped_to_safety_toml(tmp_path: Path) -> None:
    directory = tmp_path / "content"
    shutil.copytree(SHIPPED, directory)
    (directory / "safety.toml").write_text("[crisis]\n", encoding="utf-8")
    loaded, problems = check_content(directory)
    assert loaded is None
    assert problems and all(p.file == "safety.toml" for p in problems)


def test_load_content_raises_with_every_problem_listed(tmp_path: Path) -> None:
    directory, _ = _overlay(tmp_path, "bad_url")
    with pytest.raises(ContentError) as info:
        load_content(directory)
    assert len(info.value.problems) == 4
    assert str(info.value).splitlines() == [str(p) for p in info.value.problems]


def test_problem_formatting() -> None:
    problem = ContentProblem("faq.toml", "faq[0].id", "missing required key")
    assert str(problem) == "faq.toml: faq[0].id: missing required key"


def test_every_own_file_parses_as_toml() -> None:
    for name in OWN_FILES:
        with (SHIPPED / name).open("rb") as fh:
            assert tomllib.load(fh), name
