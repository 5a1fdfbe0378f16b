"""Typo-tolerant search over scripts, and the fuzzy pickers behind autocomplete.

Members describe their situation in their own words, upset and often on a phone: typos, no
apostrophes, "bf"/"gf", "3 days". A plain fuzzy string match over tags is thrown off by the
words every situation shares ("he", "talk", "partner"), so each query is normalised (spelling
corrected against the content's own vocabulary, contractions and pronouns folded, synonyms
mapped to one word, light stemming) and scored by weighted word overlap, where rare words count
more than common ones (IDF over scripts). Pure: no discord, no I/O.

Each language has its own index (`ScriptIndex(strategies, lang=..., english=...)`) over the
scripts in that language, with the English tags and text of the same scripts added, so a
Spanish-speaking member finds scripts in Spanish and an English keyword still works. Accents
are folded ("está" = "esta") and each language drops its own filler words.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz, process, utils

from bot.content.models import Script, Strategy

_WORD = re.compile(r"[a-z0-9]+")
MIN_SCORE = 0.12
MAX_PER_STRATEGY = 2
CHOICE_LIMIT = 25

_STOPWORDS_TEXT = """a an the and or but if so to of in on at for with from by about as into than then
    i me my mine myself we us our ours you your yours it its is am are was were be been being
    do does did doing have has had having will would can could should shall may might must
    this that these those there here what which who whom how when where why just really very
    too also still even only ever again now all any some much many more most get got gets
    getting go going gone went want wants wanted like feel feels felt know knew thing things
    im ive id ill youre theyre hes shes whats thats theres dont doesnt didnt cant couldnt
    wont wouldnt isnt arent wasnt werent havent hasnt hadnt shouldnt not no never always
    keep keeps kept make makes made way lot lots u r ur ya yeah ok okay each other
    lately recently anymore sometimes often usually"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Filler words of the other languages we speak, accents folded as `_fold` folds them.
_OTHER_STOPWORDS: Final[dict[str, str]] = {
    "es": """a al algo alguien ante antes aqui asi aun cada como con contra cual cuando de del
        desde donde dos el ella ellas ellos en entre era eres es esa ese eso esta estaba estan
        estar este esto estoy fue ha habia han has hay hace hacer hasta la las le les lo los
        me mi mis mucho muy nada ni no nos nosotros o otra otro para pero poco por porque que
        quien se sea ser si sin sobre solo son su sus tambien te tengo ti tiene todo tu tus un
        una uno unos y ya yo cosa cosas siempre nunca ahora hoy ayer""",
    "fr": """a ai au aux avec c ca ce cela ces cet cette d dans de des du elle elles en est et
        etait etre eu fait il ils j je l la le les leur lui m ma mais me meme mes moi mon n ne
        nous on ou par pas plus pour qu que quand qui s sa sans se ses si son sont sur t ta te
        tes toi ton tous tout tres tu un une vous y deja encore toujours jamais rien chose
        aujourdhui hier apres avant""",
    "de": """aber alle also als am an auch auf aus bei bin bis bist da dann das dass dein deine
        dem den der des dich die dir doch du ein eine einem einen einer er es etwas fur hab
        habe hat hatte ich ihm ihn ihr im in ist ja jetzt kann kein keine man mehr mein meine
        mich mir mit nach nicht noch nur ob oder schon sehr sein seine sich sie sind so um und
        uns von vor war was weil wenn wie wieder wir wird zu zum zur immer nie heute gestern""",
    "pt": """a ao aos as com como da das de dela dele do dos e ela ele eles elas em entre era
        esta estao estou eu fez foi ha isso isto ja la lhe mais mas me meu minha muito na nao
        nas nem no nos o os ou para pela pelo por porque quando que quem se sem ser seu sua
        so tambem te tem tenho tu voce voces um uma sempre nunca hoje ontem agora coisa""",
}
# Light stemming: the commonest endings, longest first.
_SUFFIXES: Final[dict[str, tuple[str, ...]]] = {
    lang: tuple(endings.split())
    for lang, endings in {
        "en": "ing ed es s e ly",
        "es": "mente iendo ando ados adas idos idas ado ada ido ida ar er ir es as os a o s e",
        "fr": "ement ant ees ee es er ez s e",
        "de": "ungen ung en er es em st t e n s",
        "pt": "mente ando endo ados adas idos idas ado ada ido ida ar er ir es as os a o s e",
    }.items()
}


