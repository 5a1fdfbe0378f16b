"""Languages: locale mapping, the message catalog's parity rules and translated content's shape."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import check_content, default_content_dir
from bot.content.messages import check_catalog, placeholders
from bot.i18n import LANGS, lang_for_locale, member_lang, pick_lang, t

SHIPPED = default_content_dir()


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("es-ES", "es"),
        ("es-419", "es"),
        ("pt-BR", "pt"),
        ("fr", "fr"),
        ("de", "de"),
        ("en-GB", "en"),
        ("en-US", "en"),
        ("ja", None),
        ("", None),
        (None, None),
    ],
)
def test_discord_locales_map_to_our_languages(locale: str | None, lang: str | None) -> None:
    assert lang_for_locale(locale) == lang


def test_pick_lang_takes_the_first_language_we_speak() -> None:
    assert pick_lang("ja", None, "de", "fr") == "de"
    assert pick_lang("ja", "ko") == "en"


def test_placeholders_are_the_format_fields() -> None:
    assert placeholders("Hi {name}, {count:d} left {{literal}}") == {"name", "count"}


def test_shipped_catalog_is_complete_in_every_language() -> None:
    catalog, problems = check_catalog(SHIPPED)
    assert problems == []
    for lang in LANGS:
        for key in catalog.all_keys():
            assert catalog.texts[lang][key].strip(), (lang, key)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED, target)
    return target


def test_a_missing_or_mismatched_translation_is_reported(tmp_path: Path) -> None:
    content_dir = _copy(tmp_path)
    (content_dir / "messages" / "zz_test.toml").write_text(
        'greeting = "Hello {name}"\nfarewell = "Bye"\n', encoding="utf-8"
    )
    for lang in LANGS[1:]:
        (content_dir / lang / "messages" / "zz_test.toml").write_text(
            'greeting = "Hola {nombre}"\n', encoding="utf-8"
        )
    _, problems = check_catalog(content_dir)
    found = {(p.file, p.path, p.message.split(" [")[0]) for p in problems}
    assert ("es/messages", "zz_test.farewell", "missing translation") in found
    assert ("de/messages", "zz_test.greeting", "placeholders") in found
    loaded, problems = check_content(content_dir)
    assert loaded is None and problems


def test_text_fills_placeholders_and_falls_back_to_english_for_other_languages() -> None:
    catalog, _ = check_catalog(SHIPPED)
    key = sorted(catalog.all_keys())[0]
    assert t("ja", key) == catalog.texts["en"][key]
    with pytest.raises(KeyError):
        t("en", "no.such.key")


def _with_translation(tmp_path: Path) -> Path:
    """A content copy whose 'de' translation is the English text (shape-identical)."""
    content_dir = _copy(tmp_path)
    for name in ("strategies", "faq", "psychoeducation", "prompts"):
        shutil.copy(SHIPPED / f"{name}.toml", content_dir / "de" / f"{name}.toml")
    safety = (SHIPPED / "safety.toml").read_text(encoding="utf-8")
    responses = safety[safety.index("[responses.crisis]") :]
    (content_dir / "de" / "safety.toml").write_text(responses, encoding="utf-8")
    return content_dir


def test_a_translation_in_the_english_shape_loads(tmp_path: Path) -> None:
    content_dir = _with_translation(tmp_path)
    loaded, problems = check_content(content_dir)
    assert problems == []
    assert loaded is not None
    assert "de" in loaded.translations
    assert loaded.in_lang("de").strategies == loaded.strategies
    assert loaded.in_lang("ja") is loaded


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('id = "', 'id = "x', "must stay"),
        ("{helplines}", "{lineas}", "placeholders differ"),
    ],
)
def test_a_translation_that_changes_ids_or_placeholders_is_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    content_dir = _with_translation(tmp_path)
    name = "safety.toml" if "{" in old else "faq.toml"
    path = content_dir / "de" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    loaded, problems = check_content(content_dir)
    assert loaded is None
    assert any(p.file == f"de/{name}" and message in p.message for p in problems), problems


class _Interaction:
    def __init__(self, locale: str | None, guild_locale: str | None) -> None:
        self.locale = locale
        self.guild_locale = guild_locale


@pytest.mark.parametrize(
    ("locale", "server", "guild_locale", "lang"),
    [
        ("es-ES", "de", "fr", "es"),
        ("ja", "de", "fr", "de"),
        ("ja", None, "fr", "fr"),
        ("ja", None, None, "en"),
    ],
)
def test_member_lang_prefers_the_members_own_language(
    locale: str, server: str | None, guild_locale: str | None, lang: str
) -> None:
    assert member_lang(_Interaction(locale, guild_locale), server) == lang


@pytest.mark.parametrize("module", ["bot.content", "bot.i18n", "bot.content.messages"])
def test_each_package_imports_first_in_a_fresh_interpreter(module: str) -> None:
    """bot.content and bot.i18n use each other; whichever is imported first must work
    (`bridgeline check-content` imports bot.content first)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_every_language_has_the_content_translated() -> None:
    loaded, problems = check_content(SHIPPED)
    assert problems == []
    assert loaded is not None
    assert sorted(loaded.translations) == sorted(LANGS[1:])
    for lang, translated in loaded.translations.items():
        assert [s.id for s in translated.strategies] == [s.id for s in loaded.strategies]
        # Translated, not copied: no strategy summary or safety body reads like the English.
        for ours, english in zip(translated.strategies, loaded.strategies, strict=True):
            assert ours.summary != english.summary, (lang, ours.id)
        ours_body = translated.safety.responses.crisis.body
        assert ours_body != loaded.safety.responses.crisis.body, lang


def test_a_missing_language_folder_is_reported(tmp_path: Path) -> None:
    content_dir = _copy(tmp_path)
    shutil.rmtree(content_dir / "pt")
    loaded, problems = check_content(content_dir)
    assert loaded is None
    assert any(p.file.startswith("pt/") for p in problems)


def test_translated_resources_keep_every_number_and_url() -> None:
    loaded, _ = check_content(SHIPPED)
    assert loaded is not None
    for lang, translated in loaded.translations.items():
        assert len(translated.resources) == len(loaded.resources)
        for ours, english in zip(translated.resources, loaded.resources, strict=True):
            assert (ours.id, ours.name, ours.url) == (english.id, english.name, english.url)
            assert [c.value for c in ours.contacts] == [c.value for c in english.contacts]
        for ours_region, english_region in zip(translated.regions, loaded.regions, strict=True):
            assert ours_region.emergency == english_region.emergency, lang
    assert loaded.in_lang("de").region("DE").name == "Deutschland"  # type: ignore[union-attr]


def test_a_resource_translation_missing_a_line_is_reported(tmp_path: Path) -> None:
    content_dir = _copy(tmp_path)
    path = content_dir / "fr" / "resources.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[resources.")
    end = text.index("[resources.", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    loaded, problems = check_content(content_dir)
    assert loaded is None
    assert any(p.file == "fr/resources.toml" and "missing" in p.message for p in problems)
