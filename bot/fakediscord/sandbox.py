"""A terminal Discord: the real bot against the fake, driven by typed commands or a script."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import shlex
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from discord.ext import commands

from .fake import FakeDiscord
from .harness import run_bot
from .interactions import Interaction
from .messages import FakeMessage
from .render import render_message, render_modal
from .state import Channel
from .world import StandardGuild

log = logging.getLogger(__name__)
VIEW_CHANNEL = 1 << 10
#: How long the bot must stay silent before the sandbox shows the next prompt.
QUIET_SECONDS = 0.15
#: How often the interactive prompt looks for messages the bot posted unprompted.
WATCH_SECONDS = 0.5
ExtraCommand = Callable[["Sandbox", list[str]], Awaitable[None] | None]
HELP = """\
/command sub option:value name:"two words"   run a slash command (Tab completes names)
plain text                                   say it in the current channel
:click N            press button N of the last bot message shown
:select N value...  choose value(s) in select menu N of the last bot message shown
:submit field=value ...   fill in the form the bot showed you (by label or id)
:as member|mod|owner      act as another person      :channel NAME|dm   switch channel
:read [CHANNEL|dm]  show a channel as you see it     :help   :quit"""


class Sandbox:
    """State of one sandbox session; extra commands receive it."""

    def __init__(self, fake: FakeDiscord, world: StandardGuild, out: TextIO) -> None:
        self.fake = fake
        self.world = world
        self.out = out
        self.people = {
            "member": world.you,
            "you": world.you,
            "mod": world.mod,
            "owner": world.owner,
        }
        self.user = world.you
        self.channel = world.general
        self.last_with_components: FakeMessage | None = None
        self.shown: dict[int, tuple[str, ...]] = {}
        self.modals_shown: set[int] = set()
        self.violations_reported = 0
        self.busy = False
        self.files_dir: Path | None = None  # where files the bot sends are saved (on first one)

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def visible(self, msg: FakeMessage) -> bool:
        if msg.visible_to is not None:
            return msg.visible_to is self.user.user
        if msg.channel.type == 1:
            return msg.channel.recipient is self.user.user
        return bool(self.fake.permissions_in(self.user.user, msg.channel) & VIEW_CHANNEL)

    def show_new(self) -> None:
        """Print messages (and forms) that are new or changed since they were last shown."""
        for msg in sorted(self.fake.messages_by_id.values(), key=lambda m: m.id):
            if not self.visible(msg):
                continue
            state = (msg.content, repr(msg.embeds), repr(msg.components), str(msg.deleted))
            before = self.shown.get(msg.id)
            if before == state:
                continue
            self.shown[msg.id] = state
            if before is None and msg.author is self.user.user:
                continue  # your own words need no echo
            for line in render_message(msg, edited=before is not None):
                self.write(line)
            if not msg.deleted:
                for attachment in msg.attachments:
                    self.write(f"  [file] {self.save_attachment(attachment)}")
            if msg.author.bot and msg.components and not msg.deleted:
                self.last_with_components = msg
        for inter in list(self.fake.interactions.values()):
            if inter.user is self.user.user and inter.modal and inter.id not in self.modals_shown:
                self.modals_shown.add(inter.id)
                for line in render_modal(inter.modal):
                    self.write(line)
        for violation in self.fake.violations[self.violations_reported :]:
            self.write(f"!! Discord would reject this: {violation}")
        self.violations_reported = len(self.fake.violations)

    def save_attachment(self, attachment: dict[str, Any]) -> str:
        """A file the bot sent is saved where you can open it; returns the path to show."""
        if self.files_dir is None:
            self.files_dir = Path(tempfile.mkdtemp(prefix="bridgeline-sandbox-files-"))
        path = self.files_dir / f"{attachment['id']}-{Path(attachment['filename']).name}"
        path.write_bytes(self.fake.attachment_data.get(int(attachment["id"]), b""))
        described = attachment.get("description")
        return f"{path}" + (f"\n    (alt text: {described})" if described else "")

    async def quiet(self) -> None:
        """Wait until the bot has made no request for QUIET_SECONDS (sandbox only, not tests)."""
        while True:
            count = len(self.fake.requests)
            await asyncio.sleep(QUIET_SECONDS)
            if len(self.fake.requests) == count:
                return

    def find_channel(self, name: str) -> Channel:
        """A channel by name; ``dm`` is the current person's DMs with the bot."""
        return self.fake.dm_channel(self.user) if name == "dm" else self.fake.channel(name)

    def mark_seen(self) -> None:
        for msg in self.fake.messages_by_id.values():
            state = (msg.content, repr(msg.embeds), repr(msg.components), str(msg.deleted))
            self.shown[msg.id] = state


async def _answered(box: Sandbox, inter: Interaction) -> None:
    """Wait for the bot's first callback attempt (accepted or not) for ``inter``."""
    iid = str(inter.id)

    def tried() -> bool | None:
        hit = any(r.params.get("interaction_id") == iid for r in box.fake.requests)
        return True if hit or inter.callbacks else None

    try:
        await box.fake.wait_until(tried, box.fake.response_deadline, "interaction response")
    except TimeoutError:
        box.write("(no answer within 3 s: Discord shows 'The application did not respond')")


