"""Who an asker is, kept so that nobody reading Discord or the database alone can tell.

- `asker_pseudonym`: HMAC-SHA256(secret, "askmods:" + guild + user). A purpose of its own, so it
  matches no other feature's pseudonym (an /ask-mods conversation cannot be linked to the same
  member's check-ins through the database). Used for blocks, rate limits and finding one's own
  conversation.
- `seal` / `unseal`: the user id a moderator's reply must be delivered to, encrypted and
  authenticated with a key derived from the secret (an HMAC-SHA256 keystream under a random
  nonce, then an HMAC tag over nonce and ciphertext: encrypt-then-MAC, standard library only).
  Without the secret the box is 32 random-looking bytes; with it, the id comes straight out:
  whoever holds both the database and the secret can read who asked (the README says so).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from bot.privacy import PSEUDONYM_HEX_LENGTH

PURPOSE = "askmods"
_NONCE_BYTES = 16
_ID_BYTES = 8
_TAG_BYTES = 16


class SealError(ValueError):
    """A box that was not made with this secret, or was altered."""


def asker_pseudonym(secret: bytes, guild_id: int, user_id: int) -> str:
    message = f"{PURPOSE}:{guild_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_LENGTH]


def data_rights_columns(secret: bytes, guild_id: int, user_id: int) -> dict[str, str]:
    """For bot.checkins.datarights.Member.purpose_pseudonyms: export and forget find these."""
    return {f"{PURPOSE}_pseudonym": asker_pseudonym(secret, guild_id, user_id)}


def _key(secret: bytes, use: str) -> bytes:
    return hmac.new(secret, f"{PURPOSE}:delivery:{use}".encode(), hashlib.sha256).digest()


def seal(secret: bytes, user_id: int, *, nonce: bytes | None = None) -> str:
    """Hex of nonce | ciphertext | tag. A fresh random nonce each time: two boxes of the same
    member look unrelated."""
    nonce = nonce if nonce is not None else secrets.token_bytes(_NONCE_BYTES)
    stream = hmac.new(_key(secret, "stream"), nonce, hashlib.sha256).digest()[:_ID_BYTES]
    plain = user_id.to_bytes(_ID_BYTES, "big")
    cipher = bytes(a ^ b for a, b in zip(plain, stream, strict=True))
    tag = hmac.new(_key(secret, "tag"), nonce + cipher, hashlib.sha256).digest()[:_TAG_BYTES]
    return (nonce + cipher + tag).hex()


def unseal(secret: bytes, box: str) -> int:
    try:
        raw = bytes.fromhex(box)
    except ValueError as exc:
        raise SealError("not a sealed id") from exc
    if len(raw) != _NONCE_BYTES + _ID_BYTES + _TAG_BYTES:
        raise SealError("not a sealed id")
    nonce, cipher, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    expected = hmac.new(_key(secret, "tag"), nonce + cipher, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, expected[:_TAG_BYTES]):
        raise SealError("the sealed id does not match this secret")
    stream = hmac.new(_key(secret, "stream"), nonce, hashlib.sha256).digest()[:_ID_BYTES]
    return int.from_bytes(bytes(a ^ b for a, b in zip(cipher, stream, strict=True)), "big")


def new_label() -> str:
    """Random per conversation (never derived from the member): `ask-` and 6 hex digits."""
    return f"ask-{secrets.token_hex(3)}"
