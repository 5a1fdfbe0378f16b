"""A terminal Discord: the real bot against the fake, driven by typed commands or a script."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import shlex
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

import discord
from discord.ext import commands

from .fake import FakeDiscord
from .harness import run_bot
from .interactions import Interaction
from .messages import FakeMessage
from .render import render_message, render_modal
from .state import Channel, replay_ids
from .world import StandardGuild

log = logging.getLogger(__name__)
VIEW_CHANNEL = 1 << 10
#: How long the bot must stay silent before the sandbox shows the next prompt.
QUIET_SECONDS = 0.15
#: How often the interactive prompt looks for messages the bot posted unprompted.
WATCH_SECONDS = 0.5
#: How long a deferred answer ("thinking...") is waited for before the next command.
DEFERRED_SECONDS = 15.0
ExtraCommand = Callable[["Sandbox", list[str]], Awaitable[None] | None]
HELP = """\
/command sub option:value name:"two words"   run a slash command (Tab completes names)
plain text                                   say it in the current channel
:click [mN] N       press button N of message mN (default: the last bot message shown)
:select [mN] N value...   choose value(s) in select menu N of message mN (or the last)
:submit field=value ...   fill in the form the bot showed you (by label or id)
:menu "NAME" mN|@person   a right-click app command on a message or a person
:as member|mod|owner      act as another person (owner: the server's and the bot's owner)
:locale [LOCALE]    this person's Discord language (es-ES, fr, de, pt-BR, en-US ...);
                    commands may then be typed by the names Discord shows in it
:channel NAME|dm    switch channel                  :read [CHANNEL|dm]   show a channel
:help   :quit"""
#: Discord's client languages (what `:locale` and `--locale` accept).
LOCALES = tuple(locale.value for locale in discord.Locale)
#: Errors whose message is meant for the person typing; anything else is summarised.
EXPECTED_ERRORS = (LookupError, ValueError, TimeoutError, IndexError, KeyError)


class Sandbox:
    """State of one sandbox session; extra commands receive it."""

    def __init__(
        self, fake: FakeDiscord, world: StandardGuild, out: TextIO, locale: str | None = None
    ) -> None:
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
        self.refs: dict[str, FakeMessage] = {}  # "m1" -> a bot message with buttons or menus
        self.ref_of: dict[int, str] = {}
        if locale is not None:
            self.set_locale(locale)

    def set_locale(self, locale: str) -> None:
        """The acting person's Discord client language, sent with their interactions."""
        known = {code.lower(): code for code in LOCALES}
        if locale.lower() not in known:
            raise LookupError(f"unknown Discord language {locale!r}; one of: {', '.join(LOCALES)}")
        self.user.user.locale = known[locale.lower()]

    def ref(self, msg: FakeMessage) -> str:
        """The short name (m1, m2 ...) that :click, :select and :menu accept for `msg`."""
        if msg.id not in self.ref_of:
            name = f"m{len(self.refs) + 1}"
            self.refs[name], self.ref_of[msg.id] = msg, name
        return self.ref_of[msg.id]

    def target(self, args: list[str]) -> tuple[FakeMessage, list[str]]:
        """The message an action is for: a leading mN, else the last one shown (said aloud)."""
        if args and args[0] in self.refs:
            msg, rest = self.refs[args[0]], args[1:]
        elif args and args[0][:1] == "m" and args[0][1:].isdigit():
            raise LookupError(f"no message {args[0]} (refs are shown under bot messages)")
        elif self.last_with_components is None:
            raise LookupError("no bot message with buttons or menus shown yet")
        else:
            msg, rest = self.last_with_components, args
        if not self.visible(msg) or msg.deleted:
            raise LookupError(f"{self.ref(msg)} is not a message you can see")
        first = (msg.text.splitlines() or [""])[0][:50]
        self.write(f"(on {self.ref(msg)}: {msg.author.name} in {self.where(msg)}: {first!r})")
        return msg, rest

    def where(self, msg: FakeMessage) -> str:
        return "DMs" if msg.channel.type == 1 else f"#{msg.channel.name}"

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
            self.note_actions(msg)
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

    def note_actions(self, msg: FakeMessage) -> None:
        """A bot message with buttons or menus becomes the default target and gets a ref."""
        if msg.author.bot and msg.components and not msg.deleted:
            self.last_with_components = msg
            self.write(f"  ({self.ref(msg)}: :click N {self.ref(msg)})")

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
        return
    if inter.callbacks and inter.callbacks[0].type == 5:  # "thinking...": wait for the answer
        with contextlib.suppress(TimeoutError):
            await inter.reply(timeout=DEFERRED_SECONDS)


