"""Text made harmless for an anonymous post: what Discord would turn into a ping, an invite, a
disguised link or a wall of large text becomes plain text (the author is told what changed).

``sanitize_public`` first cleans the text as for storage (``bot.privacy.clean_text``: no
invisible characters, zalgo collapsed, line breaks and spaces tidied), then, in this order:

1. Invite links are removed. They are found in a canonical copy of the text where
   percent-encoding is decoded (``discord%2Egg``), full-width and other compatibility forms are
   folded (``ｄｉｓｃｏｒｄ．ｇｇ``), ideographic and other look-alike dots count as dots
   (``discord。gg``), and backslashes and the markdown characters ``* _ ~ | ` `` are ignored
   (``discord\\.gg``, ``discord.gg/**code**``); spaces, ``[.]`` and "dot" around the dot are
   allowed; ``discord.gg``, ``.io/.me/.li``, ``dsc.gg``, ``discord(app).com/invite/`` and
   ``/invite?code=`` (also on www., ptb. and canary.).
2. Markdown: a masked link ``[text](url)`` shows its address as ``text (url)``; then every
   ``[`` that could still open one (any ``[`` before the last ``](``: nested brackets, titles,
   line breaks) is escaped, so none survives. Headings (``#``-``###``) and subtext (``-#``)
   are escaped at the start of a line, also after quote (``>``, ``>>>``) and list markers
   (``-``, ``*``, ``+``, ``1.``, ``1)``). More than ``MAX_PUBLIC_LINES`` lines are folded.
3. Mentions: ``@everyone``, ``@here``, users, roles, channels (``<#id>``), slash commands
   (``</name:id>``) and server guide links (``<id:customize>``) get a zero-width space that
   stops Discord from parsing them (posts also go out with ``AllowedMentions.none()``).

Kept on purpose: spoilers (``||...||``: members use them as content warnings, and moderators
can open them), timestamps (``<t:...>``: they only show a time in the reader's zone, no ping,
no link), custom emoji, bold, italics, quotes, lists and code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.privacy import clean_text

MAX_PUBLIC_LINES = 30
ZWSP = "\u200b"
INVITE_REPLACEMENT = "[invite link removed]"

# --- invites -----------------------------------------------------------------------------------

_DOTS = {"\u3002": ".", "\uff0e": ".", "\uff61": ".", "\u2024": ".", "\ufe52": "."}
_IGNORED = frozenset("*_~|`")
_PERCENT = re.compile(r"%([0-7][0-9a-fA-F])")
_DOT = r"\s*(?:\.|\[\.\]|\(\.\)|\bdot\b)\s*"
_SLASH = r"\s*/+\s*"
# Only Discord's own subdomains: an open-ended (?:[a-z0-9-]+\.)* was quadratic on "a.a.a...".
_INVITE = re.compile(
    rf"(?:https?:/+)?(?:(?:www|ptb|canary){_DOT})?"
    rf"(?:discord(?:app)?{_DOT}com{_SLASH}invite(?:{_SLASH}|\s*\?(?:[^\s&=]*=[^\s&]*&)*code=)"
    rf"|discord{_DOT}(?:gg|io|me|li){_SLASH}|dsc{_DOT}gg{_SLASH})"
    r"[a-z0-9-]+"
)


@lru_cache(maxsize=4096)
def _nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).casefold()


def _canonical(text: str, backslash: str) -> tuple[str, list[int], list[int]]:
    """The text as a browser or a reader would resolve a link in it, lowercased, with the
    start and end (exclusive) in ``text`` of each of its characters. A backslash becomes
    ``backslash``: nothing (a markdown escape, ``discord\\.gg``) or "/" (browsers read
    ``discord.gg\\abc`` as ``discord.gg/abc``); callers try both."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        width = 1
        if ch == "%" and (m := _PERCENT.match(text, i)):
            folded, width = chr(int(m.group(1), 16)).lower(), 3
        elif ch.isascii():
            folded = ch.lower()
        else:
            folded = _nfkc(ch)
        folded = "".join(
            backslash if c == "\\" else "" if c in _IGNORED else _DOTS.get(c, c) for c in folded
        )
        for c in folded:
            chars.append(c)
            starts.append(i)
            ends.append(i + width)
        i += width
    return "".join(chars), starts, ends


