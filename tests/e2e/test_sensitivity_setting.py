"""/setup safety-sensitivity through the real client: a message the meaning layer alone flags
at the default level is no longer flagged once a manager chooses ``quiet``; /setup show says
which level is in force. The message is picked from a labelled set by the shipped head's
probabilities, so the test follows the model when it is retrained."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from test_meaning_layer import SENTINEL, handlers_done, is_alert

from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, StandardGuild, run_bot
from bot.safety.rules import CATEGORIES
from bot.safety.scanner import MeaningLayer, SafetyScanner
from bot.safety_service import alerts
from bot.storage.guilds import get_settings, update_settings

SAFETY = Path(__file__).resolve().parents[1] / "safety"
#: The fine-tuned model scores nearly every line near 0 or 1, so lines between two levels are
#: rare: the urgent training sets hold two.
SOURCES = (SAFETY / "firstlook" / "urgent_12b.jsonl", *sorted((SAFETY / "urgent").glob("*.jsonl")))


def flagged_at_balanced_by_meaning_only(scanner: SafetyScanner) -> str:
    """A line the patterns pass and the meaning layer flags at ``balanced`` but not at
    ``quiet``: every category it adds lies between the two thresholds."""
    layer = scanner.meaning
    assert isinstance(layer, MeaningLayer)
    head, patterns = layer.head, scanner.detector
    quiet, balanced = head.thresholds_for("quiet"), head.thresholds_for("balanced")
    lines = [line for path in SOURCES for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if not line.strip():
            continue
        text = json.loads(line)["text"]
        found, norm = patterns.scan_normalized(text)
        if found.flagged or not scanner._readable(norm):
            continue
        vectors = layer.encoder.encode([norm])
        probs, share = head.probabilities(vectors), head.neighbour_share(vectors)[0]
        proposed = {
            c
            for col, c in enumerate(CATEGORIES)
            if share[col] >= head.agreement
            and float(probs[c][0]) >= balanced[c]
            and not patterns.excluded(norm, c)
        }
        if proposed and all(float(probs[c][0]) < quiet[c] for c in proposed):
            return text
    raise AssertionError("no line is flagged at balanced and not at quiet")


async def test_quiet_stops_a_flag_the_meaning_layer_raised_at_balanced(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    text = flagged_at_balanced_by_meaning_only(bot.scanner)
    await update_settings(bot.db, world.guild.id, alerts_channel_id=world.mod_alerts.id)

    said = await fake.send_message(world.general, world.you, text)  # balanced, the default
    alert_post = await fake.wait_for_message(world.mod_alerts, is_alert)
    assert f"/{said.id}" in alert_post.text
    await handlers_done()

    chosen = await fake.slash(
        "setup safety-sensitivity", {"level": "quiet"}, world.owner, "general"
    )
    reply = await chosen.response()
    assert reply.ephemeral and reply.message is not None
    assert "Saved" in reply.message.text and "balanced" in reply.message.text
    assert "quiet (fewer false alarms" in reply.message.text
    assert (await get_settings(bot.db, world.guild.id)).safety_sensitivity == "quiet"

    again = await fake.send_message(world.general, world.you, text)  # now quiet
    sentinel = await fake.send_message(world.general, world.mod, SENTINEL)
    sentinel_alert = await fake.wait_for_message(
        world.mod_alerts, lambda m: is_alert(m) and f"/{sentinel.id}" in m.text
    )
    assert sentinel_alert is not None
    await handlers_done()
    flagged = {a.message_id for a in await alerts.unresolved(bot.db, world.guild.id)}
    assert flagged == {said.id, sentinel.id} and again.id not in flagged

    shown = await fake.slash("setup show", None, world.owner, "general")
    summary = (await shown.response()).message
    assert summary is not None and "Safety sensitivity" in summary.text
    assert "quiet (fewer false alarms" in summary.text


async def test_the_level_survives_a_restart(
    fake: FakeDiscord, world: StandardGuild, make_bridgeline: Callable[..., Bridgeline]
) -> None:
    async with run_bot(make_bridgeline(), fake) as bot:
        assert bot.scanner.level_of(world.guild.id) == "balanced"
        chosen = await fake.slash(
            "setup safety-sensitivity", {"level": "sensitive"}, world.owner, "general"
        )
        await chosen.response()
        assert bot.scanner.level_of(world.guild.id) == "sensitive"
    async with run_bot(make_bridgeline(), fake) as again:
        assert again.scanner.level_of(world.guild.id) == "sensitive"
        assert again.scanner.level_of(world.guild.id + 1) == "balanced"