def _default_name(siblings: list[dict[str, Any]], typed: str, locale: str) -> tuple[str, Any]:
    """The name Discord sends for what a person typed: the default name, or the one their
    client shows in their language (name_localizations). Unknown names pass through."""
    for node in siblings:
        if typed in (node["name"], (node.get("name_localizations") or {}).get(locale)):
            return node["name"], node
    return typed, None


async def _slash(box: Sandbox, line: str) -> Interaction:
    tokens = shlex.split(line[1:])
    locale = box.user.user.locale
    siblings: list[dict[str, Any]] = [
        c for scope in box.fake.commands.values() for c in scope if c.get("type", 1) == 1
    ]
    path: list[str] = []
    for typed in (t for t in tokens if ":" not in t):
        name, node = _default_name(siblings, typed, locale)
        path.append(name)
        siblings = (node or {}).get("options") or []
    options: dict[str, Any] = {}
    for token in tokens:
        if ":" in token:
            typed, value = token.split(":", 1)
            options[_default_name(siblings, typed, locale)[0]] = value.lstrip("@")
    return await box.fake.slash(" ".join(path), options, box.user, box.channel)


def _menu_name(box: Sandbox, typed: str) -> str:
    menus = [c for scope in box.fake.commands.values() for c in scope if c.get("type", 1) != 1]
    return _default_name(menus, typed, box.user.user.locale)[0]


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
        if len(args) != 1 or args[0] not in box.people:
            raise LookupError("usage: :as member|mod|owner")
        box.user = box.people[args[0]]
        if box.channel.type == 1:  # stay in DMs: this person's DMs with the bot
            box.channel = fake.dm_channel(box.user)
        if last is not None and not box.visible(last):
            box.last_with_components = None  # another person's private message
        box.mark_seen()
        box.write(f"(you are now {box.user.name})")
    elif name == "locale":
        if len(args) > 1:
            raise LookupError("usage: :locale [LOCALE]   (for example :locale es-ES)")
        if args:
            box.set_locale(args[0])
        box.write(f"(Discord language for {box.user.name}: {box.user.user.locale})")
    elif name == "channel":
        if len(args) != 1:
            raise LookupError("usage: :channel NAME|dm")
        chan = box.find_channel(args[0])
        if chan.type != 1 and not fake.permissions_in(box.user.user, chan) & VIEW_CHANNEL:
            box.write(f"(you cannot see #{chan.name})")
            return True
        box.channel = chan
        where = "your DMs with the bot" if box.channel.type == 1 else f"#{box.channel.name}"
        box.write(f"(now in {where})")
    elif name == "read":
        chan = box.find_channel(args[0]) if args else box.channel
        if chan.type != 1 and not fake.permissions_in(box.user.user, chan) & VIEW_CHANNEL:
            box.write(f"(you cannot see #{chan.name})")
            return True
        for msg in fake.messages(chan, as_user=box.user):
            for out in render_message(msg):
                box.write(out)
            box.note_actions(msg)  # :click acts on what was just read
    elif name == "click":
        msg, rest = box.target(args)
        if not rest or not rest[0].isdigit() or not 1 <= int(rest[0]) <= len(msg.buttons):
            raise LookupError(f"{box.ref(msg)} has buttons 1 to {len(msg.buttons)}")
        button = msg.buttons[int(rest[0]) - 1]
        inter = await fake.click(msg, button.get("custom_id") or button["label"], box.user)
        await _answered(box, inter)
    elif name == "select":
        msg, rest = box.target(args)
        if not rest or not rest[0].isdigit() or not 1 <= int(rest[0]) <= len(msg.selects):
            raise LookupError(f"{box.ref(msg)} has menus 1 to {len(msg.selects)}")
        menu = msg.selects[int(rest[0]) - 1]
        inter = await fake.select(msg, menu["custom_id"], rest[1:], box.user)
        await _answered(box, inter)
    elif name == "menu":
        if len(args) != 2:
            raise LookupError('usage: :menu "Remove anonymous post" m3   or   :menu "NAME" @you')
        target: Any
        if args[1].startswith("@"):
            if args[1][1:] not in box.people:
                raise LookupError("choose @member, @mod or @owner")
            target = box.people[args[1][1:]]
        else:
            number = int(args[1]) if args[1].isdigit() else 0
            target = box.refs.get(args[1]) or fake.messages_by_id.get(number)
            if target is None or not box.visible(target):
                raise LookupError(f"no message {args[1]} that you can see")
        inter = await fake.context_menu(_menu_name(box, args[0]), target, box.user)
        await _answered(box, inter)
    elif name == "submit":
        if not args or not all("=" in arg for arg in args):
            raise LookupError('usage: :submit field=value "other field=two words" ...')
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


