"""A local fake Discord (REST + gateway on loopback) for end-to-end tests and the sandbox.

See README.md in this folder for the driver API.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .fake import FakeDiscord
    from .faults import Fault, Faults
    from .harness import run_bot
    from .interactions import HANG_GUARD, Callback, Interaction
    from .messages import FakeMessage
    from .spec import Violation
    from .state import Channel, Guild, Member, Overwrite, Role, User
    from .world import StandardGuild

#: Where each name lives. Loaded on first use, so a process that only points discord.py at a
#: fake (``harness.point_at``, as ``bench/flood.py``'s bot process does) does not load the fake
#: itself: its web server and the schema validator are some 6 MB of a bot's memory.
_HOME = {
    "FakeDiscord": "fake",
    "Fault": "faults",
    "Faults": "faults",
    "run_bot": "harness",
    "HANG_GUARD": "interactions",
    "Callback": "interactions",
    "Interaction": "interactions",
    "FakeMessage": "messages",
    "Violation": "spec",
    "Channel": "state",
    "Guild": "state",
    "Member": "state",
    "Overwrite": "state",
    "Role": "state",
    "User": "state",
    "StandardGuild": "world",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOME[name]}", __name__), name)


__all__ = [
    "HANG_GUARD",
    "Callback",
    "Channel",
    "FakeDiscord",
    "FakeMessage",
    "Fault",
    "Faults",
    "Guild",
    "Interaction",
    "Member",
    "Overwrite",
    "Role",
    "StandardGuild",
    "User",
    "Violation",
    "run_bot",
]