def stopwords_for(lang: str) -> frozenset[str]:
    """English filler words plus the language's own (English keywords work in every index)."""
    return STOPWORDS | frozenset(_OTHER_STOPWORDS.get(lang, "").split())


# Words folded onto one canonical word, so a member's wording meets the content's wording.
_SYNONYMS: dict[str, str] = {
    "partner": (
        "he him his she her hers they them their theirs partner partners bf gf boyfriend "
        "girlfriend husband wife hubby spouse fiance fiancee"
    ),
    "fight": (
        "fight fights fighting fought argue argues argued arguing argument arguments row rows "
        "rowed disagreement disagreements disagree disagreed quarrel quarrels spat blowup "
        "clash clashed conflict"
    ),
    "talk": (
        "talk talks talking talked speak speaks speaking spoke spoken chat chats chatting "
        "discuss discussed discussing discussion communicate communicating communication"
    ),
    "silence": (
        "silence silent silently quiet quietly ignore ignores ignored ignoring stonewall "
        "stonewalls stonewalled stonewalling ghost ghosted ghosting mute withdrawn withdraws "
        "withdrew withdrawing shutdown"
    ),
    "message": (
        "text texts texted texting txt txts message messages messaged messaging reply "
        "replies replied replying respond responds responded dm dms whatsapp"
    ),
    "sorry": (
        "sorry apologise apologize apologised apologized apologising apologizing apology "
        "apologies regret regrets regretted amends"
    ),
    "day": "day days daily week weeks weekend weekends hours",
    "num": (
        "1 2 3 4 5 6 7 8 9 10 one two three four five six seven eight nine ten several couple few"
    ),
    "yell": (
        "yell yells yelled yelling scream screams screamed screaming shout shouts shouted "
        "shouting raised voice explode exploding"
    ),
    "overwhelm": "overwhelm overwhelmed overwhelming flooded flooding heated furious rage",
    "harsh": (
        "harsh rude mean nasty cruel unkind hurtful snapped snap snapping lashed temper "
        "insulted awful terrible horrible"
    ),
    "pause": "pause paused break breather timeout calm cool",
    "listen": "listen listens listened listening hear hears heard",
    "defensive": "defensive defence defense defending defend defended",
    "chore": "chore chores dishes housework laundry cleaning tidying",
    "money": "money finances finance bills budget spending debt",
    "roommate": "roommate roommates flatmate flatmates housemate housemates",
    "close": "close closer closeness connection connected connect affection intimacy warm",
    "leave": "leave leaves left leaving storm storms stormed walk walks walked walking",
    "stress": "stress stressed stressful pressure exhausted burnout tired",
    "job": "job work working career boss office",
    "appreciate": "appreciate appreciated appreciation thank thanks thankful grateful",
}
_CANON: dict[str, str] = {w: canon for canon, words in _SYNONYMS.items() for w in words.split()}
_NUMBER = re.compile(r"^\d+$")


@dataclass(frozen=True)
class ScriptMatch:
    script: Script
    strategy: Strategy
    score: float


def _fold(text: str, lang: str = "en") -> list[str]:
    """Lower-case words without accents. English drops apostrophes ("won't" = "wont"); the
    other languages split on them ("l'ami" = "l ami")."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    apostrophe = "" if lang == "en" else " "
    text = text.replace("\u2019", apostrophe).replace("'", apostrophe)
    return _WORD.findall(text)


def _stem(word: str, lang: str = "en") -> str:
    for suffix in _SUFFIXES.get(lang, _SUFFIXES["en"]):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _canon(word: str, lang: str = "en", stopwords: frozenset[str] = STOPWORDS) -> str | None:
    """The word's canonical stem, or None for a stopword."""
    if _NUMBER.match(word):
        return "num"
    if word in _CANON:
        return _CANON[word]
    if word in stopwords:
        return None
    return _stem(word, lang)


def _correct(word: str, vocabulary: frozenset[str], stopwords: frozenset[str] = STOPWORDS) -> str:
    """Nearest known word for a misspelling; very short words are left alone."""
    if len(word) < 3 or word in vocabulary or word in _CANON or word in stopwords:
        return word
    if _NUMBER.match(word):
        return word
    cutoff = 75 if len(word) >= 8 else 80
    found = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else word


