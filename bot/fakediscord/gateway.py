"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME, and event dispatch.

Sharded like Discord: each IDENTIFY names its ``shard: [id, count]`` (none means ``[0, 1]``),
gets its own session, and receives only the events of servers on its shard
(``(guild_id >> 22) % count``); events without a server (DMs) go to shard 0 only. Several
sessions (several bot processes) can be connected at once.
"""

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
#: A client that takes longer than this to take one event is treated as gone.
SEND_TIMEOUT_S = 10.0


#: Events whose payload is the guild itself (its id is ``id``, not ``guild_id``).
GUILD_SHAPED = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def guild_of(event: str, data: dict[str, Any]) -> int | None:
    """The server an event belongs to, or None (DMs, READY): that decides its shard."""
    raw = data.get("id") if event in GUILD_SHAPED else data.get("guild_id")
    return int(raw) if raw is not None else None


@dataclass
class Session:
    """One bot session (one shard); outlives a dropped socket so the bot can RESUME it."""

    session_id: str
    intents: int
    shard_id: int = 0
    shard_count: int = 1
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def receives(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id


class Gateway:
    def __init__(self, fake: FakeCore) -> None:
        self.fake = fake
        #: The live sessions by shard id (one per shard, whichever process runs it).
        self.sessions: dict[int, Session] = {}
        self.connected = asyncio.Event()
        self.resumed = asyncio.Event()
        self.identify_count = 0
        self.resume_count = 0
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def session(self) -> Session | None:
        """Shard 0's session (the only one when the bot is not sharded)."""
        return self.sessions.get(0) or next(iter(self.sessions.values()), None)

    @property
    def intents(self) -> int:
        session = self.session
        return session.intents if session else 0

    def session_of(self, ws: web.WebSocketResponse) -> Session | None:
        return next((s for s in self.sessions.values() if s.ws is ws), None)

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
            session = self.session_of(ws)
            if session is not None:
                session.ws = None
                if not any(s.ws for s in self.sessions.values()):
                    self.connected.clear()
        return ws

    async def _send(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        if not ws.closed:
            # As Discord writes a frame: compact, event name and sequence number first.
            frame = {"t": payload.get("t"), "s": payload.get("s"), **payload}
            await ws.send_str(json.dumps(frame, separators=(",", ":")))

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
        shard_id, shard_count = (int(n) for n in data.get("shard") or (0, 1))
        if not 0 <= shard_id < shard_count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return
        self.identify_count += 1
        session = Session(
            secrets.token_hex(16), intents, shard_id=shard_id, shard_count=shard_count, ws=ws
        )
        self.sessions[shard_id] = session
        fake = self.fake
        guilds = [g for g in fake.bot_guilds() if session.receives(g.id)]
        await self._send_to(
            session,
            "READY",
            {
                "v": 10,
                "user": fake.bot_user.to_json(),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "resume_gateway_url": fake.gateway_url,
                "application": {"id": str(fake.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "user_settings": {},
                "geo_ordered_rtc_regions": [],
                "session_type": "normal",
                "shard": [shard_id, shard_count],
                "_trace": ["fakediscord"],
            },
        )
        for guild in guilds:
            await self._send_to(session, "GUILD_CREATE", guild.to_json())
        self.connected.set()
        self.fake.notify()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        wanted = data.get("session_id")
        session = next((s for s in self.sessions.values() if s.session_id == wanted), None)
        if session is None:
            await self._send(ws, {"op": 9, "d": False})
            return
        self.resume_count += 1
        since = int(data.get("seq") or 0)
        async with session.lock:
            session.ws = ws
            for payload in session.buffer:
                if payload["s"] > since:
                    await self._send(ws, payload)
        await self._send_to(session, "RESUMED", {"_trace": ["fakediscord"]})
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
        """Send an event to the shard its server is on (DMs: shard 0), buffered for RESUME if
        that shard's socket is down."""
        guild_id = guild_of(event, data)
        for session in list(self.sessions.values()):
            if session.receives(guild_id):
                await self._send_to(session, event, data)

    async def _send_to(self, session: Session, event: str, data: dict[str, Any]) -> None:
        async with session.lock:
            session.seq += 1
            payload = {"op": 0, "t": event, "s": session.seq, "d": data}
            session.buffer.append(payload)
            del session.buffer[:-BUFFER_LIMIT]
            ws = session.ws
            if ws is None:
                return
            try:
                async with asyncio.timeout(SEND_TIMEOUT_S):
                    await self._send(ws, payload)
            except (ConnectionResetError, TimeoutError):
                # The bot's process died (kill -9) or stopped reading: its socket is gone, as
                # Discord would see it; the event stays buffered for a RESUME.
                if session.ws is ws:
                    session.ws = None

    async def drop(
        self, code: int = 4000, *, resumable: bool = True, shard_id: int | None = None
    ) -> None:
        """Close the bot's sockets (or one shard's) as a network hiccup would; the bot should
        RESUME. With ``resumable=False`` the sessions are forgotten too: the RESUME is refused
        (op 9) and the bot must IDENTIFY again, getting a fresh READY (as after an outage)."""
        self.resumed.clear()
        for session in list(self.sessions.values()):
            if shard_id is not None and session.shard_id != shard_id:
                continue
            if not resumable:
                session.session_id = "expired-" + session.session_id
            ws, session.ws = session.ws, None
            if ws is not None:
                await ws.close(code=code, message=b"fakediscord dropped the connection")
        if not any(s.ws for s in self.sessions.values()):
            self.connected.clear()

    async def close_all(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"fakediscord shutting down")
