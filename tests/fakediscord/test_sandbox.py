"""The sandbox, driven by a script on a StringIO, with the minimal bot."""

from __future__ import annotations

import io
from typing import Any

import pytest

from bot.fakediscord import sandbox
from bot.fakediscord.sandbox import Sandbox, run_sandbox

SCRIPT = """\
/ping
/strategy show name:"two words"
!hello
/confirm
:click 2
:submit what="it was quiet" "Anything else=fine"
/confirm
:select 1 calm
:as mod
/whois member:@you
:channel mod-alerts
:read general
:bogus
/strategy show
:tick 5m
:channel dm
/strategy show name:boundaries
:as member
:read dm
:quit
/ping
"""


async def test_scripted_session_transcript(make_bot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "QUIET_SECONDS", 0.05)
    ticks: list[list[str]] = []

    async def tick(box: Sandbox, args: list[str]) -> None:
        ticks.append(args)
        box.write(f"(time moves on by {args[0]})")

    out = io.StringIO()
    code = await run_sandbox(
        make_bot,
        stdin=io.StringIO(SCRIPT),
        stdout=out,
        interactive=False,
        extra_commands={"tick": tick},
    )
    text = out.getvalue()
    assert code == 0
    assert "you@#general> /ping" in text
    assert "#general | Bridgeline:\n  pong" in text
    assert "(only you can see this)" in text and "** Two Words **" in text
    assert "│ Try:" in text and "strategy" in text
    assert "hello you" in text
    assert "[1 Yes] [2 No]" in text
    assert "[form] Tell us more" in text and "What happened (what, required)" in text
    assert "Thanks: it was quiet" in text
    assert "Mood: calm" in text
    assert "(you are now mod)" in text and "you mod=False" in text
    assert "(now in #mod-alerts)" in text
    assert "unknown command :bogus" in text
    assert "error: option 'name' is required" in text
    assert ticks == [["5m"]] and "(time moves on by 5m)" in text
    assert "(now in your DMs with the bot)" in text and "mod@dm> /strategy show" in text
    assert "DM to mod | Bridgeline (only you can see this):" in text and "** Boundaries **" in text
    assert "you@dm> :read dm" in text
    assert text.count("> /ping") == 1  # nothing after :quit runs


async def test_sandbox_reports_invalid_requests(
    make_bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "QUIET_SECONDS", 0.05)
    out = io.StringIO()
    code = await run_sandbox(
        make_bot, stdin=io.StringIO("/long size:2500\n"), stdout=out, interactive=False
    )
    assert code == 1
    assert "!! Discord would reject this:" in out.getvalue()
