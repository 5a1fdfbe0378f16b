"""A local fake Discord (REST + gateway on loopback) for end-to-end tests and the sandbox.

See README.md in this folder for the driver API.
"""

from .fake import FakeDiscord
from .faults import Fault, Faults
from .harness import run_bot
from .interactions import HANG_GUARD, Callback, Interaction
from .messages import FakeMessage
from .spec import Violation
from .state import Channel, Guild, Member, Overwrite, Role, User
from .world import StandardGuild

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
