"""The one error handler for interactions: known errors get a short private reply, the rest an
error id that a moderator can quote and find in the log (never the raw exception text)."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.i18n import DEFAULT_LANG, languages_in_use, member_lang, t
from bot.setup_service import PERMISSION_LABELS
from bot.storage.db import Problem, storage_problem

log = logging.getLogger(__name__)


class _Worded(Exception):
    """An error whose member-facing text is either given as is (English, as raised by older
    code) or named by a catalog key, then shown in the reader's language."""

    def __init__(self, message: str = "", /, *, key: str | None = None, **fields: object) -> None:
        super().__init__(message or (t(DEFAULT_LANG, key, **fields) if key else ""))
        self.key = key
        self.fields = fields

    def text(self, lang: str) -> str:
        return t(lang, self.key, **self.fields) if self.key else str(self)


class UserFacingError(_Worded):
    """Raise with a message meant for the member; it is shown privately. Give `key=` (and its
    fields) to have it shown in the member's language."""


class NotPermitted(_Worded, app_commands.CheckFailure):
    """The member lacks the Bridgeline role the command needs."""


#: The generic failure in English (tests compare against it); members read it in their language.
SOMETHING_WRONG = (
    t(DEFAULT_LANG, "common.errors.generic") + " " + t(DEFAULT_LANG, "errors.error_id")
)


def something_wrong(lang: str, error_id: str) -> str:
    """The calm reply to a bug, with the id a moderator can find in the log."""
    return t(lang, "common.errors.generic") + " " + t(lang, "errors.error_id", error_id=error_id)


def storage_trouble(error: BaseException, lang: str = DEFAULT_LANG) -> str | None:
    """The member-facing sentence when `error` is the storage failing (a full disk...)."""
    problem: Problem | None = storage_problem(_unwrap(error))
    if problem is None:
        return None
    return t(lang, "errors.not_saved", why=t(lang, f"errors.storage.{problem}"))


def log_storage_trouble(where: str, error: BaseException) -> None:
    """One line, no traceback: the cause is the disk, not the code."""
    error = _unwrap(error)
    log.error("Storage problem in %s (%s): %s", where, storage_problem(error), error)


MAX_MESSAGE = 2000  # Discord refuses longer content, and the member would see nothing


def _fit(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = (
            error.__cause__ if isinstance(error, app_commands.TransformerError) else error.original
        )
        if inner is None:
            break
        error = inner
    return error


def describe_known_error(error: BaseException, lang: str = DEFAULT_LANG) -> str | None:
    """A member-facing sentence for errors we expect, or None for a real bug."""
    error = _unwrap(error)
    if isinstance(error, UserFacingError | NotPermitted):
        return error.text(lang)
    if isinstance(error, app_commands.NoPrivateMessage):
        return t(lang, "errors.server_only")
    if isinstance(error, app_commands.MissingPermissions | app_commands.MissingRole):
        return t(lang, "errors.no_permission")
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(_permission(p, lang) for p in error.missing_permissions)
        return t(lang, "errors.bot_missing_permissions", permissions=missing)
    if isinstance(error, app_commands.CommandOnCooldown):
        return t(lang, "errors.cooldown", seconds=f"{error.retry_after:.0f}")
    if isinstance(error, app_commands.CheckFailure):
        return t(lang, "errors.not_here")
    if isinstance(error, discord.Forbidden):
        return t(lang, "errors.forbidden")
    if isinstance(error, discord.NotFound):
        return t(lang, "errors.not_found")
    if isinstance(error, discord.DiscordServerError | discord.RateLimited):
        return t(lang, "errors.discord_trouble")
    return None


def _permission(name: str, lang: str) -> str:
    """A Discord permission as Discord's own client names it, in `lang` where we have it."""
    if name in PERMISSION_LABELS:
        return t(lang, f"setup.permissions.{name}")
    return name.replace("_", " ").title()


async def error_reply_lang(interaction: discord.Interaction) -> str:
    """The language of a private reply to whoever interacted, safe to call while things are
    failing: reading the server's setting may itself fail (a broken disk is one reason we are
    here), and then it is their Discord language (bot.i18n.languages_in_use.reply_lang else)."""
    db = getattr(interaction.client, "db", None)
    if db is None or interaction.guild_id is None:
        return member_lang(interaction)
    try:
        return await languages_in_use.reply_lang(db, interaction)
    except Exception:
        return member_lang(interaction)


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """Answers ephemerally whether or not the interaction was already acknowledged (cut to
    Discord's 2,000 characters: an error that quotes input must still arrive)."""
    text = _fit(text)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not deliver an error reply for interaction %s", interaction.id)


async def report_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Shared by the command tree, views and modals, so every failure looks the same."""
    lang = await error_reply_lang(interaction)
    message = describe_known_error(error, lang)
    trouble = storage_trouble(error, lang) if message is None else None
    if trouble is not None:
        log_storage_trouble(
            interaction.command.qualified_name if interaction.command else "component", error
        )
        message = trouble
    elif message is None:
        error_id = secrets.token_hex(4)
        where = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "Unhandled error %s in %s",
            error_id,
            where,
            exc_info=(type(error), error, error.__traceback__),
        )
        message = something_wrong(lang, error_id)
    else:
        log.info("Refused interaction: %s", type(_unwrap(error)).__name__)
    await send_private(interaction, message)
