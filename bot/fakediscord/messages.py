"""Messages the fake has seen, with helpers to read them the way a person would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .state import EPHEMERAL, Channel, User, iso


def walk_components(components: Any) -> list[dict]:
    """Flatten rows, containers, sections and labels into a list of leaf-ish components."""
    found: list[dict] = []
    for comp in components or []:
        if not isinstance(comp, dict):
            continue
        found.append(comp)
        found += walk_components(comp.get("components"))
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                found += walk_components([comp[key]])
    return found


@dataclass(eq=False)
class FakeMessage:
    """A message in a channel. ``visible_to`` is set for ephemeral replies."""

    id: int
    channel: Channel
    author: User
    content: str = ""
    embeds: list[dict] = field(default_factory=list)
    components: list[dict] = field(default_factory=list)
    flags: int = 0
    guild_id: int | None = None
    interaction_id: int | None = None
    visible_to: User | None = None
    webhook_id: int | None = None
    reference_id: int | None = None
    mentions: list[User] = field(default_factory=list)
    reactions: dict[str, set[int]] = field(default_factory=dict)
    attachments: list[dict] = field(default_factory=list)
    timestamp: str = field(default_factory=iso)
    edited_timestamp: str | None = None
    deleted: bool = False
    thread_id: int | None = None
    interaction_meta: dict | None = None
    history: list[dict] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def text(self) -> str:
        """Content plus every embed's visible text, for simple ``in`` assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for fld in embed.get("fields") or []:
                parts += [fld.get("name") or "", fld.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
            parts.append((embed.get("author") or {}).get("name") or "")
        for comp in walk_components(self.components):
            if comp.get("type") == 10:
                parts.append(comp.get("content") or "")
        return "\n".join(p for p in parts if p)

    @property
    def buttons(self) -> list[dict]:
        return [c for c in walk_components(self.components) if c.get("type") == 2]

    @property
    def selects(self) -> list[dict]:
        return [c for c in walk_components(self.components) if c.get("type") in (3, 5, 6, 7, 8)]

    def button(self, label_or_custom_id: str) -> dict:
        for btn in self.buttons:
            if label_or_custom_id in (btn.get("label"), btn.get("custom_id")):
                return btn
        names = [b.get("label") or b.get("custom_id") for b in self.buttons]
        raise LookupError(f"no button {label_or_custom_id!r} on message {self.id}; has {names}")

    def apply_edit(self, body: dict[str, Any]) -> None:
        """Apply a PATCH body (message edit, webhook edit, update callback)."""
        self.history.append({"content": self.content, "embeds": self.embeds})
        if "content" in body:
            self.content = body["content"] or ""
        if "embeds" in body:
            self.embeds = list(body["embeds"] or [])
        if "components" in body:
            self.components = list(body["components"] or [])
        if body.get("flags") is not None:
            self.flags = (self.flags & EPHEMERAL) | (int(body["flags"]) & ~EPHEMERAL)
        self.edited_timestamp = iso()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": 19 if self.reference_id else (20 if self.interaction_meta else 0),
            "channel_id": str(self.channel.id),
            "author": self.author.to_json(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": False,
            "mention_everyone": False,
            "mentions": [u.to_json() for u in self.mentions],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags,
            "reactions": [
                {"emoji": {"id": None, "name": name}, "count": len(users), "me": False}
                for name, users in self.reactions.items()
                if users
            ],
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.interaction_meta is not None:
            data["interaction_metadata"] = self.interaction_meta
        if self.reference_id is not None:
            data["message_reference"] = {
                "type": 0,
                "message_id": str(self.reference_id),
                "channel_id": str(self.channel.id),
            }
        return data

    def __repr__(self) -> str:
        flag = " ephemeral" if self.ephemeral else ""
        return f"<FakeMessage {self.id} #{self.channel.name} by {self.author.name}{flag}: {self.text[:60]!r}>"
