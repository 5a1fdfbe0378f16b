"""`bridgeline sandbox` driven by a script on stdin, as another program (or a person with a
pipe) would: the real bot, the fake Discord, the sandbox clock and the transcript."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """\
/strategy show strategy:boundaries
:click 3
:as owner
/setup checkin-channel channel:check-ins
:as you
:channel check-ins
/checkin new
:submit checkin:mood=4 "checkin:body=a quiet day, ping @everyone"
:click 1
:tick 2m
:read check-ins
:quit
"""


def test_a_scripted_session_prints_a_readable_transcript(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--data-dir", str(tmp_path / "data")],
        input=SCRIPT,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=90,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    assert "Traceback" not in result.stderr
    assert "Boundaries around silence" in out
    assert "(only you can see this)" in out
    assert "2/3" in out  # the Next button paged the strategy
    assert "Clock moved to" in out
    # the anonymous post reached #check-ins as the bot, with the mention defused
    public = out.split(":read check-ins", 1)[1]
    assert "#check-ins | Bridgeline:" in public
    assert "Anonymous check-in" in public
    assert "@\u200beveryone" in public
