"""Chat messages wait their turn; slash commands do not.

discord.py parses every gateway event where it reads it: building a `discord.Message` and
starting its handlers costs ~100 µs, so in a flood the reader falls behind and a slash
command (INTERACTION_CREATE) waits behind every chat message sent before it, past Discord's
3 s deadline (bench/flood.py). Here the chat events (created, edited, deleted messages) go
into a FIFO that a worker task parses in short slices, yielding between them; everything else,
interactions included, is still parsed the moment it is read. Chat keeps its order (an edit is
never parsed before its message); only its place relative to commands changes.

A backlog holds many parsed events at once, and the collector's older generations would scan
them all again and again (pauses of 90 ms and more in bench/flood.py, against 30-40 ms without
the queue). While the queue is longer than BACKLOG, those collections wait (the youngest still
runs) and run once it is empty; nearly everything a message makes is freed by reference
counting anyway.

The reader itself also yields every few milliseconds (`pace_reader`): discord.py reads every
frame already buffered before it lets anything else run.

A new message the bot would alert on must not wait behind the backlog (in bench/flood.py's 60k
flood a risky line waited 5-6 s for its turn, and its alert with it). With a `triage` (the bot
passes its pattern scan), the worker first reads each new MESSAGE_CREATE as it arrives, in the
same slices, and parses the ones it flags ahead of the queue; the rest keep their order. Only
creations jump: an edit or deletion always comes after its message, so order per message holds.
The scan is not done twice: the bot keeps each result for the message's handler
(`safety/scanner.py`, `remember`), nor the decoding: a creation the triage read waits decoded,
since the worker parses what it sorted in the same slices (in bench/flood.py's 60k flood at
most ~100 waited sorted while ~40,000 waited unsorted; loop time 138-148 µs a message against
143-163 decoding twice, the same hour).

A chat event waits as the frame Discord sent (`read_frames`): its bytes (~1 KB), decoded only
when its turn comes, not the decoded payload (~5 KB in a hundred small objects). A backlog of
decoded payloads left Python's and glibc's arenas part-used once it drained: two 10k floods in
bench/flood.py kept ~35 MB more resident than the same floods with a backlog of at most 1,000.
The reader takes a frame as Discord writes it (event name, then sequence number, first) without
decoding it; any other frame is read as discord.py reads it, and its chat event waits decoded.
Once a backlog is gone, the allocator hands what it held back to the system (in a thread):
after each of four 10k floods the bot was 243-250 MB, against 255-260 without.

Past PACK_AFTER waiting events, a frame waits compressed (zlib, with the first frame packed
in this backlog as its preset dictionary: what frames share, ids, keys and timestamps, then
costs next to nothing): ~811 bytes as sent, ~105 packed. In bench/flood.py's 60,000 messages
unpaced (a backlog of ~36,000) the bot's highest resident memory went from 275 MB to 247 MB
(runs alternating, the same hour); the price is the reader's time, ~10 µs a frame to pack
and a few to read back, paid only while a backlog is past PACK_AFTER: in that flood the
slowest slash answer went from 0.38-0.59 s to 0.94-1.22 s, alerts posted within 5 s from
503-591 of 748 to 297-378 and the meaning layer's share of the longer messages from 8% to 5%;
in four floods of 10,000 unpaced, 241.4 MB at the highest against 245.6, slash answers within
0.20 s against 0.06. At 3,000 messages a second nothing is packed (the backlog stays short).

The queue is drained before the bot closes (`drain`), so messages already read are still
scanned for safety. What a crash takes with it is what was read and not yet parsed: near
nothing, except during a flood.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import json
import logging
import re
import time
import zlib
from collections.abc import Callable
from typing import Any

from bot.native_memory import return_freed_memory

log = logging.getLogger(__name__)

#: Gateway events parsed by the worker, in the order they were read.
DEFERRED_EVENTS = ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK")
#: How long the worker parses before letting the reader (and everything else) run. Every await
#: of a command (a database read, its HTTP reply) waits one loop turn, and a turn holds a slice
#: plus the handlers the slice started: bench/flood.py (20k messages, patterns only, slowest
#: slash answer) 1.25 s with 4 ms slices, 0.40 s with 1 ms, 0.34 s with 0.5 ms, same msg/s.
SLICE_S = 0.0005
#: What close() gives the queue before it stops parsing and logs what is left.
DRAIN_GRACE_S = 10.0
#: Queued events above which the collector's older generations wait for the queue to empty.
BACKLOG = 500
#: The most events kept waiting (a message's frame is ~1 KB, decoded ~5 KB). At the cap
#: the reader parses the oldest itself before queueing the new one: order is kept, and reading
#: slows to the parsing pace, as it was without the queue. bench/flood.py's 60k unpaced flood
#: leaves a backlog of ~36,000: at 20,000 the reader hit the cap and commands waited behind the
#: socket again (slowest slash answer 0.9-1.2 s in floods 2-4; 0.1-0.3 s at 40,000).
MAX_QUEUED = 40_000
#: Waiting events past which a new chat frame waits compressed (`PackedFrame`): 2,000 frames
#: as sent are ~2 MB. At 5,000 the 60k flood's highest memory was 251-252 MB.
PACK_AFTER = 2_000
#: zlib's window for packed frames (2**12 bytes: a frame and the dictionary fit) and its
#: memory level: a small state, copied for every frame (zlib's defaults are 2**15 and 8).
PACK_WINDOW_BITS = -12  # negative: raw deflate, no header or checksum per frame
PACK_MEM_LEVEL = 4

#: How long discord.py's gateway reader runs before the rest of the loop gets a turn. It reads
#: every frame already buffered without yielding: in a flood, thousands of frames and loop turns
#: of 100-300 ms (bench/flood.py; a watchdog sampling the stalled loop found it in the reader's
#: JSON decoding), with commands' replies and the worker's slices waiting behind them. 2 ms
#: bursts kept the loop lag down but slowed reading (slowest slash answer 1-2 s); 8 ms did both.
READ_BURST_S = 0.008

#: A chat event's frame as Discord writes it: its event name and sequence number first.
CHAT_FRAME = re.compile(
    r'\{"t":"(MESSAGE_CREATE|MESSAGE_UPDATE|MESSAGE_DELETE|MESSAGE_DELETE_BULK)","s":(\d+),"op":0,"d":'
)

Parser = Callable[[dict[str, Any]], None]


class PackedFrame(bytes):
    """A chat frame's bytes compressed with the dictionary its intake held when it came."""

    __slots__ = ()


