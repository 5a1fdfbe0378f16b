"""A minimal discord.py bot and fixtures for testing the fake itself.

``fake`` (fails the test at teardown on any invalid request) and ``world`` come from
tests/conftest.py; ``bot`` here overrides the Bridgeline bot with the minimal one.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.fakediscord import FakeDiscord, StandardGuild, run_bot

STRATEGIES = ["boundaries", "breathing", "time-out", "two words"]


class ConfirmView(discord.ui.View):
    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=60)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("Not your button.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.success, custom_id="confirm:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Confirmed.", view=None)

    @discord.ui.button(label="No", style=discord.ButtonStyle.secondary, custom_id="confirm:no")
    async def no(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @discord.ui.select(
        custom_id="confirm:mood",
        options=[discord.SelectOption(label=x, value=x) for x in ("calm", "tense")],
    )
    async def mood(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"Mood: {select.values[0]}", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Tell us more"):
    what = discord.ui.TextInput(label="What happened", custom_id="what", max_length=200)
    extra = discord.ui.TextInput(label="Anything else", required=False)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.what.value}", ephemeral=True)


class SurveyModal(discord.ui.Modal, title="Quick survey"):
    """Labels (discord.py 2.6+): their text inputs go out with ``"label": None``."""

    note = discord.ui.TextInput(label="Plain note", custom_id="note", required=False)
    words = discord.ui.Label(
        text="Your words", component=discord.ui.TextInput(custom_id="words", max_length=50)
    )
    mood = discord.ui.Label(
        text="Mood",
        component=discord.ui.Select(
            custom_id="mood",
            options=[discord.SelectOption(label=x, value=x) for x in ("calm", "tense", "sad")],
            max_values=2,
        ),
    )
    who = discord.ui.Label(
        text="Who", component=discord.ui.UserSelect(custom_id="who", required=True)
    )
    role = discord.ui.Label(
        text="Role", component=discord.ui.RoleSelect(custom_id="role", required=False)
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        words = self.words.component
        mood = self.mood.component
        who = self.who.component
        role = self.role.component
        assert isinstance(words, discord.ui.TextInput) and isinstance(mood, discord.ui.Select)
        assert isinstance(who, discord.ui.UserSelect) and isinstance(role, discord.ui.RoleSelect)
        await interaction.response.send_message(
            f"note={self.note.value!r} words={words.value!r} mood={mood.values} "
            f"who={[u.name for u in who.values]} role={[r.name for r in role.values]}",
            ephemeral=True,
        )


class DefaultsView(discord.ui.View):
    """Selects with ``default_values`` (sent by discord.py as integer ids)."""

    def __init__(self, interaction: discord.Interaction) -> None:
        super().__init__(timeout=60)
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        self.add_item(discord.ui.UserSelect(custom_id="u", default_values=[interaction.user]))
        role = interaction.guild.default_role
        self.add_item(discord.ui.RoleSelect(custom_id="r", default_values=[role]))
        self.add_item(
            discord.ui.MentionableSelect(custom_id="m", default_values=[interaction.user, role])
        )
        channel = interaction.channel
        assert isinstance(channel, discord.TextChannel)
        self.add_item(discord.ui.ChannelSelect(custom_id="c", default_values=[channel]))


class Strategy(app_commands.Group):
    @app_commands.command(description="Show one strategy")
    @app_commands.describe(name="Which strategy")
    async def show(self, interaction: discord.Interaction, name: str) -> None:
        embed = discord.Embed(title=name.title(), description=f"About {name}.")
        embed.add_field(name="Try", value="Breathe out slowly.")
        embed.set_footer(text="strategy")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @show.autocomplete("name")
    async def show_name(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=s, value=s) for s in STRATEGIES if current in s]


class MiniBot(commands.Bot):
    """Records the errors it meets, so tests can show how discord.py reacts to each fault."""

    def __init__(self, intents: discord.Intents) -> None:
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.02)
        self.errors: list[Exception] = []


def make_bot(*, message_content: bool = True) -> MiniBot:
    intents = discord.Intents.default()
    intents.message_content = message_content
    intents.members = True
    bot = MiniBot(intents)
    bot.tree.add_command(Strategy(name="strategy", description="Coping strategies"))

    @bot.tree.error
    async def on_app_command_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        bot.errors.append(getattr(error, "original", error))

    @bot.tree.command(description="Show permissions")
    async def perms(interaction: discord.Interaction) -> None:
        mine, app = interaction.permissions, interaction.app_permissions
        await interaction.response.send_message(
            f"manage={mine.manage_messages} view={mine.view_channel} app_send={app.send_messages}",
            ephemeral=True,
        )

    @bot.tree.command(description="Send a file")
    async def export(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        data = discord.File(io.BytesIO(b'{"entries": []}'), filename="export.json")
        await interaction.followup.send("Your data:", file=data, ephemeral=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        await interaction.channel.send(file=discord.File(io.BytesIO(b"hi"), filename="hi.txt"))

    @bot.tree.command(description="Say something long")
    async def long(
        interaction: discord.Interaction, size: app_commands.Range[int, 1, 5000]
    ) -> None:
        await interaction.response.send_message("x" * size)

    @bot.tree.command(description="Answer pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @bot.tree.command(description="Ask for confirmation")
    async def confirm(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "Are you sure?", view=ConfirmView(interaction.user.id), ephemeral=True
        )

    @bot.tree.command(description="Open the feedback form")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @bot.tree.command(description="Who is this")
    async def whois(interaction: discord.Interaction, member: discord.Member) -> None:
        mod = member.guild_permissions.manage_messages
        await interaction.response.send_message(f"{member.display_name} mod={mod}", ephemeral=True)

    @bot.tree.command(description="Work slowly")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("done", ephemeral=True)

    @bot.tree.command(description="DM me")
    async def dm(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        try:
            await interaction.user.send("Hello in private.")
            await interaction.followup.send("Sent you a DM.", ephemeral=True)
        except discord.Forbidden as exc:
            await interaction.followup.send(f"Could not DM you ({exc.code}).", ephemeral=True)

    @bot.tree.command(description="Answer a survey")
    async def survey(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(SurveyModal())

    @bot.tree.command(description="Selects with defaults")
    async def defaults(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "Pick:", view=DefaultsView(interaction), ephemeral=True
        )

    @bot.tree.command(description="Only in servers")
    @app_commands.guild_only()
    async def serveronly(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("in a server", ephemeral=True)

    @bot.tree.command(description="Only in DMs")
    @app_commands.allowed_contexts(guilds=False, dms=True, private_channels=False)
    async def dmonly(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("in a DM", ephemeral=True)

    @bot.tree.context_menu(name="Report message")
    async def report(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"Reported: {message.content}", ephemeral=True)

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:
            return
        try:
            if message.content == "!hello":
                await message.channel.send(f"hello {message.author.display_name}")
            elif message.content == "!thread":
                thread = await message.create_thread(name="talk it through")
                await thread.send("Thread started.")
            elif message.content == "!private":
                assert isinstance(message.channel, discord.TextChannel)
                thread = await message.channel.create_thread(name="private talk")
                await thread.add_user(message.author)
                await thread.send("Just us here.")
            elif message.content == "!react":
                await message.add_reaction("\N{WHITE HEAVY CHECK MARK}")
            elif message.content == "!purge":
                assert isinstance(message.channel, discord.TextChannel)
                await message.channel.purge(limit=3)
            elif message.content == "!reply":
                assert message.guild is not None
                mods = discord.utils.get(message.guild.roles, name="Moderator")
                mentions = discord.AllowedMentions(
                    users=[message.author], roles=[mods] if mods else []
                )
                await message.reply(f"noted {message.author.mention}", allowed_mentions=mentions)
            elif message.content == "!history":
                seen = [m.content async for m in message.channel.history(limit=3)]
                await message.channel.send(" | ".join(seen))
            elif message.guild is None:
                await message.channel.send(f"DM received: {message.content}")
        except discord.HTTPException as exc:
            bot.errors.append(exc)

    return bot


@pytest.fixture(name="make_bot")
def make_bot_fixture() -> Callable[..., MiniBot]:
    """The bot factory, for tests that need their own bot (test modules cannot import this)."""
    return make_bot


@pytest.fixture
async def bot(fake: FakeDiscord, world: StandardGuild) -> AsyncIterator[MiniBot]:
    async with run_bot(make_bot(), fake) as running:
        yield running