def strip_invites(text: str) -> tuple[str, int]:
    """Invite links (however disguised, see the module notes) become ``INVITE_REPLACEMENT``."""
    found: list[tuple[int, int]] = []
    for backslash in ("", "/"):
        canonical, starts, ends = _canonical(text, backslash)
        found += [(starts[m.start()], ends[m.end() - 1]) for m in _INVITE.finditer(canonical)]
    if not found:
        return text, 0
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found):  # the two readings overlap: merge them
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out += [text[pos:start], INVITE_REPLACEMENT]
        pos = end
    out.append(text[pos:])
    return "".join(out), len(spans)


# --- markdown ----------------------------------------------------------------------------------

_MASKED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_LINE_PREFIX = r"[ \t]*(?:(?:>>>|>|[-*+]|\d{1,9}[.)])[ \t]+)*"  # rounds start with a marker: linear
_HEADING = re.compile(rf"^({_LINE_PREFIX})(#{{1,6}}|-#)(?=[ \t])", re.MULTILINE)
_OPEN_BRACKET = re.compile(r"(\\*)\[")


def _fold_lines(text: str) -> str:
    lines = text.split("\n")
    if len(lines) <= MAX_PUBLIC_LINES:
        return text
    head = lines[: MAX_PUBLIC_LINES - 1]
    tail = " ".join(line.strip() for line in lines[MAX_PUBLIC_LINES - 1 :] if line.strip())
    return "\n".join([*head, tail])


def _escape_link_openers(text: str) -> str:
    """Escapes each ``[`` before the last ``](`` (only those can open a masked link); the
    backslashes already before it are doubled so that they cannot cancel the escape."""
    last = text.rfind("](")
    if last == -1:
        return text
    head = _OPEN_BRACKET.sub(lambda m: m.group(1) * 2 + "\\[", text[:last])
    return head + text[last:]


def neutralize_markdown(text: str) -> str:
    """Masked links show their real address and cannot be rebuilt; headings and subtext render
    as plain text; a wall of lines is folded so one post cannot push the channel out of view."""
    text = _fold_lines(text)
    text = _MASKED_LINK.sub(
        lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(2) else m.group(1), text
    )
    text = _HEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    return _escape_link_openers(text)


# --- mentions ----------------------------------------------------------------------------------

_MENTION = re.compile(
    r"@(?=everyone|here|[!&]?\d)|<(?=#\d+>|/[^<>\n]+:\d+>|id:[a-z-]+(?::\d+)?>)", re.IGNORECASE
)


def escape_mentions(text: str) -> tuple[str, int]:
    """@everyone, @here, <@id>, <@!id>, <@&id>, <#id>, </command:id> and <id:customize> become
    inert text (a zero-width space after the @ or the <)."""
    return _MENTION.subn(lambda m: m.group(0) + ZWSP, text)


# --- all of it ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicText:
    """Text ready for an anonymous post, and what was changed (to tell the author)."""

    text: str
    invites_removed: int
    mentions_escaped: int


def sanitize_public(text: str) -> PublicText:
    """Everything an anonymous post goes through before it leaves the bot: ``clean_text``,
    then invites (first, so the markdown step escapes the ``[`` of the replacement if a ``(``
    follows it), markdown, and mentions last, so nothing can rebuild one."""
    without_invites, invites = strip_invites(clean_text(text))
    escaped, mentions = escape_mentions(neutralize_markdown(without_invites))
    return PublicText(escaped, invites, mentions)
