"""A member's command reads the server's settings once, however many of its parts ask: the
reply's language, the command itself, the followup after it (bot/storage/guilds.py,
`settings_of_interaction`). Each read is a trip to the database's thread, a loop turn each in a
busy bot; and the next command reads them again, so a change is never missed."""

from __future__ import annotations

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild
from bot.storage.guilds import update_settings

SETTINGS_READ = "FROM guild_settings"
FOLLOWUP_READ = "FROM member_welcomed"  # the last read of a command: after its answer


async def answered_and_followed(fake: FakeDiscord, path: str, user, statements: list[str]):
    """Runs `path` and waits for the followup check that comes after every member command."""
    statements.clear()
    answer = await (await fake.slash(path, None, user, "general")).response()
    await fake.wait_until(
        lambda: True if any(FOLLOWUP_READ in s for s in statements) else None,
        what="the followup check after the command",
    )
    return answer


async def test_each_member_command_reads_the_settings_once_and_the_next_reads_again(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline, statements: list[str]
) -> None:
    await answered_and_followed(fake, "help", world.you, statements)  # the welcome goes first
    for path in ("resources show", "checkin history"):
        await answered_and_followed(fake, path, world.you, statements)
        assert sum(SETTINGS_READ in s for s in statements) == 1, (path, statements)

    before = await answered_and_followed(fake, "resources show", world.you, statements)
    assert "this server's default" in before.text and "Samaritans" not in before.text
    await update_settings(bot.db, world.guild.id, region="GB")  # e.g. another process's /setup
    after = await answered_and_followed(fake, "resources show", world.you, statements)
    assert "Samaritans" in after.text  # read again: nothing kept from the last command
