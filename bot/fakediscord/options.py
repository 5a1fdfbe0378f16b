"""Turn driver-friendly command options into interaction ``data.options`` + ``resolved``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import Channel, Member, Role, User

if TYPE_CHECKING:
    from .core import FakeCore

SUB, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


def find_command(fake: FakeCore, name: str, kind: int, guild_id: int | None) -> dict[str, Any]:
    """A synced command by name and type (guild commands first, then global)."""
    scopes = [guild_id, None] if guild_id is not None else [None]
    for scope in scopes:
        for cmd in fake.commands.get(scope, []):
            if cmd["name"] == name and cmd.get("type", 1) == kind:
                check_available(cmd, guild_id)
                return cmd
    synced = sorted(c["name"] for s in scopes for c in fake.commands.get(s, []))
    raise LookupError(f"command {name!r} (type {kind}) not synced; synced: {synced}")


GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1


def check_available(cmd: dict[str, Any], guild_id: int | None) -> None:
    """Raise like the Discord client, which does not offer a command where it may not run:
    ``contexts`` (0 guild, 1 the bot's DM) if set, else the legacy ``dm_permission``."""
    where = GUILD_CONTEXT if guild_id is not None else BOT_DM_CONTEXT
    contexts = cmd.get("contexts")
    if contexts is not None:
        allowed = where in contexts
    else:
        allowed = where == GUILD_CONTEXT or cmd.get("dm_permission") is not False
    if not allowed:
        place = "a server" if where == GUILD_CONTEXT else "DMs"
        raise LookupError(
            f"command {cmd['name']!r} is not available in {place} (contexts={contexts}, "
            f"dm_permission={cmd.get('dm_permission')}): Discord would not offer it there"
        )


def split_path(cmd: dict[str, Any], parts: list[str]) -> tuple[list[dict], list[dict]]:
    """Walk subcommand groups/subcommands; return (chain of option specs, leaf option specs)."""
    chain: list[dict] = []
    node = cmd
    for part in parts:
        subs = [o for o in node.get("options") or [] if o.get("type") in (SUB, GROUP)]
        match = next((o for o in subs if o["name"] == part), None)
        if match is None:
            names = [o["name"] for o in subs]
            raise LookupError(f"{cmd['name']!r} has no subcommand {part!r}; has {names}")
        chain.append(match)
        node = match
    leaf = node.get("options") or []
    if any(o.get("type") in (SUB, GROUP) for o in leaf):
        names = [o["name"] for o in leaf]
        raise LookupError(f"{cmd['name']!r} needs a subcommand, one of {names}")
    return chain, leaf


class OptionBuilder:
    """Builds option values the way the Discord client would, rejecting what it would reject."""

    def __init__(
        self, fake: FakeCore, guild_id: int | None, channel: Channel | None, invoker: User
    ) -> None:
        self.fake = fake
        self.invoker = invoker
        self.guild_id = guild_id
        self.channel = channel
        self.resolved: dict[str, dict[str, Any]] = {}

    def build(
        self, specs: list[dict], given: dict[str, Any], focused: str | None = None
    ) -> list[dict[str, Any]]:
        by_name = {s["name"]: s for s in specs}
        unknown = set(given) - set(by_name)
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)}; command has {list(by_name)}")
        out: list[dict[str, Any]] = []
        for spec in specs:
            name = spec["name"]
            if name not in given:
                if spec.get("required") and focused is None:
                    raise ValueError(f"option {name!r} is required")
                continue
            if name == focused:
                out.append(
                    {"name": name, "type": spec["type"], "value": given[name], "focused": True}
                )
                continue
            out.append({"name": name, "type": spec["type"], "value": self.value(spec, given[name])})
        return out

    def value(self, spec: dict[str, Any], raw: Any) -> Any:
        kind = spec["type"]
        if kind == STRING:
            value: Any = str(raw)
            low, high = spec.get("min_length", 0), spec.get("max_length", 6000)
            if not low <= len(value) <= high:
                raise ValueError(f"{spec['name']!r} must be {low}-{high} chars")
        elif kind in (INTEGER, NUMBER):
            value = int(raw) if kind == INTEGER else float(raw)
            low, high = spec.get("min_value"), spec.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(f"{spec['name']!r} must be within {low}..{high}")
        elif kind == BOOLEAN:
            value = raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
        elif kind in (USER, MENTIONABLE) and not isinstance(raw, Role):
            value = str(self.resolve_user(raw))
        elif kind in (ROLE, MENTIONABLE):
            value = str(self.resolve_role(raw))
        elif kind == CHANNEL:
            value = str(self.resolve_channel(raw))
        else:
            raise NotImplementedError(f"option type {kind} is not supported by fakediscord")
        choices = spec.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            names = [c["value"] for c in choices]
            raise ValueError(f"{spec['name']!r}={value!r} is not one of the choices {names}")
        return value

    def resolve_user(self, ref: Any) -> int:
        user = ref.user if isinstance(ref, Member) else ref
        user = user if isinstance(user, User) else self.fake.user(user)
        self.resolved.setdefault("users", {})[str(user.id)] = user.to_json()
        member = self.fake.member_of(self.guild_id, user)
        if member is not None and self.channel is not None:
            data = member.to_json(with_user=False)
            perms = self.fake.permissions_in(user, self.channel)
            data["permissions"] = str(perms)
            self.resolved.setdefault("members", {})[str(user.id)] = data
        return user.id

    def resolve_role(self, ref: Any) -> int:
        if not isinstance(ref, Role):
            guild = self.fake.guilds[self.guild_id] if self.guild_id else None
            if guild is None:
                raise ValueError("role options need a guild")
            known = guild.roles.get(ref) if isinstance(ref, int) else None
            ref = known or self.fake.role(guild, str(ref))
        self.resolved.setdefault("roles", {})[str(ref.id)] = ref.to_json()
        return ref.id

    def resolve_channel(self, ref: Any) -> int:
        chan = self.fake.channel(ref)
        data = chan.to_json()
        data["permissions"] = str(self.fake.permissions_in(self.invoker, chan))
        self.resolved.setdefault("channels", {})[str(chan.id)] = data
        return chan.id


def resolve_select_value(builder: OptionBuilder, kind: int, ref: Any) -> int:
    """The id a user (5), role (6), mentionable (7) or channel (8) select submits for ``ref``
    (an object, id or name), recorded in ``builder.resolved`` as Discord does."""
    if kind == 6:
        return builder.resolve_role(ref)
    if kind == 8:
        return builder.resolve_channel(ref)
    if kind == 7:
        guild = builder.fake.guilds.get(builder.guild_id) if builder.guild_id else None
        if isinstance(ref, Role) or (isinstance(ref, int) and guild and ref in guild.roles):
            return builder.resolve_role(ref)
    return builder.resolve_user(ref)
