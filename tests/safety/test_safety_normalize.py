"""The normaliser undoes disguises, keeps benign text intact, and maps offsets back."""

import os
import subprocess
import sys

import pytest

from bot.safety.detector import Detector
from bot.safety.normalize import normalize, normalize_with_map

ZW = "\u200b"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I WANT", "i want"),
        (f"k{ZW}i{ZW}l{ZW}l", "kill"),  # zero-width characters dropped
        (f"she{ZW}reads{ZW}my{ZW}texts", "she reads my texts"),  # ... unless they are the gaps
        (f"i want to k{ZW}i{ZW}l{ZW}l myself", "i want to kill myself"),
        ("ѕuісіdе", "suicide"),  # Cyrillic look-alikes
        ("hαrm", "harm"),  # Greek look-alike
        ("k!ll mys3lf", "kill myself"),  # leetspeak between letters
        ("h e l p  t h e m", "help them"),  # spaced letters joined, words kept apart
        ("d.y.i.n.g", "dying"),  # dotted letters joined
        ("nooooo wayyyy", "no way"),  # runs of 3+ letters squeezed
        ("don\u2019t", "dont"),  # curly apostrophe inside a word
        ("\u201cquote\u201d", '"quote"'),
        ("gewürgt", "gewurgt"),  # accents stripped
        ("ﬁne", "fine"),  # NFKC compatibility form
        ("i w a n t t o d i e", "i want to die"),  # no visible word gaps: known words
        ("i w a n t  t o  d i e", "i want to die"),  # wider gaps separate words
        ("kill m e", "kill me"),  # two spaced letters join when they make a word
        ("i d0nt w4nt t0 b3 h3r3", "i dont want to be here"),  # leet at word edges
        ("4g41n", "again"),
        ("diieeee", "die"),  # stretched word with a hidden double letter
        ("killlll", "kill"),
        ("goooodbye", "goodbye"),
    ],
)
def test_disguises_are_undone(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "benign",
    [
        "im 27 and on my 4th try",
        "2-3 days",
        "skilled worker",
        "a b",
        "e.g. this",
        "$50 at 3pm",
        "back at 10pm, 2nd shift",
    ],
)
def test_ordinary_text_keeps_its_words(benign: str) -> None:
    assert normalize(benign) == benign.lower()


SAMPLES = [
    "plain ascii text, nothing to see",
    f"he c{ZW}h{ZW}o{ZW}k{ZW}e{ZW}d me",
    "kіll mуѕеlf tonight",
    "soooo   tired",
    "me + ⚰️ = peace",
    "p u s h e d",
    "i don't know, it's fine",
    "ÉCOLE ﬁnale ǅ",
    "i w a n t  t o  d i e",
    "he g1v3s m3 th3 s1l3nt tr34tm3nt",
    "noooo one would miss me, diieeee",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_and_mapped_paths_agree(text: str) -> None:
    mapped, offsets = normalize_with_map(text)
    assert mapped == normalize(text)
    assert len(offsets) == len(mapped) + 1
    assert offsets == sorted(offsets)
    assert all(0 <= o <= len(text) for o in offsets)


def test_offsets_point_at_the_original_characters() -> None:
    text = f"so k{ZW}i{ZW}l{ZW}l it"
    mapped, offsets = normalize_with_map(text)
    start = mapped.index("kill")
    assert text[offsets[start]] == "k"
    assert text[offsets[start + 3]] == "l"
    assert offsets[start + 3] == text.rindex("l")


def test_offsets_skip_dropped_apostrophes() -> None:
    text = "he's done, i don't care"
    mapped, offsets = normalize_with_map(text)
    assert mapped == "hes done, i dont care"
    assert [text[offsets[i]] for i in range(len(mapped))] == list(mapped)


# --- zalgo and whitespace (issue 12 item 5, issue 13 item 6) ------------------------------

ZALGO = "k̷̢̛i̸̡͝l̶̨̛l̵ m̸y̷s̴e̷l̷f̸"


@pytest.mark.parametrize(
    "raw",
    [
        ZALGO,
        "k\u0345i\u0345l\u0345l m\u0345y\u0345s\u0345e\u0345l\u0345f",  # combining iota
        "k\u0337\u0345\u0489\u0322i\u0345\u0345l\u0489l\u0363\u036f m\u0345yself",
        "".join(c + "\u0345\u0337\u031b" * 6 for c in "kill myself"),  # dozens per letter
    ],
)
def test_stacked_combining_marks_are_dropped(raw: str) -> None:
    assert normalize(raw) == "kill myself"
    mapped, offsets = normalize_with_map(raw)
    assert mapped == "kill myself"
    assert raw[offsets[0]] == "k" and raw[offsets[-2]] == "f"


def test_zalgo_is_detected_where_the_plain_words_are(detector: Detector) -> None:
    found = detector.scan(f"i want to {ZALGO}")
    assert found.categories == {"crisis"}
    text = f"i want to {ZALGO}"
    assert max(hit.end for hit in found.hits) == text.rindex("f") + 1  # spans end on a letter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("i dont\twant\tto", "i dont want to"),  # a tab is a space
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        (
            "one\u2028two\u2029three\x85four\x0bfive\x0csix\x1cseven",
            "one\ntwo\nthree\nfour\nfive\nsix\nseven",
        ),
        ("one\x1ftwo\u00a0three\u3000four\u2003five", "one two three four five"),
        ("dont\n\n\n \n\tcare", "dont\ncare"),  # a run with a line break: one newline
        ("dont\t\t \t care", "dont care"),
        ("dont" + "\u2028" * 3000 + "be alive", "dont\nbe alive"),
        ("k\ti\tl\tl", "kill"),  # tab-spaced letters join like space-spaced ones
        ("i w a n t  t o  d i e\n\nok", "i want to die\nok"),  # word gaps still read
    ],
)
def test_every_whitespace_class_collapses(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    mapped, offsets = normalize_with_map(raw)
    assert mapped == expected
    assert len(offsets) == len(mapped) + 1 and offsets == sorted(offsets)
    assert [raw[offsets[i]] for i, ch in enumerate(mapped) if not ch.isspace()] == [
        ch for ch in mapped if not ch.isspace()
    ]


def test_spaced_letters_normalise_the_same_in_every_process() -> None:
    """Two gap widths used equally often: the choice must not follow set order, which changes
    with each process's hash seed (scans in the CLI, the bot and a second shard must agree)."""
    code = (
        "from bot.safety.normalize import normalize; "
        "print(repr([normalize(t) for t in ('k i  l l  m e  n o  w', 'g o  i n  g')]))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(6)
    }
    assert len(seen) == 1, seen
