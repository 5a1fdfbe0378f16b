"""The sandbox, driven by a script on a StringIO, with the minimal bot."""

from __future__ import annotations

import io
from typing import Any

import pytest

from bot.fakediscord import sandbox
from bot.fakediscord.render import render_modal
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


async def test_click_acts_on_the_message_just_read_and_never_on_someone_elses(
    make_bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`:read` then `:click` presses a button of what was read; after `:as`, another person's
    private message is no longer the one `:click` would press."""
    monkeypatch.setattr(sandbox, "QUIET_SECONDS", 0.05)
    script = "/confirm\n:as mod\n/confirm\n:as you\n:click 1\n:read general\n:click 1\n"
    out = io.StringIO()
    code = await run_sandbox(make_bot, stdin=io.StringIO(script), stdout=out, interactive=False)
    text = out.getvalue()
    assert code == 0
    after_as = text.split("(you are now you)", 1)[1]
    assert "error: no bot message with buttons or menus shown yet" in after_as
    assert "Not your button." not in text
    assert "Confirmed." in after_as.split(":read general", 1)[1]


def test_a_form_shows_its_text_as_well_as_its_fields() -> None:
    modal = {
        "title": "Check in",
        "components": [
            {"type": 10, "content": "**Today's prompt**:\nWhat helped today?"},
            {"type": 18, "label": "Mood", "component": {"type": 4, "custom_id": "mood"}},
        ],
    }
    assert render_modal(modal) == [
        "[form] Check in",
        "  **Today's prompt**:",
        "  What helped today?",
        "  - Mood (mood, required)",
        '  answer with :submit field="your text" ...',
    ]


async def test_an_unexpected_error_is_summarised_and_the_session_goes_on(
    make_bot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(sandbox, "QUIET_SECONDS", 0.05)

    def boom(box: Sandbox, args: list[str]) -> None:
        raise RuntimeError("internal detail that means nothing to a person")

    out = io.StringIO()
    log_file = tmp_path / "sandbox.log"
    script = ":boom\n/ping\n:click m9 1\n:as nobody\n:submit oops\n:channel\n:menu Name 12x\n:channel mod-alerts\n"
    code = await run_sandbox(make_bot, stdin=io.StringIO(script), stdout=out, interactive=False,
                             extra_commands={"boom": boom}, log_file=log_file)  # fmt: skip
    text = out.getvalue()
    assert code == 0
    assert f"error: that didn't work: RuntimeError (details in {log_file})" in text
    assert "internal detail" not in text and "Traceback" not in text
    assert "pong" in text  # the session went on
    assert "error: no message m9" in text
    assert "error: usage: :as member|mod|owner" in text
    assert "error: usage: :submit field=value" in text and "error: usage: :channel" in text
    assert "error: no message 12x that you can see" in text
    assert "list index" not in text and "dictionary update" not in text
    assert "(you cannot see #mod-alerts)" in text and "you@#mod-alerts" not in text


async def test_click_targets_a_message_by_its_ref_and_says_which(
    make_bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "QUIET_SECONDS", 0.05)
    script = "/confirm\n/ping\n/confirm\n:click m1 1\n"
    out = io.StringIO()
    assert await run_sandbox(make_bot, stdin=io.StringIO(script), stdout=out,
                             interactive=False) == 0  # fmt: skip
    text = out.getvalue()
    assert "(m1: :click N m1)" in text and "(m2: :click N m2)" in text
    assert "(on m1: Bridgeline in #general: 'Are you sure?')" in text
    assert text.count("Confirmed.") == 1


async def test_the_same_server_ids_come_back_from_a_saved_world(tmp_path: Any) -> None:
    from bot.fakediscord import FakeDiscord
    from bot.fakediscord.sandbox import _load_ids, _save_ids
    from bot.fakediscord.state import replay_ids

    async def build(saved: list[int]) -> tuple[list[int], list[int]]:
        with replay_ids(saved) as used:
            fake = FakeDiscord()
        async with fake:
            with replay_ids(saved[len(used) :]) as more:
                world = await fake.standard_guild()
            ids = [world.guild.id, world.general.id, world.check_ins.id, world.mod_alerts.id,
                   world.moderator_role.id, world.you.user.id, world.owner.user.id]  # fmt: skip
            return [*used, *more], ids

    first, ids = await build([])
    path = tmp_path / "world.json"
    _save_ids(path, first)
    again, same = await build(_load_ids(path))
    assert same == ids and again == first
    path.write_text("not json")
    assert _load_ids(path) == []
