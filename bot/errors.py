"""The one error handler for interactions: known errors get a short private reply, the rest an
error id that a moderator can quote and find in the log (never the raw exception text)."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.storage.db import Problem, storage_problem

log = logging.getLogger(__name__)


class UserFacingError(Exception):
    """Raise with a message meant for the member; it is shown as is, privately."""


class NotPermitted(app_commands.CheckFailure):
    """The member lacks the Bridgeline role the command needs."""


SOMETHING_WRONG = (
    "Something went wrong on our side and this didn't finish. Nothing you saved before was lost. "
    "If it keeps happening, a moderator can look up error id `{error_id}`."
)


STORAGE_TROUBLE: dict[Problem, str] = {
    "full": "the server running Bridgeline is out of disk space",
    "read_only": "the bot's storage is read-only right now",
    "damaged": "the bot's storage is damaged",
    "unavailable": "the bot's storage isn't reachable right now",
}
NOT_SAVED = "I couldn't save that: {why}. Please try again later."


def storage_trouble(error: BaseException) -> str | None:
    """The member-facing sentence when `error` is the storage failing (a full disk...)."""
    problem = storage_problem(_unwrap(error))
    return None if problem is None else NOT_SAVED.format(why=STORAGE_TROUBLE[problem])


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


def describe_known_error(error: BaseException) -> str | None:
    """A member-facing sentence for errors we expect, or None for a real bug."""
    error = _unwrap(error)
    if isinstance(error, UserFacingError | NotPermitted):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in DMs."
    if isinstance(error, app_commands.MissingPermissions | app_commands.MissingRole):
        return "You don't have permission to use this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I'm missing these permissions here: {missing}. A server manager can grant them."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Please wait {error.retry_after:.0f} seconds before trying that again."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, discord.Forbidden):
        return (
            "Discord refused that because I'm missing a permission in that channel. "
            "A server manager can check with `/setup show`."
        )
    if isinstance(error, discord.NotFound):
        return "That message or channel no longer exists."
    if isinstance(error, discord.DiscordServerError | discord.RateLimited):
        return "Discord is having trouble right now. Please try again in a minute."
    return None


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
    message = describe_known_error(error)
    trouble = storage_trouble(error) if message is None else None
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
        message = SOMETHING_WRONG.format(error_id=error_id)
    else:
        log.info("Refused interaction: %s", type(_unwrap(error)).__name__)
    await send_private(interaction, message)
