"""/script search per language: what building each language's index costs (once per content
load, on a language's first search) and how long a search takes, with a few situations typed in
that language and in English. Figures are printed, never asserted.

    .venv/bin/python bench/script_search_languages.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bot.content import default_content_dir, load_content
from bot.i18n import DEFAULT_LANG, LANGS
from bot.search import ScriptIndex

QUERIES = {
    "en": ["he won't talk after a fight", "it's been three days", "i yelled at her"],
    "es": ["no me habla después de una pelea", "ya van tres días", "le grité anoche"],
    "fr": ["il ne me parle plus après une dispute", "ça fait trois jours", "j'ai crié"],
    "de": ["redet nach einem Streit nicht mit mir", "seit drei Tagen", "ich habe geschrien"],
    "pt": ["não fala comigo depois de uma briga", "já faz três dias", "eu gritei com ela"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    content = load_content(default_content_dir())
    for lang in LANGS:
        english = content.strategies if lang != DEFAULT_LANG else ()
        if lang == DEFAULT_LANG:
            shape = "English"
        elif content.in_lang(lang) is content:
            shape = "English (not yet translated)"
        else:
            shape = "translated"
        started = time.perf_counter()
        index = ScriptIndex(content.in_lang(lang).strategies, lang=lang, english=english)
        build_ms = (time.perf_counter() - started) * 1000
        timings: list[float] = []
        hits = 0
        for _ in range(rounds):
            for query in (*QUERIES[lang], QUERIES["en"][0]):
                started = time.perf_counter()
                hits += bool(index.search(query))
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95)]
        print(
            f"{lang}: content {shape}; "
            f"index {build_ms:.1f} ms; search median {statistics.median(timings):.2f} ms, "
            f"p95 {p95:.2f} ms; {hits / rounds:.0f}/{len(QUERIES[lang]) + 1} queries found scripts"
        )


if __name__ == "__main__":
    main()
