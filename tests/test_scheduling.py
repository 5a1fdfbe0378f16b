"""Time math for daily prompts: local time kept across DST, gaps, folds and odd offsets."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling import (
    latest_slot,
    load_zone,
    next_slot,
    parse_stamp,
    parse_time_of_day,
    slot_instant,
    stamp,
    utc_offset_label,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
ADELAIDE = ZoneInfo("Australia/Adelaide")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9, 0)),
        ("9:30", time(9, 30)),
        ("21.15", time(21, 15)),
        ("7pm", time(19, 0)),
        ("12am", time(0, 0)),
        ("12:30 PM", time(12, 30)),
        (" 0:05 ", time(0, 5)),
    ],
)
def test_times_of_day_are_read_leniently(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:60", "13pm", "noon", "", "9:5"])
def test_impossible_times_are_refused_with_a_hint(text: str) -> None:
    with pytest.raises(ValueError, match=r"time of day|1 to 12"):
        parse_time_of_day(text)


def test_unknown_zone_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        load_zone("Mars/Olympus_Mons")
    with pytest.raises(ValueError):
        load_zone("../etc/passwd")


def test_london_keeps_nine_oclock_across_both_changes() -> None:
    days = [date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 24), date(2026, 10, 25)]
    instants = [slot_instant(d, time(9), LONDON) for d in days]
    assert instants == [utc(2026, 3, 28, 9), utc(2026, 3, 29, 8), utc(2026, 10, 24, 8),
                        utc(2026, 10, 25, 9)]  # fmt: skip
    assert all(i.astimezone(LONDON).time() == time(9) for i in instants)


def test_new_york_keeps_nine_oclock_across_both_changes() -> None:
    assert slot_instant(date(2026, 3, 7), time(9), NEW_YORK) == utc(2026, 3, 7, 14)
    assert slot_instant(date(2026, 3, 8), time(9), NEW_YORK) == utc(2026, 3, 8, 13)
    assert slot_instant(date(2026, 10, 31), time(9), NEW_YORK) == utc(2026, 10, 31, 13)
    assert slot_instant(date(2026, 11, 1), time(9), NEW_YORK) == utc(2026, 11, 1, 14)


def test_a_time_in_the_spring_gap_posts_when_the_clocks_jump() -> None:
    # 01:30 does not exist in London on 29 March 2026: clocks go 01:00 GMT -> 02:00 BST.
    assert slot_instant(date(2026, 3, 29), time(1, 30), LONDON) == utc(2026, 3, 29, 1)
    # 02:30 does not exist in New York on 8 March 2026: 02:00 EST -> 03:00 EDT (07:00 UTC).
    assert slot_instant(date(2026, 3, 8), time(2, 30), NEW_YORK) == utc(2026, 3, 8, 7)
    # Adelaide (+09:30 -> +10:30) skips 02:00-03:00 on 4 October 2026.
    assert slot_instant(date(2026, 10, 4), time(2, 15), ADELAIDE) == utc(2026, 10, 3, 16, 30)


def test_a_repeated_autumn_time_posts_at_its_first_occurrence() -> None:
    # 01:30 happens twice in London on 25 October 2026: first at BST (00:30 UTC).
    assert slot_instant(date(2026, 10, 25), time(1, 30), LONDON) == utc(2026, 10, 25, 0, 30)
    assert slot_instant(date(2026, 11, 1), time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)
    # Adelaide repeats 02:00-03:00 on 5 April 2026; first occurrence is at +10:30.
    assert slot_instant(date(2026, 4, 5), time(2, 30), ADELAIDE) == utc(2026, 4, 4, 16)


def test_half_hour_offsets() -> None:
    assert slot_instant(date(2026, 6, 1), time(9), KOLKATA) == utc(2026, 6, 1, 3, 30)
    assert slot_instant(date(2026, 6, 1), time(9), ADELAIDE) == utc(2026, 5, 31, 23, 30)
    assert slot_instant(date(2026, 12, 1), time(9), ADELAIDE) == utc(2026, 11, 30, 22, 30)
    assert utc_offset_label(utc(2026, 6, 1), KOLKATA) == "UTC+05:30"
    assert utc_offset_label(utc(2026, 6, 1), NEW_YORK) == "UTC-04:00"
    assert utc_offset_label(utc(2026, 1, 1), LONDON) == "UTC"


def test_a_skipped_calendar_day_still_gets_one_post() -> None:
    # Samoa skipped 30 December 2011 entirely; that day's post falls at the jump, before 31st's.
    apia = ZoneInfo("Pacific/Apia")
    skipped = slot_instant(date(2011, 12, 30), time(9), apia)
    following = slot_instant(date(2011, 12, 31), time(9), apia)
    assert skipped == utc(2011, 12, 30, 10)
    assert skipped < following


def test_next_and_latest_slot_walk_days_in_local_time() -> None:
    at = time(9)
    # 07:30 UTC on the spring-change day is 08:30 BST: today's 09:00 is still ahead.
    nxt = next_slot(utc(2026, 3, 29, 7, 30), at, LONDON)
    assert (nxt.day, nxt.instant) == (date(2026, 3, 29), utc(2026, 3, 29, 8))
    # Exactly at the slot, "next" is tomorrow and "latest" is today.
    assert next_slot(utc(2026, 3, 29, 8), at, LONDON).day == date(2026, 3, 30)
    assert latest_slot(utc(2026, 3, 29, 8), at, LONDON).day == date(2026, 3, 29)
    # Kolkata at 02:00 UTC: 07:30 local, latest post was yesterday's.
    assert latest_slot(utc(2026, 6, 1, 2), at, KOLKATA).day == date(2026, 5, 31)


def test_consecutive_slots_are_a_day_apart_in_local_time_all_year() -> None:
    for zone in (LONDON, NEW_YORK, KOLKATA, ADELAIDE):
        moment = utc(2026, 1, 1)
        for _ in range(366):
            slot = next_slot(moment, time(9, 30), zone)
            assert slot.instant.astimezone(zone).time() == time(9, 30)
            assert slot.instant.astimezone(zone).date() == slot.day
            if moment != utc(2026, 1, 1):
                assert slot.instant - moment in (timedelta(hours=h) for h in (23, 24, 25))
            moment = slot.instant


def test_stamps_round_trip_in_utc() -> None:
    moment = datetime(2026, 3, 29, 9, 0, 5, 123, tzinfo=LONDON)
    assert stamp(moment) == "2026-03-29T08:00:05Z"
    assert parse_stamp(stamp(moment)) == moment.replace(microsecond=0)
