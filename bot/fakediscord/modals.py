"""Filling in a modal the way the Discord client does: the submit payload for ``submit_modal``.

Fields are found by custom_id or label. A component inside a Label (type 18) is found by the
Label's text as well: discord.py serialises such a text input with ``"label": None``, so its own
label is no use there. Text inputs take a string (required is checked, lengths are not); select
menus (string, user, role, mentionable, channel) take one value or a list, checked against the
options and min/max values as the client would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .options import OptionBuilder, resolve_select_value

if TYPE_CHECKING:
    from .core import FakeCore
    from .state import Channel, User

ACTION_ROW, TEXT_INPUT, LABEL = 1, 4, 18
SELECTS = frozenset({3, 5, 6, 7, 8})
STRING_SELECT = 3
_MISSING = object()


class ModalAnswer:
    """One person's answers to one modal; ``resolved`` collects users/roles/channels picked."""

    def __init__(self, fake: FakeCore, user: User, channel: Channel, fields: dict[str, Any]):
        self.remaining = dict(fields)
        self.builder = OptionBuilder(fake, channel.guild_id, channel, user)
        self.names: list[str] = []

    @property
    def resolved(self) -> dict[str, dict[str, Any]]:
        return self.builder.resolved

    def components(self, modal: dict[str, Any]) -> list[dict[str, Any]]:
        """The submitted ``data.components``; raises if a given field is not in the modal."""
        rows = [self._top(comp) for comp in modal.get("components") or []]
        if self.remaining:
            raise LookupError(f"modal has no field(s) {sorted(self.remaining)}; has {self.names}")
        return [r for r in rows if r]

    def _top(self, comp: dict[str, Any]) -> dict[str, Any] | None:
        kind = comp.get("type")
        if kind == ACTION_ROW:
            inner = [self._leaf(c, None) for c in comp.get("components") or []]
            return {"type": ACTION_ROW, "components": [c for c in inner if c]}
        if kind == LABEL and isinstance(comp.get("component"), dict):
            answer = self._leaf(comp["component"], comp.get("label"))
            return _with_id({"type": LABEL, "component": answer}, comp) if answer else None
        return None

    def _take(self, comp: dict[str, Any], label: str | None) -> Any:
        keys = (comp.get("custom_id"), label, comp.get("label"))
        key = next((k for k in keys if isinstance(k, str) and k in self.remaining), None)
        return _MISSING if key is None else self.remaining.pop(key)

    def _leaf(self, comp: dict[str, Any], label: str | None) -> dict[str, Any] | None:
        name = label or comp.get("label") or comp.get("custom_id") or "?"
        self.names.append(name)
        kind = comp.get("type")
        if kind == TEXT_INPUT:
            return self._text(comp, name, self._take(comp, label))
        if kind in SELECTS:
            return self._select(comp, name, self._take(comp, label))
        if self._take(comp, label) is not _MISSING:
            raise NotImplementedError(f"fakediscord cannot fill modal component type {kind}")
        return None

    def _text(self, comp: dict[str, Any], name: str, given: Any) -> dict[str, Any]:
        # min_length/max_length are left to the bot on purpose: tests send over-long text to
        # show the bot's own checks (a modified client can send anything).
        value = (comp.get("value") or "") if given is _MISSING else str(given)
        if not value and comp.get("required", True):
            raise ValueError(f"modal field {name!r} is required")
        return _with_id({"type": TEXT_INPUT, "custom_id": comp["custom_id"], "value": value}, comp)

    def _select(self, comp: dict[str, Any], name: str, given: Any) -> dict[str, Any]:
        kind = comp["type"]
        if given is _MISSING:
            raw = _defaults(comp)
        else:
            raw = list(given) if isinstance(given, list | tuple) else [given]
        # min_values applies once something is chosen: an optional select may be left empty.
        low, high = comp.get("min_values", 1), comp.get("max_values") or 1
        skipped = not raw and comp.get("required", True) is False
        if not skipped and not low <= len(raw) <= high:
            raise ValueError(f"modal select {name!r} takes {low}-{high} value(s), got {len(raw)}")
        if kind == STRING_SELECT:
            allowed = [o["value"] for o in comp.get("options") or []]
            bad = [v for v in raw if str(v) not in allowed]
            if bad:
                raise ValueError(f"{bad} not among the options {allowed} of {name!r}")
            values = [str(v) for v in raw]
        else:
            values = [str(resolve_select_value(self.builder, kind, v)) for v in raw]
        return _with_id({"type": kind, "custom_id": comp["custom_id"], "values": values}, comp)


def _defaults(comp: dict[str, Any]) -> list[Any]:
    """What a select shows pre-selected: default options, or ``default_values`` ids."""
    if comp.get("type") == STRING_SELECT:
        return [o["value"] for o in comp.get("options") or [] if o.get("default")]
    return [int(d["id"]) for d in comp.get("default_values") or []]


def _with_id(answer: dict[str, Any], comp: dict[str, Any]) -> dict[str, Any]:
    """Discord echoes each component's numeric ``id`` in the submit payload."""
    if comp.get("id") is not None:
        answer["id"] = comp["id"]
    return answer