def _load_ids(path: Path | None) -> list[int]:
    if path is None or not path.exists():
        return []
    try:
        ids = json.loads(path.read_text(encoding="utf-8"))["ids"]
        return [int(i) for i in ids]
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("Ignoring unreadable sandbox ids in %s", path)
        return []


def _save_ids(path: Path | None, ids: list[int]) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"ids": ids}), encoding="utf-8")


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
    world_file: Path | None = None,
    log_file: Path | None = None,
    locale: str | None = None,
) -> int:
    """Start the fake with the standard guild and the real bot, then read commands.

    Interactive: a prompt (input() in a thread, so the bot keeps running). Otherwise ``stdin`` is
    a script and ``stdout`` receives the transcript. Returns 0, or 1 if the bot sent requests
    Discord would reject. `world_file` keeps the server's ids, so a sandbox restarted on the
    same data finds its settings again; `log_file` is named when something unexpected fails;
    `locale` is the member's Discord language (default en-US).
    """
    extra = dict(extra_commands or {})
    loop = asyncio.get_running_loop()
    saved = _load_ids(world_file)
    with replay_ids(saved) as used:
        fake = FakeDiscord()
    async with fake:
        with replay_ids(saved[len(used) :]) as more:
            world = await fake.standard_guild()
        _save_ids(world_file, [*used, *more])
        fake.app_owner = world.owner.user  # the owner runs the bot too: /admin works for them
        async with run_bot(bot_factory(), fake):
            box = Sandbox(fake, world, stdout, locale)
            if interactive:
                names = sorted(
                    {"/" + c["name"] for c in fake.commands.get(None, [])}
                    | {
                        "/" + shown
                        for c in fake.commands.get(None, [])
                        for shown in (c.get("name_localizations") or {}).values()
                    }
                )
                _setup_readline(names + [":" + c for c in ("click", "select", "submit", "as")])
            box.write("Sandbox server ready: #general #check-ins #daily-prompt #mod-alerts.")
            box.write(":help lists the commands.")
            if locale is not None:
                box.write(f"(you speak {box.user.user.locale} in Discord: :locale changes it)")
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
                except EXPECTED_ERRORS as exc:
                    box.write(f"error: {exc}")
                except Exception as exc:  # a bug: say so briefly, keep the session going
                    log.exception("Sandbox command failed: %s", line)
                    where = f" (details in {log_file})" if log_file else ""
                    box.write(f"error: that didn't work: {type(exc).__name__}{where}")
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
