"""The chat intake: chat events wait in order, everything else is parsed at once, and closing
parses what was read (bot/gateway_intake.py). The flood figures are in bench/flood.py."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import time
import zlib
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket, EventListener

from bot import gateway_intake
from bot.gateway_intake import ChatIntake, is_paced, pace_reader

pytestmark = pytest.mark.asyncio


def recording_parsers(log: list[str]) -> dict[str, Any]:
    def parser(event: str) -> Any:
        return lambda data: log.append(f"{event}:{data['n']}")

    names = ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "INTERACTION_CREATE")
    return {name: parser(name) for name in names}


def recording_intake(parsed: list[str], **options: Any) -> tuple[ChatIntake, dict[str, Any]]:
    """A chat intake installed on `recording_parsers` (each event parsed is logged in
    `parsed`), and those parsers."""
    parsers = recording_parsers(parsed)
    intake = ChatIntake(**options)
    intake.install(parsers)
    return intake, parsers


async def test_interactions_are_parsed_at_once_and_chat_later_in_order() -> None:
    parsed: list[str] = []
    intake, parsers = recording_intake(parsed)
    parsers["MESSAGE_CREATE"]({"n": 1})
    parsers["MESSAGE_UPDATE"]({"n": 1})
    parsers["INTERACTION_CREATE"]({"n": 2})
    assert parsed == ["INTERACTION_CREATE:2"]  # the command did not wait for the chat
    assert len(intake) == 2
    assert await intake.drain() == 0
    assert parsed == ["INTERACTION_CREATE:2", "MESSAGE_CREATE:1", "MESSAGE_UPDATE:1"]


async def test_the_worker_lets_other_work_run_between_slices() -> None:
    parsed: list[str] = []
    intake, parsers = recording_intake(parsed, slice_s=0.0)  # one event a slice
    for n in range(5):
        parsers["MESSAGE_CREATE"]({"n": n})

    async def command() -> None:
        parsers["INTERACTION_CREATE"]({"n": 99})

    await asyncio.sleep(0)  # the worker starts: one slice
    await asyncio.create_task(command())
    await intake.drain()
    where = parsed.index("INTERACTION_CREATE:99")
    assert 0 < where < 5, parsed  # between the chat events, not after all of them
    assert [p for p in parsed if p.startswith("MESSAGE")] == [
        f"MESSAGE_CREATE:{n}" for n in range(5)
    ]


async def test_a_bad_event_is_logged_and_the_chat_behind_it_still_parsed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    parsed: list[str] = []
    intake, parsers = recording_intake(parsed)
    parsers["MESSAGE_CREATE"]({})  # no "n": the parser raises
    parsers["MESSAGE_CREATE"]({"n": 2})
    with caplog.at_level(logging.ERROR):
        await intake.drain()
    assert parsed == ["MESSAGE_CREATE:2"]
    assert "Could not parse a deferred gateway event" in caplog.text


async def test_closing_parses_what_fits_the_grace_and_says_how_much_is_left(
    caplog: pytest.LogCaptureFixture,
) -> None:
    parsed: list[int] = []

    def slow_parse(data: dict[str, Any]) -> None:
        time.sleep(0.02)
        parsed.append(data["n"])

    intake = ChatIntake(slice_s=0.0)
    parsers: dict[str, Any] = {"MESSAGE_CREATE": slow_parse}
    intake.install(parsers)
    for n in range(50):
        parsers["MESSAGE_CREATE"]({"n": n})
    with caplog.at_level(logging.WARNING):
        left = await intake.drain(grace=0.1)
    assert 0 < left < 50 and len(parsed) + left == 50
    assert parsed == list(range(len(parsed)))
    assert f"Closing with {left} chat events not read yet" in caplog.text
    parsers["MESSAGE_CREATE"]({"n": 99})  # after closing: parsed at once
    assert parsed[-1] == 99


async def test_a_backlog_holds_the_older_collections_until_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trimmed = asyncio.Event()  # and once it is parsed, the allocator hands back what it held
    monkeypatch.setattr(gateway_intake, "return_freed_memory", trimmed.set)
    seen: list[tuple[int, int, int]] = []
    before = gc.get_threshold()
    intake = ChatIntake(slice_s=0.0, backlog=3)
    parsers: dict[str, Any] = {"MESSAGE_CREATE": lambda data: seen.append(gc.get_threshold())}
    intake.install(parsers)
    try:
        for n in range(10):
            parsers["MESSAGE_CREATE"]({"n": n})
        await intake.drain()
    finally:
        gc.set_threshold(*before)
    held = (before[0], 1 << 30, 1 << 30)
    assert seen[0] == held  # ten waiting: the older generations wait
    assert gc.get_threshold() == before  # and collect again once the queue is empty
    await asyncio.wait_for(trimmed.wait(), 30)


async def test_a_short_queue_leaves_the_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[None] = []
    monkeypatch.setattr(gateway_intake, "return_freed_memory", lambda: trims.append(None))
    seen: list[tuple[int, int, int]] = []
    intake = ChatIntake(backlog=3)
    parsers: dict[str, Any] = {"MESSAGE_CREATE": lambda data: seen.append(gc.get_threshold())}
    intake.install(parsers)
    parsers["MESSAGE_CREATE"]({"n": 1})
    await intake.drain()
    assert seen == [gc.get_threshold()]
    assert trims == []  # nor the allocator


async def test_at_the_cap_the_reader_parses_the_oldest_itself_and_keeps_the_order() -> None:
    parsed: list[str] = []
    intake, parsers = recording_intake(parsed, max_queued=3)
    for n in range(5):
        parsers["MESSAGE_CREATE"]({"n": n})
    assert parsed == ["MESSAGE_CREATE:0", "MESSAGE_CREATE:1"]  # no more than 3 wait
    assert len(intake) == 3
    await intake.drain()
    assert parsed == [f"MESSAGE_CREATE:{n}" for n in range(5)]


class BufferedSocket:
    """Stands in for a discord.py gateway connection whose frames are all buffered already:
    its reader awaits `received_message` for each and never suspends on its own."""

    def __init__(self) -> None:
        self.read: list[int] = []

    async def received_message(self, msg: int, /) -> None:
        self.read.append(msg)


async def test_a_paced_reader_lets_other_work_run_between_bursts() -> None:
    ws = BufferedSocket()
    seen: list[int] = []  # frames read when the command got its turn

    async def reader() -> None:
        for n in range(3):
            await ws.received_message(n)

    async def command() -> None:
        seen.append(len(ws.read))

    asyncio.get_running_loop().create_task(command())
    await reader()
    await asyncio.sleep(0)
    assert seen == [3]  # unpaced: the whole buffer first

    ws.read.clear()
    pace_reader(ws, burst_s=0.0)  # a burst of one frame
    wrapped = ws.received_message
    pace_reader(ws, burst_s=0.0)  # a second call (on_connect, then on_resumed) changes nothing
    assert ws.received_message is wrapped and is_paced(ws)
    asyncio.get_running_loop().create_task(command())
    await reader()
    assert seen == [3, 1]  # the command ran after the first frame
    assert ws.read == [0, 1, 2]  # every frame still read, in order


async def test_a_flagged_new_message_is_parsed_ahead_of_the_backlog_and_the_rest_keep_order() -> (
    None
):
    parsed: list[str] = []
    intake, parsers = recording_intake(
        parsed, slice_s=60.0
    )  # one slice: the triage sees everything first
    intake.triage = lambda data: data["n"] in (3, 7)  # stands in for the pattern scan
    for n in range(6):
        parsers["MESSAGE_CREATE"]({"n": n})
    parsers["MESSAGE_UPDATE"]({"n": 7})  # an edit never jumps, even one the triage would flag
    parsers["MESSAGE_CREATE"]({"n": 7})
    assert len(intake) == 8
    await intake.drain()
    assert parsed[:2] == ["MESSAGE_CREATE:3", "MESSAGE_CREATE:7"]
    assert parsed[2:] == [
        "MESSAGE_CREATE:0",
        "MESSAGE_CREATE:1",
        "MESSAGE_CREATE:2",
        "MESSAGE_CREATE:4",
        "MESSAGE_CREATE:5",
        "MESSAGE_UPDATE:7",
    ]
    assert intake.jumped == 2


async def test_a_failing_triage_is_logged_and_the_message_keeps_its_place(
    caplog: pytest.LogCaptureFixture,
) -> None:
    parsed: list[str] = []
    intake, parsers = recording_intake(parsed, slice_s=60.0)

    def triage(data: dict[str, Any]) -> bool:
        if data["n"] == 1:
            raise ValueError("odd payload")
        return data["n"] == 2

    intake.triage = triage
    for n in range(3):
        parsers["MESSAGE_CREATE"]({"n": n})
    with caplog.at_level(logging.ERROR):
        await intake.drain()
    assert parsed == ["MESSAGE_CREATE:2", "MESSAGE_CREATE:0", "MESSAGE_CREATE:1"]
    assert "Could not triage a chat event" in caplog.text


def discord_frame(
    event: str, seq: int, data: dict[str, Any], *, discords_order: bool = True
) -> str:
    """A dispatch frame: as Discord writes it (event name and sequence number first), or with
    its keys in another order."""
    if discords_order:
        return json.dumps({"t": event, "s": seq, "op": 0, "d": data}, separators=(",", ":"))
    return json.dumps({"op": 0, "d": data, "s": seq, "t": event})


def gateway_socket(parsers: dict[str, Any], dispatched: list[tuple[Any, ...]]) -> Any:
    """discord.py's own gateway connection, without a socket: `received_message` is fed
    frames by the test."""
    ws = DiscordWebSocket(None, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    ws._discord_parsers = parsers
    ws._dispatch = lambda *args: dispatched.append(args)
    ws.shard_id = None
    return ws


async def test_chat_frames_wait_undecoded_and_every_other_frame_is_read_as_discord_py_does() -> (
    None
):
    parsed: list[str] = []
    intake, parsers = recording_intake(parsed)
    dispatched: list[tuple[Any, ...]] = []
    ws = gateway_socket(parsers, dispatched)
    intake.read_frames(ws)
    wrapped = ws.received_message
    intake.read_frames(ws)  # on_connect, then on_resumed: still one wrapper
    assert ws.received_message is wrapped

    zlib_stream = zlib.compressobj()  # discord.py's default transport compression
    compressed = zlib_stream.compress(
        discord_frame("MESSAGE_CREATE", 4, {"n": 4}).encode()
    ) + zlib_stream.flush(zlib.Z_SYNC_FLUSH)
    await ws.received_message(discord_frame("MESSAGE_CREATE", 1, {"n": 1}))
    await ws.received_message(discord_frame("INTERACTION_CREATE", 2, {"n": 2}))
    await ws.received_message(discord_frame("MESSAGE_UPDATE", 3, {"n": 1}, discords_order=False))
    await ws.received_message(compressed[:5])  # part of a frame: nothing yet
    assert ws.sequence == 3
    await ws.received_message(compressed[5:])

    assert parsed == ["INTERACTION_CREATE:2"]  # the command at once, the chat waits
    assert intake.undecoded == 2  # the two frames in Discord's order; the other decoded
    assert ws.sequence == 4  # for heartbeats and RESUME, as discord.py keeps it
    assert [args[1] for args in dispatched if args[0] == "socket_event_type"] == [
        "MESSAGE_CREATE",
        "INTERACTION_CREATE",
        "MESSAGE_UPDATE",
        "MESSAGE_CREATE",
    ]
    await intake.drain()
    assert parsed == [
        "INTERACTION_CREATE:2",
        "MESSAGE_CREATE:1",
        "MESSAGE_UPDATE:1",
        "MESSAGE_CREATE:4",
    ]
    await ws.received_message(discord_frame("MESSAGE_CREATE", 5, {"n": 5}))
    assert parsed[-1] == "MESSAGE_CREATE:5"  # closed: read at once, by discord.py
    assert intake.undecoded == 2


async def test_an_undecoded_frame_is_triaged_and_a_broken_one_costs_only_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    parsed: list[str] = []
    intake, parsers = recording_intake(
        parsed, slice_s=60.0
    )  # one slice: the triage sees everything first
    ws = gateway_socket(parsers, [])
    intake.read_frames(ws)
    intake.triage = lambda data: data["n"] == 3
    for n in range(5):
        await ws.received_message(discord_frame("MESSAGE_CREATE", n + 1, {"n": n}))
    await ws.received_message('{"t":"MESSAGE_CREATE","s":6,"op":0,"d":{"n":')  # cut short
    await ws.received_message(discord_frame("MESSAGE_CREATE", 7, {"n": 7}))
    assert intake.undecoded == 7
    with caplog.at_level(logging.ERROR):
        await intake.drain()
    assert parsed == [f"MESSAGE_CREATE:{n}" for n in (3, 0, 1, 2, 4, 7)]
    assert intake.jumped == 1
    assert "Could not parse a deferred gateway event" in caplog.text


async def test_a_chat_event_awaited_on_the_socket_is_read_by_discord_py() -> None:
    """discord.py lets code await an event on the connection itself (`wait_for` on the socket):
    such a frame is decoded by discord.py, which settles the wait, and still waits its turn."""
    parsed: list[str] = []
    intake, parsers = recording_intake(parsed)
    ws = gateway_socket(parsers, [])
    intake.read_frames(ws)
    awaited = asyncio.get_running_loop().create_future()
    ws._dispatch_listeners.append(
        EventListener(lambda data: data["n"] == 1, "MESSAGE_CREATE", None, awaited)
    )
    await ws.received_message(discord_frame("MESSAGE_CREATE", 1, {"n": 1}))
    assert awaited.done() and awaited.result() == {"n": 1}
    assert intake.undecoded == 0 and len(intake) == 1
    await intake.drain()
    assert parsed == ["MESSAGE_CREATE:1"]


async def test_past_a_long_backlog_frames_wait_packed_and_read_back_whole() -> None:
    """A backlog past `pack_after` keeps its frames compressed (bench/flood.py: the bot's
    memory in a long backlog); every event still arrives whole and in order, the triage reads
    packed frames too, and the next backlog packs with a dictionary of its own."""
    parsed: list[str] = []
    intake, parsers = recording_intake(parsed, pack_after=2)
    ws = gateway_socket(parsers, [])
    intake.read_frames(ws)
    intake.triage = lambda data: data["n"] == 4
    text = "a long message about the week " * 20
    for n in range(6):
        frame = discord_frame("MESSAGE_CREATE", n + 1, {"n": n, "content": f"{n} {text}"})
        await ws.received_message(frame)
    assert intake.packed == 4  # the first two waited as sent
    await intake.drain()
    assert parsed == [f"MESSAGE_CREATE:{n}" for n in (4, 0, 1, 2, 3, 5)]

    contents: list[str] = []
    intake = ChatIntake(pack_after=1)
    parsers = {"MESSAGE_CREATE": lambda data: contents.append(data["content"])}
    intake.install(parsers)
    ws = gateway_socket(parsers, [])
    intake.read_frames(ws)
    sent = []
    for backlog in ("first", "second"):
        for n in range(3):
            sent.append(f"{backlog} backlog, message {n}: {text}")
            await ws.received_message(discord_frame("MESSAGE_CREATE", n + 1, {"content": sent[-1]}))
        assert intake._packer is not None
        await asyncio.wait_for(intake._idle.wait(), 10)  # the worker read this backlog
        assert intake._packer is None  # no message's text kept as a dictionary once it is read
    assert contents == sent
    assert intake.packed == 4
    await intake.drain()
