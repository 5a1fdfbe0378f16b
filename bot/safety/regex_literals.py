"""Required literals of a regex: words that every match must contain.

The prefilter in ``anchors.py`` needs, for each pattern, a few literals such that no match is
possible without one of them. We read them off our own small parse of the pattern text: the
safety patterns use a plain subset of Python's syntax (groups, alternation, classes, greedy or
lazy repeats, ``\\b``, lookarounds). Anything outside that subset raises ``Unsupported``; the
caller then runs that pattern on every message, so an unknown construct costs speed, never a
hit. This keeps us off ``re._parser``, whose shape may change between Python versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

Literal = tuple[str, bool, bool]  # (text, starts a word, ends a word)
LiteralSet = frozenset[Literal]
#: Not a text: "a word that starts with a digit" (``\b\d``, as in "3am", "11:45", "the 9th"),
#: so a pattern whose only word there is a number still has something to be keyed on.
DIGIT: Literal = ("0", True, False)


class Unsupported(ValueError):
    """The pattern uses syntax this reader does not model."""


# ---------------------------------------------------------------- parse tree


@dataclass(frozen=True)
class Lit:
    ch: str


@dataclass(frozen=True)
class CharSet:
    nonword_only: bool  # can only match non-word characters (spaces, punctuation)
    symbols: frozenset[str] | None  # all members when they are non-ASCII symbols (emoji)
    digits: bool = False  # can only match digits (\d, [0-9])


@dataclass(frozen=True)
class At:
    starts: bool  # \b, ^ or \A: a word may start right after
    ends: bool  # \b, $ or \Z: a word cannot go on right before


@dataclass(frozen=True)
class Look:
    """Zero-width assertion; its content never adds required text."""


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]
    parts: tuple[str, ...] = field(default=(), compare=False)  # source text of each item


@dataclass(frozen=True)
class Alt:
    branches: tuple[Seq, ...]


@dataclass(frozen=True)
class Repeat:
    body: Seq
    low: int
    high: int | None = None  # None: unbounded


Node = Lit | CharSet | At | Look | Seq | Alt | Repeat

_ESCAPED_CHARS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}


@dataclass
class _Parser:
    text: str
    pos: int = 0
    groups: list[int] = field(default_factory=list)

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def take(self) -> str:
        if self.pos >= len(self.text):
            raise Unsupported("unexpected end")
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def alternation(self) -> Seq | Alt:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else Alt(tuple(branches))

    def sequence(self) -> Seq:
        items: list[Node] = []
        parts: list[str] = []
        while self.pos < len(self.text) and self.peek() not in "|)":
            start = self.pos
            atom = self.atom()
            items.append(self.quantified(atom, self.text[start : self.pos]))
            parts.append(self.text[start : self.pos])
        return Seq(tuple(items), tuple(parts))

    def quantified(self, atom: Node, atom_text: str) -> Node:
        low: int | None = None
        high: int | None = None
        ch = self.peek()
        if ch in ("*", "?"):
            low = 0
            high = 1 if ch == "?" else None
            self.pos += 1
        elif ch == "+":
            low = 1
            self.pos += 1
        elif ch == "{":
            close = self.text.find("}", self.pos)
            body = self.text[self.pos + 1 : close] if close != -1 else ""
            lo_text = body.split(",")[0]
            if close != -1 and (lo_text.isdigit() or lo_text == "") and body.count(",") <= 1:
                rest = body.split(",")[1:] or [""]
                if rest[0] and not rest[0].isdigit():
                    return atom
                low = int(lo_text or 0)
                high = int(rest[0]) if rest[0] else (None if "," in body else low)
                self.pos = close + 1
            else:
                return atom
        if low is None:
            return atom
        if self.peek() in ("?", "+"):  # lazy or possessive
            self.pos += 1
        if isinstance(atom, At | Look):
            raise Unsupported("repeated assertion")
        repeated = atom if isinstance(atom, Seq) else Seq((atom,), (atom_text,))
        return Repeat(repeated, low, high)

    def atom(self) -> Node:
        ch = self.take()
        if ch == "(":
            return self.group()
        if ch == "[":
            return self.charset()
        if ch == ".":
            return CharSet(False, None)
        if ch == "^":
            return At(True, False)
        if ch == "$":
            return At(False, True)
        if ch == "\\":
            return self.escape()
        if ch in "*+?{":
            raise Unsupported(f"nothing to repeat at {self.pos}")
        return Lit(ch)

    def group(self) -> Node:
        look = False
        if self.peek() == "?":
            self.pos += 1
            kind = self.take()
            if kind in "=!":
                look = True
            elif kind == "<" and self.peek() in ("=", "!"):
                self.pos += 1
                look = True
            elif (kind == "P" and self.peek() == "<") or kind == "<":
                close = self.text.find(">", self.pos)
                if close == -1:
                    raise Unsupported("bad group name")
                self.pos = close + 1
            elif kind != ":":
                raise Unsupported(f"group flag {kind!r}")
        body_start = self.pos
        inner = self.alternation()
        body = self.text[body_start : self.pos]
        if self.take() != ")":
            raise Unsupported("unbalanced group")
        if look:
            return Look()
        return inner if isinstance(inner, Seq) else Seq((inner,), (body,))

    def charset(self) -> CharSet:
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        members: list[str] = []  # literal characters
        categories: list[str] = []  # w, W, s, S, d, D
        first = True
        while True:
            ch = self.take()
            if ch == "]" and not first:
                break
            first = False
            if ch == "\\":
                esc = self.take()
                if esc in "wWsSdD":
                    categories.append(esc)
                    continue
                ch = self.escaped_char(esc)
            if self.peek() == "-" and self.peek(2)[1:] not in ("]", ""):
                self.pos += 1
                end = self.take()
                if end == "\\":
                    end = self.escaped_char(self.take())
                members.extend(chr(c) for c in range(ord(ch), min(ord(end), ord(ch) + 512) + 1))
                continue
            members.append(ch)
        if negated:
            return CharSet(False, None)
        digits = set(categories) <= {"d"} and all(c in "0123456789" for c in members)
        if digits and (members or categories):
            return CharSet(False, None, True)
        nonword = all(not _is_word(c) for c in members) and all(c in "WsS" for c in categories)
        nonword = nonword and "S" not in categories
        symbols = None
        if members and not categories and all(not c.isascii() and not _is_word(c) for c in members):
            symbols = frozenset(members)
        return CharSet(nonword, symbols)

    def escaped_char(self, esc: str) -> str:
        if esc in _ESCAPED_CHARS:
            return _ESCAPED_CHARS[esc]
        if esc in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[esc]
            digits = self.text[self.pos : self.pos + width]
            self.pos += width
            try:
                return chr(int(digits, 16))
            except ValueError as exc:
                raise Unsupported("bad escape") from exc
        if esc.isalnum():
            raise Unsupported(f"escape \\{esc}")
        return esc

    def escape(self) -> Node:
        esc = self.take()
        if esc == "b":
            return At(True, True)
        if esc == "A":
            return At(True, False)
        if esc == "Z":
            return At(False, True)
        if esc == "B":
            return At(False, False)
        if esc in "sW":
            return CharSet(True, None)
        if esc == "d":
            return CharSet(False, None, True)
        if esc in "wSD":
            return CharSet(False, None)
        return Lit(self.escaped_char(esc))


def parse(regex: str) -> Seq | Alt:
    parser = _Parser(regex)
    tree = parser.alternation()
    if parser.pos != len(regex):
        raise Unsupported(f"unbalanced ')' at {parser.pos}")
    return tree


# ---------------------------------------------------------------- required literals


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _useful(lit: Literal) -> bool:
    if lit == DIGIT:
        return True
    text, initial, _ = lit
    if not _is_word(text[0]):
        return True  # emoji and the like: rare, checked as substrings
    return len(text) >= (2 if initial else 3)


# Words so common in chat that anchoring on them would let most messages through.
_COMMON_TEXT = (
    "a about after again all always and any are as at back be been but by can cant could day "
    "days did didnt do does doesnt dont even ever every feel first for friend friends from get "
    "gets getting go going gone good got had has have he help her here hes him his home how i "
    "if im in is it its just know like love make me more much my need never night no not now "
    "of off on one only or our out people really said say says see she shes short should so "
    "some sorry still talk talking that the their them then there they thing things think this "
    "time to today together told tomorrow tonight too up us want was way we week well were what "
    "when who why will with work would you your"
)
_FREQUENT_TEXT = (  # more of the frequent words in English chat
    "able above actually ago almost already also am another anyone anything anyway around "
    "asked away bad because before being best better big bit both bring call called came "
    "care case come comes coming day done down each end enough everyone everything fine "
    "find found gave give given gives glad great guess hand happy hard head hear heard hope "
    "house idk keep kept kind last least leave left less let life little live long look "
    "looking lot made many may maybe mean might mind minute miss mom money morning most move "
    "must name new next nice nothing number okay old once open other over own part past pay "
    "place play point post put quite rather read ready real reason right run same saw set "
    "show side since sit small sometimes soon start started stay stop sure take takes taking "
    "tell than thank thanks though thought through tired try trying turn two use used very "
    "wait walk watch watched went whole without word words world wrong year years yes yet"
)
COMMON = frozenset(_COMMON_TEXT.split())
# The very top of the list: in a large share of all messages.
_TOP = frozenset(
    [
        "a",
        "and",
        "be",
        "but",
        "for",
        "have",
        "he",
        "i",
        "im",
        "in",
        "is",
        "it",
        "just",
        "like",
        "me",
        "my",
        "not",
        "of",
        "on",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "with",
        "you",
    ]
)
FREQUENT = frozenset(_FREQUENT_TEXT.split())


def _word_frequency(word: str) -> float:
    if word in _TOP:
        return 0.4
    if word in COMMON:
        return 0.12
    if word in FREQUENT:
        return 0.06
    return {1: 0.5, 2: 0.08, 3: 0.03, 4: 0.01}.get(len(word), 0.004)


_KNOWN = COMMON | FREQUENT


@cache
def _frequency(lit: Literal) -> float:
    """A rough guess of how often a message of chat contains ``lit``: a word-start literal
    that is not a whole word also stands for the frequent words it begins ("any": "anyone")."""
    if lit == DIGIT:
        return 0.1  # times, dates, amounts: a fair share of chat
    text, initial, whole = lit
    if not _is_word(text[0]):
        return 0.001  # emoji and the like
    guess = _word_frequency(text) / (2 if whole and text not in _KNOWN else 1)
    if not whole:
        guess += sum(_word_frequency(w) for w in _KNOWN if w != text and w.startswith(text))
    return min(1.0, guess if initial else guess * 3)


def forget_literal_frequencies() -> None:
    """Drops the guesses ``score`` keeps (one per literal ever scored): only building an index
    asks them, and a built detector would hold them for good."""
    _frequency.cache_clear()


def score(cands: LiteralSet) -> float:
    """Higher is better: the chance that none of the literals occurs, roughly."""
    return -sum(_frequency(c) for c in cands)


def _starts_after(node: Node, before: bool) -> bool:
    """Whether a word may start right after ``node``; ``before``: whether one may start at
    its beginning (what an optional or zero-width node leaves unchanged)."""
    if isinstance(node, Lit):
        return not _is_word(node.ch)
    if isinstance(node, CharSet):
        return node.nonword_only
    if isinstance(node, At):
        return node.starts or (before and node.ends)
    if isinstance(node, Look):
        return before
    if isinstance(node, Repeat):
        once = _starts_after(node.body, before)
        return once if node.low >= 1 else once and before
    if isinstance(node, Seq):
        state = before
        for item in node.items:
            state = _starts_after(item, state)
        return state
    return all(_starts_after(b, before) for b in node.branches)


def required(
    seq: Seq,
    initial: bool,
    prefix: Literal = ("", False, False),
    collect: list[LiteralSet] | None = None,
    ends: bool = False,
) -> LiteralSet | None:
    """The most selective literal set one of which every match of ``seq`` contains.

    ``prefix``: literal text just before this sequence, as in "t(?:old|ells)". ``collect``
    receives every usable required set of this sequence (all of them must occur). ``ends``:
    a word cannot go on after the sequence ("(?:help|please)\\b"), so a last literal is whole.
    """
    best: LiteralSet | None = None
    run: list[str] = list(prefix[0])
    run_initial = prefix[1]
    boundary = initial and not run

    def consider(cands: LiteralSet | None) -> None:
        nonlocal best
        if not cands or not all(_useful(c) for c in cands):
            return
        if collect is not None:
            collect.append(cands)
        if best is None or score(cands) > score(best):
            best = cands

    def flush(ends: bool = False) -> None:
        if run:
            consider(frozenset({("".join(run), run_initial, ends)}))
            run.clear()

    for position, node in enumerate(seq.items):
        if isinstance(node, Lit):
            if _is_word(node.ch):
                if not run:
                    run_initial = boundary
                run.append(node.ch)
                boundary = False
                continue
            flush(True)
            if not node.ch.isspace() and not node.ch.isascii():
                consider(frozenset({(node.ch, False, False)}))
            boundary = True
        elif isinstance(node, At):
            flush(node.ends)
            boundary = node.starts
        elif isinstance(node, Look):
            flush()  # zero width: the boundary state carries over
        elif isinstance(node, Seq | Alt):
            pending = ("".join(run), run_initial, False) if run else ("", False, False)
            run.clear()
            after = _word_ends_before(seq.items, position + 1, ends)
            if isinstance(node, Seq):
                consider(required(node, boundary, pending, ends=after))
            else:
                consider(_branches(node, boundary, pending, after))
            boundary = _starts_after(node, boundary and not pending[0])
        elif isinstance(node, Repeat):
            body = node.body.items
            # "kil+": the run ends with one "l"
            if (
                node.low >= 1
                and len(body) == 1
                and isinstance(body[0], Lit)
                and _is_word(body[0].ch)
            ):
                if not run:
                    run_initial = boundary
                run.append(body[0].ch)
            flush()
            if node.low >= 1:
                consider(required(node.body, boundary))
            # After "\s+" we are at a word start; after "(?:\w+\s+){0,2}" too, if we were.
            boundary = _starts_after(node, boundary)
        else:  # CharSet
            flush(node.nonword_only)
            if node.symbols is not None:
                consider(frozenset((c, False, False) for c in node.symbols))  # (?:🪦|⚰)
            if node.digits and boundary:
                consider(frozenset({DIGIT}))  # \b\d: a word that starts with a digit
            boundary = node.nonword_only
    flush(ends)
    return best


def _word_ends_before(items: tuple[Node, ...], start: int, ends: bool) -> bool:
    """Whether no word character can follow right before ``items[start:]``."""
    for node in items[start:]:
        if isinstance(node, Look):
            continue
        if isinstance(node, At):
            return node.ends
        if isinstance(node, Lit):
            return not _is_word(node.ch)
        if isinstance(node, CharSet):
            return node.nonword_only
        return False
    return ends


def _branches(alt: Alt, initial: bool, prefix: Literal, ends: bool = False) -> LiteralSet | None:
    out: set[Literal] = set()
    for branch in alt.branches:
        cands = required(branch, initial, prefix, ends=ends)
        if not cands:
            return None
        out |= cands
    return frozenset(out)


Conditions = list[list[LiteralSet]]  # any alternative, all of its sets, any literal of a set


def conditions(regex: str) -> Conditions | None:
    """Per top-level alternative, every literal set it requires; None if one has none.

    Raises ``Unsupported`` for syntax outside the modelled subset.
    """
    split = alternatives(regex)
    return None if split is None else [sets for _, sets in split]


def alternatives(
    regex: str, allow_unkeyed: bool = False
) -> list[tuple[str, list[LiteralSet]]] | None:
    """Each top-level alternative as a regex of its own, with the literal sets it requires;
    None if one requires none (unless ``allow_unkeyed``: then its list is empty).
    "\\b(?:a|b)\\b" gives "\\b(?:a)\\b" and "\\b(?:b)\\b": the same matches as the whole
    pattern has through that branch."""
    out: list[tuple[str, list[LiteralSet]]] = []
    for seq, initial, text in _alternatives(parse(regex), False, "", ""):
        sets: list[LiteralSet] = []
        required(seq, initial, collect=sets)
        if not sets and not allow_unkeyed:
            return None
        out.append((text, sets))
    return out


def _alternatives(
    tree: Seq | Alt, initial: bool, prefix: str, suffix: str
) -> list[tuple[Seq, bool, str]]:
    """Splits "\\b(?:a|b)" style patterns into their alternatives, with their regex text."""
    if isinstance(tree, Alt):
        return [
            alt
            for branch in tree.branches
            for alt in _alternatives(branch, initial, prefix, suffix)
        ]
    items, parts = tree.items, tree.parts
    lead, tail = 0, len(items)
    while lead < tail and isinstance(items[lead], At | Look):
        node = items[lead]
        if isinstance(node, At):
            initial = node.starts
        lead += 1
    while tail > lead and isinstance(items[tail - 1], At | Look):
        tail -= 1
    only = items[lead] if tail - lead == 1 else None
    if isinstance(only, Seq | Alt) and len(parts) == len(items):
        # Assertions around a group ("\\b(?:a|b)\\b") stay around each branch.
        before, after = "".join(parts[:lead]), "".join(parts[tail:])
        if isinstance(only, Alt):  # a branch needs its own group; a plain group does not
            before, after = before + "(?:", ")" + after
        return _alternatives(only, initial, prefix + before, after + suffix)
    return [(Seq(items[lead:]), initial, prefix + "".join(parts) + suffix)]


def near_set(regex: str) -> LiteralSet | None:
    """One literal set that every match of ``regex`` (a ``near`` condition) contains."""
    tree = parse(regex)
    if isinstance(tree, Alt):
        return _branches(tree, False, ("", False, False))
    return required(tree, False)
