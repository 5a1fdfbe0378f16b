"""The wording of /ask-mods, /setup, /admin and the error replies (content/messages/askmods,
setup and errors): it fits Discord's limits in every language, every key is used by the code,
and the builders pick the language they are given."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.askmods import replies
from bot.askmods.store import Conversation
from bot.checks import REFUSAL_KEYS, Level
from bot.content import default_content_dir
from bot.content.messages import check_catalog
from bot.errors import NotPermitted, UserFacingError, describe_known_error, something_wrong
from bot.i18n import LANGS, t
from bot.setup_service import Change, format_value
from bot.ui.setup_embeds import changes_embed

ROOT = Path(__file__).resolve().parent.parent
AREAS = ("askmods.", "setup.", "errors.")
CATALOG, _ = check_catalog(default_content_dir())
OURS = [*sorted(k for k in CATALOG.all_keys() if k.startswith(AREAS)), "common.errors.generic"]

# Discord's limits for the places these texts go (button label 80, modal title 45, text input
# label 45, text input placeholder 100, select option description 100, embed title 256).
LIMITS = {
    **dict.fromkeys(
        [
            *(f"askmods.member.{n}" for n in ("write", "reveal", "reveal_confirm_button", "end")),
            *(f"askmods.staff.{n}" for n in ("reply", "close", "block", "unblock")),
            *(
                k
                for k in OURS
                if k.startswith("errors.buttons.") and k != "errors.buttons.not_yours"
            ),
            *(f"setup.wizard.{n}" for n in ("next", "back", "finish", "cancel")),
            "setup.public_alerts.use_anyway",
        ],
        80,
    ),
    "askmods.member.modal_title": 45,
    "askmods.staff.reply_modal_title": 45,
    "askmods.member.modal_label": 45,
    "askmods.staff.reply_label": 45,
    "askmods.member.modal_placeholder": 100,
    "askmods.staff.reply_placeholder": 100,
    **{f"setup.safety_modes.{m}": 100 for m in ("dm", "nudge", "mods")},
    "setup.wizard.role_optional": 150,
}
# Titles get a server name or label filled in: leave room for a 100-character server name.
TITLES = [k for k in OURS if k.endswith(("_title", ".title"))]


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_fits_discords_limits(lang: str) -> None:
    texts = CATALOG.texts[lang]
    too_long = {k: len(texts[k]) for k, limit in LIMITS.items() if len(texts[k]) > limit}
    too_long |= {k: len(texts[k]) for k in TITLES if len(texts[k]) + 100 > 256}
    too_long |= {k: len(texts[k]) for k in OURS if len(texts[k]) > 1500}  # messages: 2,000
    assert not too_long, too_long


#: The code that speaks these texts (and the settings, states and categories they are keyed by).
SPEAKERS = [
    *(ROOT / "bot" / "askmods").glob("*.py"),
    *(ROOT / "cogs" / n for n in ("askmods.py", "setup.py", "admin.py", "lifecycle.py")),
    *(ROOT / "bot" / n for n in ("setup_service.py", "errors.py", "checks.py")),
    *(ROOT / "bot" / "ui" / n for n in ("setup_embeds.py", "setup_wizard.py", "views.py")),
    ROOT / "bot" / "storage" / "guilds.py",
    ROOT / "bot" / "storage" / "db.py",
    ROOT / "bot" / "safety" / "rules.py",
]


def _code() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SPEAKERS)


def test_every_key_is_used_by_the_code() -> None:
    """A key is used when the code names it whole, or names its last part as a string (the
    builders add the prefix: `member_text(lang, "gone")`, `f"setup.settings.{setting}"`)."""
    code = _code()
    quoted = set(re.findall(r"""["']([A-Za-z0-9_.\-]+)["']""", code))
    unused = []
    for key in OURS:
        last = key.rsplit(".", 1)[-1]
        if key in quoted or last in quoted or last.removeprefix("state_") in quoted:
            continue
        unused.append(key)
    assert not unused, f"keys nothing uses: {unused}"


def test_moved_texts_are_still_english_by_default() -> None:
    assert format_value("retention_days", 90) == "90 days"
    assert Change("retention_days", None, 30).describe() == "kept until deleted → 30 days"


@pytest.mark.parametrize("lang", LANGS)
def test_builders_speak_the_language_they_are_given(lang: str) -> None:
    assert format_value("retention_days", 90, lang) == t(lang, "setup.values.days", days=90)
    assert format_value("language", "de", lang) == "Deutsch"
    embed = changes_embed([Change("approval_queue", False, True)], lang)
    assert embed.title == t(lang, "setup.summary.saved")
    assert t(lang, "setup.settings.approval_queue") in (embed.description or "")
    alert = replies.safety_embed(["crisis", "abuse_sign"], True, lang)
    assert alert.title == t(lang, "askmods.staff.urgent_title")
    assert t(lang, "askmods.staff.kinds.abuse_sign") in (alert.description or "")


def test_an_error_with_a_key_is_shown_in_the_readers_language() -> None:
    error = UserFacingError(key="setup.refusals.unknown_region", region="'XX'", known="GB")
    assert str(error) == t("en", "setup.refusals.unknown_region", region="'XX'", known="GB")
    assert describe_known_error(error, "pt") == t(
        "pt", "setup.refusals.unknown_region", region="'XX'", known="GB"
    )
    refusal = NotPermitted("for managers", key=REFUSAL_KEYS[Level.MANAGER])
    assert describe_known_error(refusal, "fr") == t("fr", "errors.refusals.manager")
    assert describe_known_error(UserFacingError("as raised"), "de") == "as raised"
    assert "`abcd1234`" in something_wrong("es", "abcd1234")
    assert something_wrong("es", "x").startswith(t("es", "common.errors.generic"))


def _conversation(named: bool) -> Conversation:
    return Conversation(
        id=1,
        guild_id=2,
        label="ask-abc123",
        askmods_pseudonym="p",
        delivery_box="b",
        named=named,
        status="open",
        channel_id=None,
        starter_message_id=None,
        thread_id=None,
        flagged_severity=None,
        flagged_at=None,
        reraised_at=None,
        created_at=datetime.now(UTC),
        closed_at=None,
    )


def test_sent_text_names_the_label_only_when_anonymous() -> None:
    assert "ask-abc123" in replies.sent_text(_conversation(False), "fr")
    assert replies.sent_text(_conversation(True), "fr") == t("fr", "askmods.member.sent_named")


def test_missing_bot_permissions_are_named_as_discord_names_them_in_the_language() -> None:
    from discord import app_commands

    error = app_commands.BotMissingPermissions(["embed_links", "use_soundboard"])
    text = describe_known_error(error, "de")
    assert text is not None
    assert t("de", "setup.permissions.embed_links") in text and "Use Soundboard" in text
