"""REST plumbing: route registry, body parsing, auth, validation, faults, error replies."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web
from multidict import MultiMapping

from .core import RequestRecord
from .faults import error_body
from .limits import check_choices, check_commands, check_message, check_modal
from .spec import Violation, validate

if TYPE_CHECKING:
    from .fake import FakeDiscord

log = logging.getLogger(__name__)
API_PREFIX = "/api/v10"


@dataclass
class Req:
    route: str
    params: dict[str, str]
    body: Any
    query: MultiMapping[str]
    files: list[dict[str, Any]] = field(default_factory=list)
    #: Event-loop time the request arrived, before the fake read and validated the body.
    received: float = 0.0

    def id(self, name: str) -> int:
        return int(self.params[name])


class HTTPError(Exception):
    """Raised by a handler to answer with Discord's error shape."""

    def __init__(self, status: int, code: int, message: str | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message


Reply = tuple[int, Any]
Handler = Callable[["FakeDiscord", Req], Awaitable[Reply]]
ROUTES: list[tuple[str, str, Handler]] = []
NO_AUTH_PREFIXES = (
    "POST /interactions/",
    "POST /webhooks/",
    "PATCH /webhooks/",
    "DELETE /webhooks/",
    "GET /webhooks/",
)


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``METHOD path`` (path as in the OpenAPI spec)."""

    def register(fn: Handler) -> Handler:
        ROUTES.append((method, path, fn))
        return fn

    return register


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> web.Response:
    """Content-Type must be exactly application/json, or discord.py reads the body as text."""
    if status == 204:
        return web.Response(status=204, headers=headers)
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(data).encode(), headers=all_headers)


def limit_violations(route_key: str, body: Any) -> list[Violation]:
    """Documented limits, checked on top of the (looser) schemas."""
    found: list[tuple[str, str]] = []
    if not isinstance(body, dict | list):
        return []
    if route_key.endswith("/callback") and isinstance(body, dict):
        kind = body.get("type")
        if kind in (4, 7):
            found = check_message(body.get("data"), "$.data")
        elif kind == 9:
            found = check_modal(body.get("data"))
        elif kind == 8:
            found = check_choices((body.get("data") or {}).get("choices"), "$.data.choices")
    elif "/commands" in route_key:
        found = check_commands(body if isinstance(body, list) else [body])
    elif "/messages" in route_key or route_key.startswith("POST /webhooks/"):
        found = check_message(body)
    return [Violation(route_key, "documented limit", path, msg) for path, msg in found]


def _errors_tree(violations: list[Violation]) -> dict[str, Any]:
    """Nest violations like Discord's 50035 ``errors`` object."""
    tree: dict[str, Any] = {}
    for v in violations:
        node = tree
        for part in v.path.lstrip("$").replace("[", ".").replace("]", "").split("."):
            if part:
                node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "INVALID", "message": v.message})
    return tree


#: One parameter of a part's Content-Disposition: name="x", filename="y" or filename*=utf-8''z.
_PARAM = re.compile(r';\s*([\w*]+)=("(?:[^"\\]|\\.)*"|[^;]*)')


def _params(header: str) -> dict[str, str]:
    found = {}
    for key, raw in _PARAM.findall(header):
        value = raw.strip()
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if key.endswith("*"):  # RFC 5987: charset'language'percent-encoded
            charset, _, rest = value.partition("'")
            key, value = key[:-1], unquote(rest.partition("'")[2], encoding=charset or "utf-8")
        found[key.lower()] = value
    return found


def _multipart(content_type: str, body: bytes) -> tuple[Any, list[dict[str, Any]]]:
    """A multipart/form-data body, split by hand: aiohttp's request.post() spent ~1.6 ms per
    reply with an attachment (email header parsing, a fresh regex per part), on the bot's own
    event loop in the benches, which is Discord's work, not the bot's."""
    boundary = _params(content_type).get("boundary", "")
    if not boundary:
        raise web.HTTPBadRequest(text="multipart body without a boundary")
    payload: Any = {}
    files = []
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        disposition = ""
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-disposition":
                disposition = value
        field = _params(disposition)
        key = field.get("name", "")
        if key.startswith("files[") and "filename" in field:
            index = key[len("files[") : -1]
            files.append(
                {"filename": field["filename"], "size": len(data), "data": data, "index": index}
            )
        elif key == "payload_json" and data:
            payload = json.loads(data)
    return payload, files


async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    if not request.can_read_body:
        return None, []
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/"):
        return _multipart(content_type, await request.read())
    text = await request.text()
    return (json.loads(text) if text else None), []


async def _serve(
    fake: FakeDiscord, method: str, path: str, fn: Handler, request: web.Request
) -> web.Response:
    received = asyncio.get_running_loop().time()
    route_key = f"{method} {path}"
    body, files = await _read_body(request)
    params = dict(request.match_info)
    record = RequestRecord(method, route_key, params, body)
    fake.requests.append(record)
    authorized = request.headers.get("Authorization") == f"Bot {fake.token}"
    if not authorized and not route_key.startswith(NO_AUTH_PREFIXES):
        record.status = 401
        return json_response(401, {"message": "401: Unauthorized", "code": 0})
    violations = validate(route_key, body) + limit_violations(route_key, body)
    if violations:
        fake.record_violations(violations)
        record.status = 400
        log.warning("fakediscord: invalid body for %s: %s", route_key, violations[0])
        return json_response(400, error_body(50035, errors=_errors_tree(violations)))
    held = fake.faults.holding(route_key, params, body)
    if held is not None:
        held.reached.set()
        await held.released.wait()
    fault = fake.faults.take(route_key, params, body)
    if fault is not None:
        status, data, headers = fault.response()
        record.status = status
        return json_response(status, data, headers)
    try:
        status, data = await fn(fake, Req(route_key, params, body, request.query, files, received))
    except HTTPError as exc:
        status, data = exc.status, error_body(exc.code, exc.message)
    record.status = status
    return json_response(status, data)


async def _unknown(fake: FakeDiscord, request: web.Request) -> web.Response:
    route_key = f"{request.method} {request.path.removeprefix(API_PREFIX)}"
    fake.record_violations([Violation(route_key, "fakediscord", "$", "route not implemented")])
    return json_response(404, {"message": "404: Not Found", "code": 0})


def build_app(fake: FakeDiscord) -> web.Application:
    from . import rest_channels, rest_gateway, rest_guilds, rest_interactions  # noqa: F401

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_get("/", fake.gateway.handle)
    # Literal segments (@original, @me) must be registered before {placeholders}.
    ordered = sorted(ROUTES, key=lambda r: "{" in r[1].rsplit("/", 1)[-1])
    for method, path, fn in ordered:
        handler = functools.partial(_serve, fake, method, path, fn)
        app.router.add_route(method, API_PREFIX + path, handler)
    app.router.add_route("*", API_PREFIX + "/{tail:.*}", functools.partial(_unknown, fake))
    return app
