"""Every guidance embed, built for every entry of the shipped content, fits Discord's limits
without clipping, and the abuse rule holds (support, never communication fixes)."""

from __future__ import annotations

import discord
import pytest

from bot.content import Content, default_content_dir, load_content
from bot.i18n import LANGS, t
from bot.search import ScriptMatch
from bot.ui.embeds import ELLIPSIS
from bot.ui.share import SHARED_FOOTER, public_copies
from bot.ui.strategy_embeds import (
    faq_embed,
    no_scripts_embed,
    reflect_embed,
    script_results_embed,
    script_support_note_embed,
    sequence_embed,
    strategy_list_embed,
    strategy_pages,
    support_lines,
    warning_signs_pages,
    why_overview_embed,
    why_reason_embed,
)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(default_content_dir())


REGIONS = (
    "INTL",
    "US",
    "GB",
    "AU",
    "NZ",
    "CA",
    "IE",
    "ES",
    "MX",
    "FR",
    "DE",
    "AT",
    "CH",
    "PT",
    "BR",
    "ZZ",
)


def test_regions_cover_the_shipped_ones(content: Content) -> None:
    assert {r.code for r in content.regions} <= set(REGIONS)


def text_of(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(parts)


def assert_within_limits(embed: discord.Embed) -> None:
    assert embed.title and len(embed.title) <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert field.name and len(field.name) <= 256
        assert field.value and len(field.value) <= 1024
    assert len(embed.footer.text or "") <= 2048
    assert len(embed) <= 6000
    assert ELLIPSIS not in text_of(embed), "something was clipped to fit"


def assert_points_to_support(embed: discord.Embed) -> None:
    text = text_of(embed)
    assert "/resources" in text
    assert "/strategy show" not in text and t("en", "guidance.browse.strategies_field") not in text


def all_embeds(content: Content, lang: str) -> list[discord.Embed]:
    embeds = [
        strategy_list_embed(content.strategies, lang),
        why_overview_embed(content.withdrawal_reasons, lang),
    ]
    for strategy in content.strategies:
        embeds += strategy_pages(strategy, lang)
        for script in strategy.scripts:
            matches = [ScriptMatch(script, strategy, 1.0)] * 3
            embeds.append(script_results_embed(matches, lang))
            embeds.append(script_results_embed(matches, lang, caution=True))
    for region in REGIONS:
        embeds += [why_reason_embed(r, content, lang, region) for r in content.withdrawal_reasons]
        embeds += [faq_embed(f, content, lang, region) for f in content.faq]
        embeds += warning_signs_pages(content, lang, region)
    embeds += [reflect_embed(p, lang) for p in content.reflection_prompts]
    embeds += [sequence_embed(content, lang), no_scripts_embed(lang)]
    embeds.append(script_support_note_embed(lang))
    return embeds


@pytest.mark.parametrize("lang", LANGS)
def test_every_embed_for_every_entry_fits_without_clipping(content: Content, lang: str) -> None:
    """In every language: German and French run longer than English."""
    embeds = all_embeds(content.in_lang(lang), lang)
    assert len(embeds) > 50
    for embed in embeds:
        assert_within_limits(embed)
    for embed in public_copies(embeds):
        assert_within_limits(embed)


def test_strategy_pages_carry_the_whole_entry(content: Content) -> None:
    for strategy in content.strategies:
        pages = strategy_pages(strategy, "en")
        text = "\n".join(text_of(p) for p in pages)
        for part in (strategy.why, strategy.when_to_use, strategy.when_not_to_use):
            assert part in text
        for part in (strategy.fallback, strategy.mistake, *(s.text for s in strategy.scripts)):
            assert part in text
        for source in strategy.sources:
            assert source.url in text
        assert all("/resources" in (p.footer.text or "") for p in pages)


def test_the_list_names_all_seven(content: Content) -> None:
    text = text_of(strategy_list_embed(content.strategies, "en"))
    assert len(content.strategies) == 7
    assert all(s.title in text and s.summary in text for s in content.strategies)


def test_faq_answers_are_whole_and_abuse_entries_point_to_support(content: Content) -> None:
    abuse = [f for f in content.faq if f.abuse_related]
    assert abuse, "the shipped FAQ has abuse-related entries"
    for entry in content.faq:
        embed = faq_embed(entry, content, "en", "GB")
        assert embed.title == entry.question and embed.description == entry.answer
        if entry.abuse_related:
            assert_points_to_support(embed)
            assert "counselling" not in text_of(embed).replace(entry.answer, "").lower()
        if entry.resource_kinds:
            assert "/resources" in text_of(embed)


def test_support_lines_are_local_first_then_a_directory(content: Content) -> None:
    lines = support_lines(content, "GB", ("domestic_abuse", "directory"), "en")
    local = [r for r in content.resources if "GB" in r.regions and r.kind == "domestic_abuse"]
    assert local and local[0].name in lines[0]
    assert 3 <= len(lines) <= 5
    assert "/resources" in lines[-1]
    nowhere = support_lines(content, "INTL", ("domestic_abuse",), "en")
    directories = [r for r in content.resources if r.kind == "directory"]
    assert any(directories[0].name in line for line in nowhere)


def test_emergency_number_leads_when_asked_for(content: Content) -> None:
    gb = content.region("GB")
    assert gb is not None
    lines = support_lines(content, "GB", ("emergency", "domestic_abuse", "directory"), "en")
    assert gb.emergency in lines[0]


def test_withdrawal_reasons_about_control_point_to_support(content: Content) -> None:
    assert any(r.abuse_related for r in content.withdrawal_reasons)
    for reason in content.withdrawal_reasons:
        embed = why_reason_embed(reason, content, "en", "AU")
        assert reason.body in text_of(embed)
        if reason.abuse_related:
            assert_points_to_support(embed)
            assert "/warning-signs" in text_of(embed)
        else:
            for sid in reason.related_strategies:
                strategy = content.strategy(sid)
                assert strategy is not None and strategy.title in text_of(embed)
    assert "/resources" in text_of(why_overview_embed(content.withdrawal_reasons, "en"))


def test_warning_signs_show_every_sign_and_contrast_and_point_to_support(
    content: Content,
) -> None:
    signs = content.warning_signs
    pages = warning_signs_pages(content, "en", "US")
    text = "\n".join(text_of(p) for p in pages)
    for sign in signs.signs:
        assert sign.title in text and sign.text in text
    for contrast in signs.contrasts:
        assert contrast.healthy in text and contrast.control in text
    for page in pages:
        assert_points_to_support(page)


def test_safety_reply_for_a_search_offers_no_scripts() -> None:
    embed = script_support_note_embed("en")
    assert_points_to_support(embed)
    assert "/warning-signs" in text_of(embed)


def test_scripts_with_caution_offer_support_first(content: Content) -> None:
    strategy = content.strategies[0]
    matches = [ScriptMatch(strategy.scripts[0], strategy, 1.0)]
    embed = script_results_embed(matches, "en", caution=True)
    assert "/resources" in embed.fields[0].value and "/warning-signs" in embed.fields[0].value
    assert strategy.scripts[0].text in embed.fields[1].value
    assert "/resources" not in text_of(script_results_embed(matches, "en")).split("Private")[0]


def test_sequence_links_each_step_to_its_strategy(content: Content) -> None:
    text = text_of(sequence_embed(content, "en"))
    for step in content.sequence:
        assert step.label in text and f"/strategy show {step.strategy_id}" in text


def test_public_copies_drop_private_footers_and_keep_the_content(content: Content) -> None:
    pages = strategy_pages(content.strategies[0], "en")
    copies = public_copies(pages)
    for page, copy in zip(pages, copies, strict=True):
        assert copy.footer.text == SHARED_FOOTER
        assert copy.description == page.description
        assert [f.value for f in copy.fields] == [f.value for f in page.fields]
        assert page.footer.text != SHARED_FOOTER, "the original is left untouched"