def normalize(
    text: str, vocabulary: frozenset[str] = frozenset(), lang: str = "en"
) -> tuple[str, ...]:
    """Canonical content words of `text` in `lang`, spelling corrected against `vocabulary`."""
    stopwords = stopwords_for(lang)
    out: list[str] = []
    for word in _fold(text, lang):
        canon = _canon(_correct(word, vocabulary, stopwords), lang, stopwords)
        if canon:
            out.append(canon)
    return tuple(out)


class _Doc:
    """One searchable text (a tag, a script's text, a strategy's description)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)


class ScriptIndex:
    """Built once per content load; `search` is a few milliseconds over the shipped content."""

    def __init__(
        self, strategies: Sequence[Strategy], *, lang: str = "en", english: Sequence[Strategy] = ()
    ) -> None:
        """`strategies` in `lang`; `english`: the same strategies in English, whose tags and
        script texts are searched too (empty for the English index itself)."""
        self.strategies = tuple(strategies)
        self.lang = lang
        extra = {s.id: (*s.tags, s.text) for st in english for s in st.scripts}
        raw: set[str] = set(_CANON) | stopwords_for(lang)
        for strategy in (*self.strategies, *english):
            for text in _strategy_texts(strategy):
                raw.update(_fold(text, lang))
        self.vocabulary = frozenset(w for w in raw if len(w) >= 3)
        self._entries: list[tuple[Script, Strategy, list[_Doc], _Doc, _Doc]] = []
        self._tag_owner: dict[str, str] = {}
        doc_freq: Counter[str] = Counter()
        for strategy in self.strategies:
            about = _Doc(self._words(f"{strategy.title} {strategy.summary} {strategy.when_to_use}"))
            for script in strategy.scripts:
                texts = (*script.tags, script.text, *extra.get(script.id, ()))
                docs = [_Doc(self._words(t)) for t in texts]
                whole = _Doc(w for d in docs for w in d.words)
                doc_freq.update(whole.words)
                self._entries.append((script, strategy, docs, whole, about))
                for tag in script.tags:
                    self._tag_owner.setdefault(tag, strategy.id)
        n = max(len(self._entries), 1)
        self._idf = {w: math.log(1 + n / f) for w, f in doc_freq.items()}
        # A word the content never uses cannot match; weigh it like a common word so a
        # query full of them is not judged hopeless.
        self._unknown_idf = 1.0
        # Enough evidence for full confidence: about one and a half words that each appear
        # in a tenth of the scripts.
        self._confident_weight = 1.5 * math.log(1 + 10)

    def _words(self, text: str) -> tuple[str, ...]:
        return normalize(text, lang=self.lang)

    def _weight(self, word: str) -> float:
        return self._idf.get(word, self._unknown_idf)

    def _overlap(self, query: frozenset[str], doc: _Doc) -> float:
        """F-score of weighted word overlap, leaning on how much of the query is covered."""
        common = query & doc.words
        if not common or not doc.words:
            return 0.0
        hit = sum(self._weight(w) for w in common)
        recall = hit / sum(self._weight(w) for w in query)
        precision = hit / sum(self._weight(w) for w in doc.words)
        beta2 = 4.0
        return (1 + beta2) * precision * recall / (beta2 * precision + recall)

    def _coverage(self, query: frozenset[str], doc: _Doc) -> float:
        common = query & doc.words
        known = sum(self._weight(w) for w in query)
        return sum(self._weight(w) for w in common) / known if known else 0.0

    def _informativeness(self, matched: frozenset[str]) -> float:
        """Below 1 when only common words matched: "my partner" alone is no situation."""
        return min(1.0, sum(self._weight(w) for w in matched) / self._confident_weight)

    def search(self, query: str, limit: int = 3) -> list[ScriptMatch]:
        """Best scripts for a situation, at most two per strategy, best first."""
        words = frozenset(normalize(query, self.vocabulary, self.lang))
        if not words:
            return []
        scored: list[ScriptMatch] = []
        for script, strategy, docs, whole, about in self._entries:
            best = max(self._overlap(words, d) for d in docs)
            score = 0.6 * best + 0.3 * self._coverage(words, whole)
            score += 0.1 * self._coverage(words, about)
            score *= self._informativeness(words & whole.words)
            if score >= MIN_SCORE:
                scored.append(ScriptMatch(script, strategy, round(min(score, 1.0), 4)))
        scored.sort(key=lambda m: m.score, reverse=True)
        picked: list[ScriptMatch] = []
        per_strategy: Counter[str] = Counter()
        for match in scored:
            if per_strategy[match.strategy.id] < MAX_PER_STRATEGY:
                picked.append(match)
                per_strategy[match.strategy.id] += 1
            if len(picked) == limit:
                break
        return picked

    def suggest(self, typed: str, limit: int = CHOICE_LIMIT) -> list[str]:
        """Situation phrases for autocomplete: closest tags to what is typed so far."""
        tags = list(self._tag_owner)
        if not typed.strip():
            return _round_robin(self.strategies, limit)
        found = process.extract(
            typed,
            tags,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=limit,
            score_cutoff=50,
        )
        return [tag for tag, _score, _i in found]

    def strategy_of_tag(self, tag: str) -> str | None:
        return self._tag_owner.get(tag)


def _strategy_texts(strategy: Strategy) -> Iterable[str]:
    yield strategy.title
    yield strategy.summary
    yield strategy.when_to_use
    for script in strategy.scripts:
        yield script.text
        yield from script.tags


def _round_robin(strategies: Sequence[Strategy], limit: int) -> list[str]:
    """One tag from each strategy in turn, so an empty box shows the range of situations."""
    columns = [[t for s in strategy.scripts for t in s.tags[:1]] for strategy in strategies]
    out: list[str] = []
    depth = 0
    while len(out) < limit and any(depth < len(c) for c in columns):
        for column in columns:
            if depth < len(column) and column[depth] not in out and len(out) < limit:
                out.append(column[depth])
        depth += 1
    return out


Option = tuple[str, Sequence[str]]
"""A pickable thing for autocomplete: its key, then the texts it can be found by (its label
first, then anything else such as a summary or tags)."""

RANK_CUTOFF = 60.0
BEST_CUTOFF = 85.0


def _pick_score(typed: str, texts: Sequence[str]) -> float:
    """WRatio suits whole labels; partial matching finds a word typed with a typo inside a
    longer text ("boundries" in "Boundaries around silence ...")."""
    best = 0.0
    for text in texts:
        candidate = utils.default_process(text)
        best = max(best, fuzz.WRatio(typed, candidate))
        if len(typed) >= 4:
            best = max(best, 0.95 * fuzz.partial_ratio(typed, candidate))
    return best


def rank_keys(typed: str, options: Sequence[Option], limit: int = CHOICE_LIMIT) -> list[str]:
    """Keys of the options closest to what is typed so far; all, in order, when empty."""
    query = utils.default_process(typed)
    if not query:
        return [key for key, _ in options[:limit]]
    scored = [(_pick_score(query, texts), i) for i, (_, texts) in enumerate(options)]
    ranked = sorted((s for s in scored if s[0] >= RANK_CUTOFF), key=lambda s: (-s[0], s[1]))
    return [options[i][0] for _, i in ranked[:limit]]


def _submitted_score(query: str, texts: Sequence[str]) -> float:
    """Whole-text similarity (typos), or full marks when every word of a label of two or
    more words was typed ("should i ignore them back" contains the tag "ignore them back")."""
    words = set(query.split())
    best = 0.0
    for text in texts:
        candidate = utils.default_process(text)
        best = max(best, fuzz.ratio(query, candidate))
        label_words = set(candidate.split())
        if len(label_words) >= 2 and label_words <= words:
            best = 100.0
    return best


def best_key(typed: str, options: Sequence[Option]) -> str | None:
    """The option a submitted value means: an exact key, else one confident match."""
    wanted = typed.strip().casefold()
    for key, _ in options:
        if key.casefold() == wanted:
            return key
    query = utils.default_process(wanted)
    if not query:
        return None
    scored = [(_submitted_score(query, texts), key) for key, texts in options]
    score, key = max(scored, key=lambda s: s[0], default=(0.0, ""))
    return key if score >= BEST_CUTOFF else None


_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")  # fmt: skip
_NUMBERED = re.compile(
    r"(?:(?:strategy|step|number|no\.?|nr\.?|n°)\s*)?#?\s*(\w+?)(?:st|nd|rd|th)?\.?", re.I
)


def typed_number(typed: str) -> int | None:
    """A position typed as "3", "#3", "3.", "3rd", "no. 3", "strategy three" or "third";
    None when the text is not a number."""
    found = _NUMBERED.fullmatch(typed.strip())
    if found is None:
        return None
    word = found.group(1).casefold()
    if word.isdigit():
        return int(word)
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS.index(word) + 1
    if typed.strip().casefold().split()[-1] in _ORDINALS:
        return _ORDINALS.index(typed.strip().casefold().split()[-1]) + 1
    return None
