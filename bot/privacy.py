"""Pseudonyms: the only identity stored next to anonymous content.

HMAC-SHA256(secret, guild id + user id). Without the secret nobody (moderators, someone with a
copy of the database) can turn a pseudonym back into a member; with both the database and the
secret one can test member ids one by one, which the README says plainly.
"""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_HEX_LENGTH = 32  # 128 bits: collisions are not a practical concern


def pseudonym(secret: bytes, guild_id: int, user_id: int) -> str:
    """Stable per member per server, different across servers (no cross-server linking)."""
    message = f"{guild_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_LENGTH]


def short_label(pseudo: str) -> str:
    """What moderators see for an anonymous author: enough to block, nothing to identify."""
    return f"anon-{pseudo[:8]}"
