"""Our parse of the regex subset the safety patterns use, for the checks that read a pattern.

The patterns use a plain subset of Python's syntax (groups, alternation, classes, greedy or
lazy repeats, ``\\b``, lookarounds). ``regex_safety.py`` reads the tree for nested repeats and
``prefilter.py`` for required literals and top-level branches, keeping the source text of each
item so a branch can be compiled on its own. Anything outside the subset raises
``Unsupported``: the pattern then gets no verdict and no prefilter (it runs on every message).
We keep our own reader rather than ``re._parser``: that module is private, its tree changes
between Python versions, and it drops the source text the branch split needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Unsupported(ValueError):
    """The pattern uses syntax this reader does not model."""


@dataclass(frozen=True)
class Lit:
    ch: str


@dataclass(frozen=True)
class CharSet:
    symbols: frozenset[str] | None = None  # all members when they are non-ASCII symbols (emoji)
    digits: bool = False  # \d or [0-9]: one digit (a time, a date)


@dataclass(frozen=True)
class At:
    """Zero-width position test: ``\\b``, ``^``, ``$``, ``\\A``, ``\\Z`` (a word edge if a
    word character is next to it) or ``\\B`` (``edge`` False)."""

    edge: bool = True


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
            return CharSet()
        if ch in "^$":
            return At()
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
        if not negated and not members and categories == ["d"]:
            return CharSet(digits=True)
        if not negated and not categories and set(members) == set(_DIGITS):
            return CharSet(digits=True)
        if negated or categories or not members:
            return CharSet()
        if all(not c.isascii() and not _is_word(c) for c in members):
            return CharSet(frozenset(members))
        return CharSet()

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
        if esc in "bBAZ":
            return At(esc != "B")
        if esc == "d":
            return CharSet(digits=True)
        if esc in "wWsSD":
            return CharSet()
        return Lit(self.escaped_char(esc))


def parse(regex: str) -> Seq | Alt:
    parser = _Parser(regex)
    tree = parser.alternation()
    if parser.pos != len(regex):
        raise Unsupported(f"unbalanced ')' at {parser.pos}")
    return tree


_DIGITS = "0123456789"


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"