async def _slash(box: Sandbox, line: str) -> Interaction:
    tokens = shlex.split(line[1:])
    path = [t for t in tokens if ":" not in t]
    options: dict[str, Any] = {}
    for token in tokens:
        if ":" in token:
            name, value = token.split(":", 1)
            options[name] = value.lstrip("@")
    return await box.fake.slash(" ".join(path), options, box.user, box.channel)


async def _command(box: Sandbox, line: str, extra: Mapping[str, ExtraCommand]) -> bool:
    """Run one line; False means quit."""
    fake = box.fake
    if line.startswith("/"):
        inter = await _slash(box, line)
        await _answered(box, inter)
        return True
    if not line.startswith(":"):
        await fake.send_message(box.channel, box.user, line)
        return True
    name, *args = shlex.split(line[1:]) or [""]
    last = box.last_with_components
    if name in ("quit", "exit", "q"):
        return False
    if name == "help":
        box.write(HELP + "".join(f"\n:{cmd}" for cmd in extra))
    elif name == "as":
        box.user = box.people[args[0]]
        if box.channel.type == 1:  # stay in DMs: this person's DMs with the bot
            box.channel = fake.dm_channel(box.user)
        if last is not None and not box.visible(last):
            box.last_with_components = None  # another person's private message
        box.mark_seen()
        box.write(f"(you are now {box.user.name})")
    elif name == "channel":
        box.channel = box.find_channel(args[0])
        where = "your DMs with the bot" if box.channel.type == 1 else f"#{box.channel.name}"
        box.write(f"(now in {where})")
    elif name == "read":
        chan = box.find_channel(args[0]) if args else box.channel
        if not fake.permissions_in(box.user.user, chan) & VIEW_CHANNEL:
            box.write(f"(you cannot see #{chan.name})")
        for msg in fake.messages(chan, as_user=box.user):
            for out in render_message(msg):
                box.write(out)
            if msg.author.bot and msg.components and not msg.deleted:
                box.last_with_components = msg  # :click acts on what was just read
    elif name == "click":
        if last is None:
            raise LookupError("no bot message with buttons shown yet")
        button = last.buttons[int(args[0]) - 1]
        inter = await fake.click(last, button.get("custom_id") or button["label"], box.user)
        await _answered(box, inter)
    elif name == "select":
        if last is None:
            raise LookupError("no bot message with a menu shown yet")
        menu = last.selects[int(args[0]) - 1]
        inter = await fake.select(last, menu["custom_id"], args[1:], box.user)
        await _answered(box, inter)
    elif name == "submit":
        fields = dict(arg.split("=", 1) for arg in args)
        inter = await fake.submit_modal(fields, box.user)
        await _answered(box, inter)
    elif name in extra:
        result = extra[name](box, args)
        if inspect.isawaitable(result):
            await result
    else:
        box.write(f"unknown command :{name} (try :help)")
    return True


async def _watch(box: Sandbox) -> None:
    """Interactive only: show what the bot posts on its own (timers) while you type."""
    while True:
        await asyncio.sleep(WATCH_SECONDS)
        if not box.busy:
            box.show_new()


def _setup_readline(names: list[str]) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return

    def complete(text: str, state: int) -> str | None:
        matches = [n for n in names if n.startswith(text)]
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.set_completer_delims(" \t\n")
    readline.parse_and_bind("tab: complete")


async def run_sandbox(
    bot_factory: Callable[[], commands.Bot],
    *,
    stdin: TextIO,
    stdout: TextIO,
    interactive: bool,
    extra_commands: Mapping[str, ExtraCommand] | None = None,
) -> int:
    """Start the fake with the standard guild and the real bot, then read commands.

    Interactive: a prompt (input() in a thread, so the bot keeps running). Otherwise ``stdin`` is
    a script and ``stdout`` receives the transcript. Returns 0, or 1 if the bot sent requests
    Discord would reject.
    """
    extra = dict(extra_commands or {})
    loop = asyncio.get_running_loop()
    async with FakeDiscord() as fake:
        world = await fake.standard_guild()
        async with run_bot(bot_factory(), fake):
            box = Sandbox(fake, world, stdout)
            if interactive:
                names = sorted({"/" + c["name"] for c in fake.commands.get(None, [])})
                _setup_readline(names + [":" + c for c in ("click", "select", "submit", "as")])
            box.write("Sandbox server ready: #general #check-ins #daily-prompt #mod-alerts.")
            box.write(":help lists the commands.")
            watcher = asyncio.create_task(_watch(box)) if interactive else None
            while True:
                where = "dm" if box.channel.type == 1 else f"#{box.channel.name}"
                prompt = f"{box.user.name}@{where}> "
                if interactive:
                    try:
                        line = await loop.run_in_executor(None, input, prompt)
                    except EOFError:
                        break
                else:
                    line = await loop.run_in_executor(None, stdin.readline)
                    if not line:
                        break
                    line = line.rstrip("\n")
                    if line.strip():
                        box.write(prompt + line)
                line = line.strip()
                if not line or line.startswith("#!"):
                    continue
                box.busy = True
                try:
                    if not await _command(box, line, extra):
                        break
                except (LookupError, ValueError, TimeoutError, IndexError, KeyError) as exc:
                    box.write(f"error: {exc}")
                await box.quiet()
                box.show_new()
                box.busy = False
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            with contextlib.suppress(Exception):
                await box.quiet()
                box.show_new()
            return 1 if fake.violations else 0
