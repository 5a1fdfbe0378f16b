"""/prompts: daily reflection prompts. Every command is for moderators (checked server-side);
members only see the prompts in the channel.

The scheduler service is attached as `bot.prompt_scheduler` in cog_load: its loop runs on a real
(or sandbox offset) clock; with a FakeClock, tests and the sandbox call
`await bot.prompt_scheduler.run_due(now)` themselves.

Replies are in the moderator's language (`reply_lang`); the posts themselves are in the
server's (bot/daily_prompts/service.py).
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only, require_guild
from bot.client import Bridgeline
from bot.clock import FakeClock
from bot.daily_prompts import PromptScheduler
from bot.daily_prompts.claims import recent_posts, rotation_progress
from bot.daily_prompts.custom import CustomPromptError, add_custom, list_custom, remove_custom
from bot.daily_prompts.discord_sender import DiscordSender
from bot.daily_prompts.moderator_replies import channel_warnings, post_now_text
from bot.daily_prompts.reflect import ReflectButton
from bot.daily_prompts.schedules import (
    UNSET,
    configure,
    get_schedule,
    resume,
    set_options,
)
from bot.daily_prompts.schedules import pause as pause_schedule
from bot.errors import UserFacingError
from bot.i18n import t
from bot.i18n.languages_in_use import reply_lang
from bot.quoting import echo
from bot.scheduling import format_time_of_day, parse_time_of_day
from bot.setup_service import apply_changes
from bot.storage import audit
from bot.storage.guilds import forget_interaction_settings, get_settings
from bot.timezones import TimezoneError, resolve_timezone, timezone_suggestions
from bot.ui.prompt_embeds import (
    custom_added_embed,
    custom_list_pages,
    preview_embed,
    setup_done_embed,
    status_embed,
)
from bot.ui.views import Paginator

log = logging.getLogger(__name__)


class Prompts(commands.Cog):
    group = app_commands.Group(
        name="prompts",
        description="Daily reflection prompts (moderators)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot
        self.scheduler = PromptScheduler(
            bot.db,
            DiscordSender(bot, bot.db),
            bot.clock,
            lambda lang: bot.content.in_lang(lang).prompts,
            wait_ready=bot.wait_until_ready,
            owns=bot.owns_guild,
        )

    async def cog_load(self) -> None:
        self.bot.prompt_scheduler = self.scheduler  # type: ignore[attr-defined]
        self.bot.add_dynamic_items(ReflectButton)
        if not isinstance(self.bot.clock, FakeClock):
            self.scheduler.start()

    async def cog_unload(self) -> None:
        await self.scheduler.stop()
        self.bot.remove_dynamic_items(ReflectButton)
        if getattr(self.bot, "prompt_scheduler", None) is self.scheduler:
            del self.bot.prompt_scheduler  # type: ignore[attr-defined]

    async def _audit(
        self,
        interaction: discord.Interaction,
        action: str,
        detail: str | None = None,
        target: str | None = None,
    ) -> None:
        guild_id = require_guild(interaction).id
        await audit.record(
            self.bot.db, guild_id, interaction.user.id, action, target=target, detail=detail
        )

    async def _lang(self, interaction: discord.Interaction) -> str:
        return await reply_lang(self.bot.db, interaction)

    # --- schedule ---------------------------------------------------------------------------

    @group.command(name="setup", description="Post a daily prompt in a channel at a local time")
    @app_commands.rename(post_time="time", ping_role="ping-role", reflect_button="reflect-button")
    @app_commands.describe(
        channel="Where the prompts are posted",
        post_time="Local time of day, 24-hour, e.g. 09:00",
        timezone="Changes the server's time zone (IANA, e.g. Europe/London); default: keep it",
        thread="Open a thread for each prompt (archived after a day)",
        ping_role="A role to ping with each prompt",
        reflect_button="Add a “Reflect privately” button (opens a private check-in)",
    )
    @moderator_only
    async def setup_prompts(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        post_time: str,
        timezone: str | None = None,
        thread: bool | None = None,
        ping_role: discord.Role | None = None,
        reflect_button: bool | None = None,
    ) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        try:
            at = parse_time_of_day(post_time)
        except ValueError as exc:
            shown = f"“{echo(post_time)}”"
            raise UserFacingError(t(lang, "prompts.setup.bad_time", value=shown)) from exc
        server_zone = (await get_settings(self.bot.db, guild.id)).timezone
        try:
            zone = resolve_timezone(timezone) if timezone else server_zone
        except TimezoneError as problem:
            raise UserFacingError(problem.text(lang)) from None
        if ping_role is not None and ping_role.is_default():
            raise UserFacingError(t(lang, "prompts.setup.no_everyone"))
        current = await get_schedule(self.bot.db, guild.id)
        use_thread = thread if thread is not None else bool(current and current.use_thread)
        warnings = channel_warnings(channel, use_thread, ping_role, lang)
        if zone != server_zone:  # one time zone per server: /setup timezone shows the same
            await apply_changes(self.bot.db, guild.id, interaction.user.id,
                                now=self.bot.clock.now(), timezone=zone)  # fmt: skip
            forget_interaction_settings(interaction)
            warnings.append(t(lang, "prompts.setup.zone_changed", old=server_zone, new=zone))
        schedule = await configure(
            self.bot.db,
            guild.id,
            channel_id=channel.id,
            post_time=at,
            timezone=zone,
            now=self.bot.clock.now(),
            use_thread=thread,
            ping_role_id=ping_role.id if ping_role is not None else UNSET,
            reflect_button=reflect_button,
        )
        detail = (
            f"channel={channel.id} time={format_time_of_day(at)} tz={zone} "
            f"thread={schedule.use_thread} ping={schedule.ping_role_id or '-'} "
            f"button={schedule.reflect_button}"
        )
        await self._audit(interaction, "prompts.setup", detail)
        await interaction.response.send_message(
            embed=setup_done_embed(schedule, lang, warnings), ephemeral=True
        )

    @setup_prompts.autocomplete("timezone")
    async def _timezones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=tz, value=tz) for tz in timezone_suggestions(current)]

    @group.command(name="options", description="Threads, role ping and the private button")
    @app_commands.rename(ping_role="ping-role", no_ping="no-ping", reflect_button="reflect-button")
    @app_commands.describe(
        thread="Open a thread for each prompt (archived after a day)",
        ping_role="A role to ping with each prompt",
        no_ping="Stop pinging a role",
        reflect_button="Add a “Reflect privately” button (opens a private check-in)",
    )
    @moderator_only
    async def options(
        self,
        interaction: discord.Interaction,
        thread: bool | None = None,
        ping_role: discord.Role | None = None,
        no_ping: bool = False,
        reflect_button: bool | None = None,
    ) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        current = await get_schedule(self.bot.db, guild.id)
        if current is None:
            raise UserFacingError(t(lang, "prompts.replies.not_set_up"))
        if ping_role is not None and ping_role.is_default():
            raise UserFacingError(t(lang, "prompts.setup.no_everyone"))
        role_change: int | None = UNSET
        if no_ping:
            role_change = None
        elif ping_role is not None:
            role_change = ping_role.id
        warnings: list[str] = []
        channel = guild.get_channel(current.channel_id)
        if isinstance(channel, discord.TextChannel):
            use_thread = current.use_thread if thread is None else thread
            warnings = channel_warnings(channel, use_thread, ping_role, lang)
        schedule = await set_options(
            self.bot.db,
            guild.id,
            use_thread=thread,
            ping_role_id=role_change,
            reflect_button=reflect_button,
        )
        assert schedule is not None
        detail = (
            f"thread={schedule.use_thread} ping={schedule.ping_role_id or '-'} "
            f"button={schedule.reflect_button}"
        )
        await self._audit(interaction, "prompts.options", detail)
        await interaction.response.send_message(
            embed=setup_done_embed(schedule, lang, warnings), ephemeral=True
        )

    @group.command(name="pause", description="Stop posting daily prompts until resumed")
    @moderator_only
    async def pause(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        schedule = await get_schedule(self.bot.db, guild.id)
        if schedule is None:
            raise UserFacingError(t(lang, "prompts.replies.not_set_up"))
        if schedule.paused:
            raise UserFacingError(t(lang, "prompts.replies.already_paused"))
        async with self.bot.db.transaction() as conn:
            await pause_schedule(conn, guild.id, "moderator")
        await self._audit(interaction, "prompts.paused")
        await interaction.response.send_message(t(lang, "prompts.replies.paused"), ephemeral=True)

    @group.command(name="resume", description="Post daily prompts again from the next time")
    @moderator_only
    async def resume(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        current = await get_schedule(self.bot.db, guild.id)
        if current is None:
            raise UserFacingError(t(lang, "prompts.replies.not_set_up"))
        channel = guild.get_channel(current.channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError(t(lang, "prompts.replies.channel_gone"))
        channel_warnings(channel, False, None, lang)
        schedule = await resume(self.bot.db, guild.id, self.bot.clock.now())
        assert schedule is not None
        await self._audit(interaction, "prompts.resumed", f"was={current.pause_reason or '-'}")
        await interaction.response.send_message(
            embed=setup_done_embed(schedule, lang), ephemeral=True
        )

    @group.command(name="status", description="Next post time (server zone and UTC), recent days")
    @moderator_only
    async def status(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        db = self.bot.db
        schedule = await get_schedule(db, guild.id)
        seen, total = await rotation_progress(db, guild.id, self.bot.content.prompts)
        custom = await list_custom(db, guild.id)
        recent = await recent_posts(db, guild.id)
        embed = status_embed(
            schedule, recent, seen, total, len(custom), await self._lang(interaction)
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # --- posting ----------------------------------------------------------------------------

    @group.command(name="preview", description="See the next prompt privately, as it will look")
    @moderator_only
    async def preview(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        upcoming = await self.scheduler.preview(guild.id)
        if upcoming is None:
            raise UserFacingError(t(lang, "prompts.replies.nothing_to_preview"))
        schedule = await get_schedule(self.bot.db, guild.id)
        key, text = upcoming
        await interaction.response.send_message(
            embed=preview_embed(text, key, schedule, lang), ephemeral=True
        )

    @group.command(name="post-now", description="Post today's prompt now instead of later")
    @moderator_only
    async def post_now(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.scheduler.post_now(guild.id)
        if result.outcome == "posted":
            await self._audit(interaction, "prompts.post_now")
        text = post_now_text(result, guild.id, lang)
        await interaction.followup.send(text, ephemeral=True)

    # --- the server's own prompts -------------------------------------------------------------

    @group.command(name="add", description="Add one of this server's own prompts to the rotation")
    @app_commands.describe(text="The prompt, 10-600 characters")
    @moderator_only
    async def add(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 1000]
    ) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        try:
            prompt = await add_custom(self.bot.db, guild.id, text, interaction.user.id)
        except CustomPromptError as exc:
            raise UserFacingError(exc.message(lang)) from exc
        total = len(await list_custom(self.bot.db, guild.id))
        await self._audit(interaction, "prompts.custom_added", target=f"#{prompt.id}")
        await interaction.response.send_message(
            embed=custom_added_embed(prompt, total, lang), ephemeral=True
        )

    @group.command(name="remove", description="Remove one of this server's own prompts")
    @app_commands.describe(prompt="The prompt to remove (type to search)")
    @moderator_only
    async def remove(self, interaction: discord.Interaction, prompt: int) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        removed = await remove_custom(self.bot.db, guild.id, prompt)
        if removed is None:
            raise UserFacingError(t(lang, "prompts.custom.no_such", id=prompt))
        await self._audit(interaction, "prompts.custom_removed", target=f"#{removed.id}")
        await interaction.response.send_message(
            t(lang, "prompts.custom.removed", id=removed.id), ephemeral=True
        )

    @remove.autocomplete("prompt")
    async def _own_prompts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        needle = current.strip().lstrip("#").casefold()
        choices = []
        for item in await list_custom(self.bot.db, interaction.guild_id):
            label = f"#{item.id} {item.text}".replace("\n", " ")
            if needle in label.casefold():
                name = label if len(label) <= 100 else label[:99] + "…"
                choices.append(app_commands.Choice(name=name, value=item.id))
        return choices[:25]

    @group.command(name="list", description="This server's own prompts")
    @moderator_only
    async def list_prompts(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        lang = await self._lang(interaction)
        pages = custom_list_pages(await list_custom(self.bot.db, guild.id), lang)
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=True)
            return
        view = Paginator(interaction.user.id, pages, lang=lang)
        await interaction.response.send_message(embed=view.current, view=view, ephemeral=True)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Prompts(bot))
