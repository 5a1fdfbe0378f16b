"""The check-in and privacy wording in every language: Discord's length limits hold for each
key where it is used, and every key is used somewhere in the code (no dead keys)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.checkins.rules import MOODS
from bot.content import default_content_dir
from bot.content.messages import check_catalog
from bot.i18n import LANGS, t

ROOT = Path(__file__).resolve().parent.parent
CATALOG, _ = check_catalog(default_content_dir())
OURS = sorted(k for k in CATALOG.all_keys() if k.split(".")[0] in {"checkins", "privacy"})

#: Discord's limits for the keys shown in size-limited places.
LIMITS = {
    80: (  # button labels
        "checkins.modal.try_again", "checkins.posting.post_button", "checkins.reply.button",
        "checkins.report.button", "checkins.moderators.remove_button",
        "checkins.moderators.block_button", "checkins.moderators.approve",
        "checkins.moderators.reject", "checkins.share.button", "privacy.forget_button",
    ),
    45: (  # modal titles and text input labels
        "checkins.modal.title", "checkins.reply.modal_title", "checkins.report.modal_title",
        "checkins.modal.mood_label", "checkins.modal.body_label", "checkins.modal.help_label",
        "checkins.reply.label", "checkins.report.reason_label",
    ),
    100: (  # text input placeholders
        "checkins.modal.body_placeholder", "checkins.reply.placeholder",
        "checkins.report.reason_placeholder",
    ),
    150: ("checkins.modal.mood_placeholder",),  # select placeholder
    256: (  # embed titles and field names
        "checkins.saved.title", "checkins.invalid.title", "checkins.invalid.your_text",
        "checkins.post.checkin", "checkins.post.reply", "checkins.post.mood",
        "checkins.review.title", "checkins.review.author", "checkins.review.mood",
        "checkins.review.goes_to", "checkins.review.approved", "checkins.review.rejected",
        "checkins.review.by", "checkins.alert.title", "checkins.alert.author",
        "checkins.alert.reason", "checkins.alert.post", "checkins.alert.handled",
        "checkins.alert.removed_title", "checkins.history.title", "privacy.about_title",
    ),
}  # fmt: skip
#: Room left for the fields filled in (a label, a channel mention, a URL, a preview...).
FIELD_ROOM = 200


@pytest.mark.parametrize("lang", LANGS)
def test_limited_texts_fit_discord_in_every_language(lang: str) -> None:
    for limit, keys in LIMITS.items():
        for key in keys:
            text = CATALOG.texts[lang][key]
            assert len(text) <= limit, (lang, key, len(text))
    for value in MOODS:  # select options: "3 · okay"
        assert len(f"{value} · {t(lang, f'checkins.moods.{value}')}") <= 100
    for key in OURS:  # any text: a message (2000) or a footer (2048) with its fields filled
        assert len(CATALOG.texts[lang][key]) + FIELD_ROOM <= 2000, (lang, key)


def _code() -> str:
    files = [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("cogs").rglob("*.py")]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_every_checkins_and_privacy_key_is_used_in_the_code() -> None:
    code = _code()
    # Keys built at run time: the literal prefix and its f-string placeholder.
    dynamic = set(re.findall(r'f"((?:checkins|privacy)\.[\w.]*?)\{', code))
    dynamic |= set(re.findall(r"f'((?:checkins|privacy)\.[\w.]*?)\{", code))
    dynamic |= {f"checkins.{p}" for p in re.findall(r'f"(invalid\.[\w.]*?)\{', code)}
    dead = []
    for key in OURS:
        built = any(
            key.startswith(prefix) and "." not in key.removeprefix(prefix) for prefix in dynamic
        )
        if f'"{key}"' in code or f"'{key}'" in code or built:
            continue
        if key.startswith("checkins.") and f'"{key.removeprefix("checkins.")}"' in code:
            continue  # keys named relative to checkins. (InvalidCheckin, posting keys)
        dead.append(key)
    assert dead == []