#: A chat event's data, or its frame's bytes (as sent or packed) while it waits undecoded.
Payload = dict[str, Any] | bytes
#: Whether a MESSAGE_CREATE's payload needs reading first (the bot's pattern scan)
Triage = Callable[[dict[str, Any]], bool]


def pace_reader(ws: Any, burst_s: float = READ_BURST_S) -> None:
    """Makes one gateway connection's reader yield after `burst_s` of reading (wraps the
    connection's `received_message`, which its reader awaits for every frame). Idempotent;
    a new connection (reconnect, resume) needs it again."""
    if ws is None or getattr(ws, "_paced_reader", False):
        return
    read = ws.received_message
    last_yield = time.perf_counter()

    async def received_message(msg: Any, /) -> None:
        nonlocal last_yield
        await read(msg)
        if time.perf_counter() - last_yield >= burst_s:
            await asyncio.sleep(0)
            last_yield = time.perf_counter()

    ws.received_message = received_message
    ws._paced_reader = True


def is_paced(ws: Any) -> bool:
    return bool(getattr(ws, "_paced_reader", False))


class ChatIntake:
    """Defers the chat events of one discord.py connection state to a worker task."""

    def __init__(
        self,
        slice_s: float = SLICE_S,
        backlog: int = BACKLOG,
        max_queued: int = MAX_QUEUED,
        pack_after: int = PACK_AFTER,
    ) -> None:
        self.slice_s = slice_s
        self.backlog = backlog
        self.max_queued = max_queued
        self._gc_held: tuple[int, int, int] | None = None  # the thresholds to restore
        #: Events in the order read; `_unsorted` holds those the triage has not seen yet (after
        #: `_queue`'s), `_urgent` the creations it flagged, parsed first.
        self._queue: collections.deque[tuple[Parser, Payload]] = collections.deque()
        self._unsorted: collections.deque[tuple[Parser, Payload]] = collections.deque()
        self._urgent: collections.deque[tuple[Parser, Payload]] = collections.deque()
        self._parsers: dict[str, Parser] = {}  # the chat events' own parsers, by event
        self.triage: Triage | None = None
        self._create_parser: Parser | None = None  # the wrapped MESSAGE_CREATE parser
        self.jumped = 0  # creations the triage sent ahead (for benches and tests)
        self.undecoded = 0  # chat frames queued undecoded (likewise)
        self._waiting = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._worker: asyncio.Task[None] | None = None
        self._closed = False
        self.pack_after = pack_after
        #: zlib's state with this backlog's preset dictionary read in (its first frame packed),
        #: copied for each frame; kept until the queue is empty, since every packed frame
        #: needs it to be read.
        self._packer: Any = None
        self._unpacker: Any = None
        self.packed = 0  # frames that waited packed (for benches and tests)

    def __len__(self) -> int:
        return len(self._queue) + len(self._unsorted) + len(self._urgent)

    def install(self, parsers: dict[str, Parser]) -> None:
        """Wraps the connection state's parsers (the dict the gateway looks events up in)."""
        for event in DEFERRED_EVENTS:
            parse = parsers.get(event)
            if parse is not None:
                self._parsers[event] = parse
                parsers[event] = self._deferring(parse)
                if event == "MESSAGE_CREATE":
                    self._create_parser = parse

    def _deferring(self, parse: Parser) -> Parser:
        def defer(data: dict[str, Any]) -> None:
            if self._closed:
                parse(data)  # closing: nothing left to wait for the worker
                return
            self._enqueue(parse, data)

        return defer

    def _enqueue(self, parse: Parser, payload: Payload) -> None:
        while len(self) >= self.max_queued:
            self._parse_oldest()
        (self._unsorted if self.triage is not None else self._queue).append((parse, payload))
        self._idle.clear()
        self._waiting.set()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work(), name="chat-intake")

    def read_frames(self, ws: Any) -> None:
        """Makes one gateway connection queue its chat frames undecoded (wraps the
        connection's `received_message`, as `pace_reader` does). Idempotent; a new connection
        needs it again. The reader still does what discord.py does for every frame it reads:
        the sequence number, the keep-alive's tick, the `socket_event_type` event."""
        if ws is None or getattr(ws, "_frames_read_raw", False):
            return
        decompressor = getattr(ws, "_decompressor", None)
        read = ws.received_message

        async def received_message(msg: Any, /) -> None:
            if type(msg) is bytes and decompressor is not None:
                msg = decompressor.decompress(msg)
                if msg is None:  # part of a frame
                    return
            if not (isinstance(msg, str) and self._took_frame(ws, msg)):
                await read(msg)  # a str is not decompressed again

        ws.received_message = received_message
        ws._frames_read_raw = True

    def _took_frame(self, ws: Any, frame: str) -> bool:
        """Queues a chat frame undecoded; False for any other (discord.py reads it)."""
        found = CHAT_FRAME.match(frame)
        if found is None or self._closed:
            return False
        event = found[1]
        parse = self._parsers.get(event)
        listeners = ws._dispatch_listeners  # nearly always empty: no generator per frame then
        if parse is None or (listeners and any(e.event == event for e in listeners)):
            return False  # not deferred here, or someone awaits it on the socket itself
        ws.log_receive(frame)
        ws._dispatch("socket_event_type", event)
        ws.sequence = int(found[2])
        if ws._keep_alive:
            ws._keep_alive.tick()
        self._enqueue(parse, self._pack(frame.encode()))
        self.undecoded += 1
        return True

    def _pack(self, frame: bytes) -> bytes:
        """The frame as it waits: as sent while the queue is short, else compressed."""
        if len(self) < self.pack_after:
            return frame
        if self._packer is None:  # the first frame packed: the dictionary of this backlog
            self._packer = zlib.compressobj(
                1, zlib.DEFLATED, PACK_WINDOW_BITS, PACK_MEM_LEVEL, zdict=frame
            )
            self._unpacker = zlib.decompressobj(PACK_WINDOW_BITS, zdict=frame)
        packer = self._packer.copy()  # the dictionary already read in, not read again
        self.packed += 1
        return PackedFrame(packer.compress(frame) + packer.flush())

    def _data(self, payload: Payload) -> dict[str, Any]:
        """A chat event's data: as queued, or decoded from its frame."""
        if isinstance(payload, dict):
            return payload
        frame = payload
        if isinstance(payload, PackedFrame):
            assert self._unpacker is not None  # kept while anything packed waits
            frame = self._unpacker.copy().decompress(payload)
        data: dict[str, Any] = json.loads(frame)["d"]
        return data

    async def _work(self) -> None:
        while True:
            await self._waiting.wait()
            self._waiting.clear()
            while len(self):
                if self._gc_held is None and len(self) > self.backlog:
                    self._hold_old_generations()
                self._parse_slice()
                await asyncio.sleep(0)  # the reader, commands and handlers run here
            self._packer = self._unpacker = None  # the next backlog has its own dictionary
            if self._gc_held is not None:  # a backlog is gone: what it held goes back too
                self._release_old_generations()
                asyncio.get_running_loop().run_in_executor(None, return_freed_memory)
            self._idle.set()

    def _hold_old_generations(self) -> None:
        self._gc_held = gc.get_threshold()
        young = self._gc_held[0]
        gc.set_threshold(young, 1 << 30, 1 << 30)

    def _release_old_generations(self) -> None:
        if self._gc_held is not None:
            young, middle, old = self._gc_held
            self._gc_held = None
            if gc.get_threshold()[1:] == (1 << 30, 1 << 30):  # nobody changed them meanwhile
                gc.set_threshold(young, middle, old)

    def _parse_slice(self) -> None:
        """Triage what arrived (up to half the slice), then parse: flagged creations first,
        then the rest in the order read."""
        start = time.perf_counter()
        self._sort(start + self.slice_s / 2)
        deadline = start + self.slice_s
        while len(self):
            if not self._urgent and not self._queue:
                self._sort(0.0)  # one more: the worker parses nothing the triage has not seen
            self._parse_oldest()
            if time.perf_counter() >= deadline:
                return

    def _sort(self, deadline: float) -> None:
        triage = self.triage
        while self._unsorted and triage is not None:
            parse, payload = self._unsorted.popleft()
            data = None  # not this event's: an undecodable frame waits as it came
            try:
                data = self._data(payload) if parse is self._create_parser else None
                urgent = data is not None and triage(data)
            except Exception:  # a triage that fails only loses the head start
                log.exception("Could not triage a chat event")
                urgent = False
            if urgent and data is not None:
                self._urgent.append((parse, data))
                self.jumped += 1
            else:  # decoded once (the sorted queue stays short: see the module's docstring)
                self._queue.append((parse, payload if data is None else data))
            if time.perf_counter() >= deadline:
                return

    def _parse_oldest(self) -> None:
        """The next event: a flagged creation, else the oldest read (the triaged ones come
        before the untriaged, which were read after them)."""
        source = self._urgent or self._queue or self._unsorted
        parse, payload = source.popleft()
        try:
            parse(self._data(payload))
        except Exception:  # one odd event must not stop the chat behind it
            log.exception("Could not parse a deferred gateway event")

    async def drain(self, grace: float = DRAIN_GRACE_S) -> int:
        """Parses what is queued (up to `grace` seconds); from now on events are parsed at
        once. Returns how many were left unparsed."""
        self._closed = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace)
        left = len(self)
        if left:
            log.warning("Closing with %d chat events not read yet", left)
            self._queue.clear()
            self._unsorted.clear()
            self._urgent.clear()
        self._packer = self._unpacker = None
        self._release_old_generations()
        if self._worker is not None:
            self._worker.cancel()
        await asyncio.sleep(0)  # handlers the last slice started get going (and hold in-flight)
        return left
