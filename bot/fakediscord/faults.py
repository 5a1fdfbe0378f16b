"""Switchable failures, so a test can show how the bot copes with Discord misbehaving."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ERROR_MESSAGES: dict[int, str] = {
    0: "500: Internal Server Error",
    10003: "Unknown Channel",
    10008: "Unknown Message",
    10062: "Unknown interaction",
    40060: "Interaction has already been acknowledged.",
    50001: "Missing Access",
    50007: "Cannot send messages to this user",
    50013: "Missing Permissions",
    50027: "Invalid Webhook Token",
    50035: "Invalid Form Body",
}


def error_body(code: int, message: str | None = None, errors: Any = None) -> dict[str, Any]:
    """Discord's error shape: ``{"message", "code"}`` (+ ``errors`` for 50035)."""
    body: dict[str, Any] = {"message": message or ERROR_MESSAGES.get(code, "Error"), "code": code}
    if errors is not None:
        body["errors"] = errors
    return body


@dataclass
class Fault:
    """Answer requests to ``route`` (a spec path template, e.g. ``POST /channels/{channel_id}/
    messages``, or ``*``) with ``status``/``code`` ``times`` times (None: until removed)."""

    route: str
    status: int
    code: int = 0
    times: int | None = 1
    retry_after: float = 0.05
    is_global: bool = False
    message: str | None = None
    match: Callable[[dict[str, str], Any], bool] | None = None
    hits: int = 0

    def matches(self, route: str, params: dict[str, str], body: Any) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.route not in ("*", route):
            return False
        return self.match is None or bool(self.match(params, body))

    def response(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        headers: dict[str, str] = {}
        if self.status == 429:
            # discord.py only honours retry_after with a Via header (else: Cloudflare ban).
            headers = {"Via": "1.1 google", "Retry-After": str(self.retry_after)}
            body: dict[str, Any] = {
                "message": "You are being rate limited.",
                "retry_after": self.retry_after,
                "global": self.is_global,
                "code": 0,
            }
            return 429, body, headers
        return self.status, error_body(self.code, self.message), headers


@dataclass
class Hold:
    """Requests to ``route`` (matching ``match``) wait until ``release()``: Discord being slow
    for exactly as long as a test needs, so it can wait on ``reached`` instead of a clock."""

    route: str
    match: Callable[[dict[str, str], Any], bool] | None = None
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, route: str, params: dict[str, str], body: Any) -> bool:
        if self.released.is_set() or self.route not in ("*", route):
            return False
        return self.match is None or bool(self.match(params, body))

    def release(self) -> None:
        self.released.set()


@dataclass
class Faults:
    """Registry on ``FakeDiscord.faults``. Also holds the interaction-deadline switch."""

    active: list[Fault] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    #: When True every interaction callback answers 404/10062 as if 3 s had passed.
    deadline_exceeded: bool = False

    def add(
        self,
        route: str,
        status: int,
        code: int = 0,
        *,
        times: int | None = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
        message: str | None = None,
        match: Callable[[dict[str, str], Any], bool] | None = None,
    ) -> Fault:
        fault = Fault(route, status, code, times, retry_after, is_global, message, match)
        self.active.append(fault)
        return fault

    def rate_limit(self, route: str, retry_after: float = 0.05, *, times: int = 1) -> Fault:
        return self.add(route, 429, times=times, retry_after=retry_after)

    def server_error(self, route: str, status: int = 500, *, times: int | None = 1) -> Fault:
        return self.add(route, status, 0, times=times)

    def missing_permissions(self, route: str, *, times: int | None = 1) -> Fault:
        return self.add(route, 403, 50013, times=times)

    def unknown_channel(self, route: str, *, times: int | None = 1) -> Fault:
        return self.add(route, 404, 10003, times=times)

    def hold(
        self, route: str, *, match: Callable[[dict[str, str], Any], bool] | None = None
    ) -> Hold:
        held = Hold(route, match)
        self.holds.append(held)
        return held

    def holding(self, route: str, params: dict[str, str], body: Any) -> Hold | None:
        return next((h for h in self.holds if h.matches(route, params, body)), None)

    def take(self, route: str, params: dict[str, str], body: Any) -> Fault | None:
        for fault in self.active:
            if fault.matches(route, params, body):
                fault.hits += 1
                return fault
        return None

    def clear(self) -> None:
        self.active.clear()
        for held in self.holds:
            held.release()
        self.holds.clear()
        self.deadline_exceeded = False
