"""Validate request bodies the bot sends against Discord's OpenAPI schemas (vendored subset)."""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

SUBSET_PATH = Path(__file__).resolve().parent / "spec_subset.json"

#: Callback type -> schema, so an error names one schema instead of a failed ``anyOf``.
CALLBACK_SCHEMAS: dict[int, str] = {
    1: "PongInteractionCallbackRequest",
    4: "CreateMessageInteractionCallbackRequest",
    5: "CreateMessageInteractionCallbackRequest",
    6: "UpdateMessageInteractionCallbackRequest",
    7: "UpdateMessageInteractionCallbackRequest",
    8: "ApplicationCommandAutocompleteCallbackRequest",
    9: "ModalInteractionCallbackRequest",
}


@dataclass(frozen=True)
class Violation:
    """One rule a request broke: which route, which schema (or limit), where in the body."""

    route: str
    schema: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.route}: {self.path}: {self.message} [{self.schema}]"


@functools.cache
def _subset() -> dict[str, Any]:
    """Load the vendored subset once per process and apply the relaxations documented here."""
    data: dict[str, Any] = json.loads(SUBSET_PATH.read_text(encoding="utf-8"))
    schemas = data["components"]["schemas"]
    # discord.py sends CreatePrivateChannelRequest.recipient_id as a JSON integer, while the
    # spec's SnowflakeType only admits strings. Discord itself accepts both, so accept an
    # integer here (for this one field only) rather than flag every DM the bot opens.
    recipient = copy.deepcopy(schemas["CreatePrivateChannelRequest"]["properties"]["recipient_id"])
    recipient["oneOf"].append({"type": "integer", "minimum": 0})
    schemas["CreatePrivateChannelRequest"]["properties"]["recipient_id"] = recipient
    # With file uploads discord.py refers to each file by its index in ``files[n]`` and sends
    # ``attachments: [{"id": 0, ...}]`` with an integer id; Discord accepts that, the spec's
    # SnowflakeType does not. Accept a non-negative integer for this id as well.
    attachment = schemas["MessageAttachmentRequest"]["properties"]
    attachment["id"] = _or_integer(attachment["id"])
    # discord.py's bulk delete sends the message ids as integers too.
    bulk = data["routes"]["POST /channels/{channel_id}/messages/bulk-delete"]
    items = bulk["properties"]["messages"]["items"]
    bulk["properties"]["messages"]["items"] = _or_integer(items)
    # A reply (``reference=``) is sent by discord.py's MessageReference.to_dict with integer
    # message_id / channel_id / guild_id; Discord accepts integer snowflakes there too.
    reference = schemas["MessageReferenceRequest"]["properties"]
    for key in ("message_id", "channel_id", "guild_id"):
        reference[key] = _or_integer(reference[key])
    # Select menus with ``default_values=`` (user, role, channel and mentionable selects) carry
    # SelectDefaultValue.to_dict's integer ``id``; Discord accepts it.
    for name in ("UserSelectDefaultValue", "RoleSelectDefaultValue", "ChannelSelectDefaultValue"):
        default = schemas[name]["properties"]
        default["id"] = _or_integer(default["id"])
    # AllowedMentions(users=[...], roles=[...]).to_dict lists the ids as integers; Discord
    # accepts them. Only the items change: the lists keep their limits (100, unique).
    mentions = schemas["MessageAllowedMentionsRequest"]["properties"]
    for key in ("users", "roles"):
        mentions[key]["items"] = _or_integer(mentions[key]["items"])
    # Discord accepts only its own locales as keys of name_localizations and
    # description_localizations (the spec lists them in AvailableLocalesEnum but leaves the
    # objects' keys open): hold every such object in the subset to that list.
    # As a plain enum of the same values: a `oneOf` of 34 consts per key takes seconds to check
    # on the localised command tree.
    locales = [choice["const"] for choice in schemas["AvailableLocalesEnum"]["oneOf"]]
    _localisation_keys(data, {"enum": locales})
    return data


def _localisation_keys(node: Any, locales: dict[str, Any]) -> None:
    """Give every ``*_localizations`` object schema under ``node`` ``propertyNames: locales``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_localizations") and isinstance(value, dict):
                value["propertyNames"] = locales
            _localisation_keys(value, locales)
    elif isinstance(node, list):
        for value in node:
            _localisation_keys(value, locales)


def _or_integer(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or a non-negative integer (a snowflake as discord.py serialises it)."""
    return {"anyOf": [schema, {"type": "integer", "minimum": 0}]}


@functools.cache
def _validator(key: str) -> Draft202012Validator:
    """Compile one validator per schema; ``key`` is a component name or a ``METHOD /path``."""
    data = _subset()
    ref = {"$ref": f"#/components/schemas/{key}"}
    schema = dict(data["routes"][key]) if " " in key else ref
    schema["components"] = data["components"]
    return Draft202012Validator(schema)


def route_schema_key(route: str, body: Any) -> str | None:
    """Return the schema key to validate ``body`` for ``route``, or None if the route has none."""
    if route.endswith("/callback") and isinstance(body, dict):
        return CALLBACK_SCHEMAS.get(body.get("type", -1), route)
    if route == "POST /webhooks/{webhook_id}/{webhook_token}":
        return "IncomingWebhookRequestPartial"
    if route == "POST /channels/{channel_id}/threads":
        return "CreateTextThreadWithoutMessageRequest"
    return route if route in _subset()["routes"] else None


def _json_path(error: ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validate(route: str, body: Any) -> list[Violation]:
    """Check ``body`` for ``route``; each violation carries the JSON path and the schema path."""
    key = route_schema_key(route, body)
    if key is None:
        return []
    # A bot sends the same bodies again and again (a menu, a page, an ack); checking one against
    # the schemas costs about 1 ms, so each distinct body is checked once per process.
    return list(_validate_once(route, key, json.dumps(body, sort_keys=True)))


@functools.lru_cache(maxsize=4096)
def _validate_once(route: str, key: str, canonical: str) -> tuple[Violation, ...]:
    return tuple(_validate(route, key, json.loads(canonical)))


def _validate(route: str, key: str, body: Any) -> list[Violation]:
    found: list[Violation] = []
    for error in _validator(key).iter_errors(body):
        leaf = best_match([error])
        schema_path = "/".join(str(p) for p in leaf.absolute_schema_path)
        message = _short_message(leaf)
        found.append(Violation(route, f"{key}#{schema_path}", _json_path(leaf), message))
    return found


def _short_message(error: ValidationError) -> str:
    """jsonschema quotes the whole instance; a 4000-char string makes an unreadable report."""
    if error.validator in ("maxLength", "minLength") and isinstance(error.instance, str):
        return f"length {len(error.instance)} violates {error.validator} {error.validator_value}"
    if error.validator in ("maxItems", "minItems") and isinstance(error.instance, list):
        return f"{len(error.instance)} items violates {error.validator} {error.validator_value}"
    return error.message if len(error.message) <= 300 else error.message[:297] + "..."


def preload() -> None:
    """Load the subset now (about 20 ms) so the first request is not slower than the rest."""
    _subset()
