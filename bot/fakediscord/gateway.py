"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME, and event dispatch."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .core import FakeCore

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
INTENT_MEMBERS = 1 << 1
INTENT_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED = INTENT_MEMBERS | INTENT_PRESENCES | INTENT_MESSAGE_CONTENT
BUFFER_LIMIT = 2000


@dataclass
class Session:
    """One bot session; outlives a dropped socket so the bot can RESUME it."""

    session_id: str
    intents: int
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Gateway:
    def __init__(self, fake: FakeCore) -> None:
        self.fake = fake
        self.session: Session | None = None
        self.connected = asyncio.Event()
        self.resumed = asyncio.Event()
        self.identify_count = 0
        self.resume_count = 0
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def intents(self) -> int:
        return self.session.intents if self.session else 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await self._send(ws, {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._on_frame(ws, json.loads(msg.data))
        finally:
            self._sockets.discard(ws)
            if self.session is not None and self.session.ws is ws:
                self.session.ws = None
                self.connected.clear()
        return ws

    async def _send(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        if not ws.closed:
            await ws.send_str(json.dumps(payload))

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == 1:
            await self._send(ws, {"op": 11, "d": None})
        elif op == 2:
            await self._identify(ws, data)
        elif op == 6:
            await self._resume(ws, data)
        elif op == 8:
            await self._request_members(ws, data)
        else:
            log.debug("ignored gateway op %s", op)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        intents = int(data.get("intents", 0))
        missing = intents & PRIVILEGED & ~self.fake.granted_intents
        if missing:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.identify_count += 1
        self.session = Session(session_id=secrets.token_hex(16), intents=intents, ws=ws)
        fake = self.fake
        guilds = fake.bot_guilds()
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": fake.bot_user.to_json(),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": self.session.session_id,
                "resume_gateway_url": fake.gateway_url,
                "application": {"id": str(fake.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "user_settings": {},
                "geo_ordered_rtc_regions": [],
                "session_type": "normal",
                "shard": [0, 1],
                "_trace": ["fakediscord"],
            },
        )
        for guild in guilds:
            await self.dispatch("GUILD_CREATE", guild.to_json())
        self.connected.set()
        self.fake.notify()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.session
        if session is None or data.get("session_id") != session.session_id:
            await self._send(ws, {"op": 9, "d": False})
            return
        self.resume_count += 1
        since = int(data.get("seq") or 0)
        async with session.lock:
            session.ws = ws
            for payload in session.buffer:
                if payload["s"] > since:
                    await self._send(ws, payload)
        await self.dispatch("RESUMED", {"_trace": ["fakediscord"]})
        self.connected.set()
        self.resumed.set()
        self.fake.notify()

    async def _request_members(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        guild = self.fake.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif data.get("query"):
            members = [m for m in members if m.name.lower().startswith(data["query"].lower())]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_json() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to the bot (buffered for RESUME if the socket is down)."""
        session = self.session
        if session is None:
            return
        async with session.lock:
            session.seq += 1
            payload = {"op": 0, "t": event, "s": session.seq, "d": data}
            session.buffer.append(payload)
            del session.buffer[:-BUFFER_LIMIT]
            if session.ws is not None:
                await self._send(session.ws, payload)

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's socket as a network hiccup would; the bot should RESUME."""
        self.resumed.clear()
        if self.session is not None and self.session.ws is not None:
            ws = self.session.ws
            self.session.ws = None
            self.connected.clear()
            await ws.close(code=code, message=b"fakediscord dropped the connection")

    async def close_all(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"fakediscord shutting down")
