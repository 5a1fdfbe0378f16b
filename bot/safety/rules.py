"""Validated safety rule set built from the parsed TOML of ``content/safety.toml``.

This module never reads files: the content loader hands it the parsed mapping, so one place
owns file access and every problem is reported with its dotted path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from bot.safety.regex_safety import backtracking_problem

Category = Literal["crisis", "danger", "abuse_sign"]
Severity = Literal["concern", "high", "imminent"]
Scope = Literal["span", "sentence", "message"]
SCOPES = ("span", "sentence", "message")
#: What the meaning layer proposes for one text: categories, and URGENT where it reads an act
#: under way or done, means at hand or a time set; URGENT makes a crisis imminent, whichever
#: layer found the crisis, and adds nothing without one.
Urgent = Literal["urgent"]
URGENT: Urgent = "urgent"
#: The meaning layer reads a text as clearly not of a category (``semantic.CLEAR_BELOW``), and
#: may then overrule that category's pattern hits where ``[meaning] overrule`` lists it
#: (``MeaningRules``). Abuse signs only: the model reads a plain disclosure asked as a question
#: ("my partner hits me, should we try couples counselling?") as clearly neither crisis nor
#: danger, so it marks neither.
Clear = Literal["clear_abuse_sign"]
CLEAR: dict[Category, Clear] = {"abuse_sign": "clear_abuse_sign"}
Proposal = frozenset[Category | Urgent | Clear]
#: The categories ``[meaning] overrule`` may list: those the meaning layer marks clear.
OVERRULABLE: tuple[Category, ...] = tuple(CLEAR)

CATEGORIES: tuple[Category, ...] = ("crisis", "danger", "abuse_sign")
#: The meaning layer's threshold sets (a server's /setup safety-sensitivity); patterns ignore it
SENSITIVITIES = ("quiet", "balanced", "sensitive")
DEFAULT_SENSITIVITY = "balanced"
SEVERITIES: tuple[Severity, ...] = ("concern", "high", "imminent")
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

TITLE_LIMIT = 256  # Discord embed title
BODY_LIMIT = 4096  # Discord embed description
SHORT_LIMIT = 80  # button labels
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_MACRO_RE = re.compile(r"%([a-z][a-z0-9_]*)%")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = frozenset({"emergency", "helplines", "directory"})

Problems = list[tuple[str, str]]


@dataclass(frozen=True)
class PatternRule:
    """One pattern: a hit in ``category`` at ``severity`` when ``regex`` matches normalised text.

    With ``near``, the hit counts only if ``near`` also matches within ``window`` characters
    of it ("silence" near "every time"): cheaper and clearer than one regex with a wide gap.
    """

    category: Category
    id: str
    regex: str
    severity: Severity
    near: str | None = None
    window: int = 80


@dataclass(frozen=True)
class ExclusionRule:
    """Drops hits that an idiom, negation or context explains away.

    ``scope="span"`` drops hits overlapping the exclusion's own match; ``"sentence"`` those in
    its sentence (a past told as over, a kitchen or a helpline explains the sentence it is in,
    not a present risk in the next one); ``"message"`` drops every hit of the listed
    categories (the whole message is someone else's, a question, a reply to a member).
    ``unless`` voids the exclusion (e.g. "fr", "i mean it").
    """

    id: str
    regex: str
    categories: frozenset[Category]
    scope: Scope
    unless: str | None
    rules: frozenset[str] = frozenset()  # limit to these pattern ids; empty means all
    #: It says the risk is someone else's (a friend, a sister): the writer is a supporter
    supporter: bool = False


@dataclass(frozen=True)
class Escalator:
    """Raises a surviving hit of ``categories`` to ``severity`` when ``regex`` is in the message."""

    id: str
    regex: str
    categories: frozenset[Category]
    severity: Severity
    unless: str | None = None


@dataclass(frozen=True)
class CategoryResponse:
    title: str
    body: str
    imminent_body: str | None


@dataclass(frozen=True)
class Responses:
    crisis: CategoryResponse
    danger: CategoryResponse
    abuse_sign: CategoryResponse
    nudge_text: str
    nudge_button: str
    device_safety: str
    mod_alert: Mapping[str, str]
    #: For a member worried about someone else (no alert): title, and a body with {helplines}
    supporter: CategoryResponse

    def for_category(self, category: Category) -> CategoryResponse:
        return cast(CategoryResponse, getattr(self, category))


@dataclass(frozen=True)
class MeaningRules:
    """Limits on the meaning (embedding) layer, which has no span for an exclusion to hit:
    it reads messages of at least ``min_words`` words, and proposes nothing where ``veto``
    (laughter, a joke marker) is in the message, unless ``veto_unless`` is too (gallows
    humour about a real plan is still crisis).

    Where it reads a message as clearly not of a category, it overrules that category's
    pattern hits if the category is in ``overrule``, unless a hit is imminent: an abuse sign's
    words in a context the model reads (a match on TV, short silences that end in tea, a
    spouse's illness, a past told as over). Never crisis or danger: the model reads a plain
    disclosure asked as a question ("my partner hits me, should we try couples counselling?",
    "i want to die, should i tell my therapist?") as clearly neither."""

    min_words: int = 3
    veto: str | None = None
    veto_unless: str | None = None
    overrule: frozenset[Category] = frozenset()

    def may_overrule(self, hit_category: Category, severity: Severity) -> bool:
        """Whether the meaning layer's reading of "clearly not" drops this pattern hit."""
        return severity != "imminent" and hit_category in self.overrule


@dataclass(frozen=True)
class ContextRules:
    """When a reply is read with the message it answers (``bot/safety/context.py``): at most
    ``max_words`` words; ``agreement`` ("same", "me too") takes on what another member said."""

    max_words: int = 6
    agreement: str | None = None


@dataclass(frozen=True)
class SupporterRules:
    """When a member is worried about someone else (``Detection.for_someone_else``): ``asks``
    holds (the writer asks what to do, or says they are worried), and someone else's crisis
    words do: a supporter exclusion (English) or ``about`` (our other languages)."""

    asks: str | None = None
    about: str | None = None


@dataclass(frozen=True)
class SafetyRules:
    patterns: tuple[PatternRule, ...]
    exclusions: tuple[ExclusionRule, ...]
    escalators: tuple[Escalator, ...]
    responses: Responses
    meaning: MeaningRules = MeaningRules()
    context: ContextRules = ContextRules()
    supporter: SupporterRules = SupporterRules()


def parse_safety_rules(
    data: Mapping[str, Any],
) -> tuple[SafetyRules | None, list[tuple[str, str]]]:
    """Returns (rules, problems); problems are (dotted.path, message) and rules is None then."""
    problems: Problems = []
    macros = _parse_macros(data.get("macros", {}), problems)
    patterns: list[PatternRule] = []
    seen_ids: set[str] = set()
    for cat in CATEGORIES:
        section = data.get(cat)
        if not isinstance(section, Mapping):
            problems.append((cat, "missing table"))
            continue
        patterns.extend(_parse_patterns(cat, section.get("patterns"), macros, seen_ids, problems))
    exclusions = _parse_exclusions(data.get("exclusions", []), macros, problems)
    for i, exc in enumerate(exclusions):
        for unknown in sorted(exc.rules - seen_ids):
            problems.append((f"exclusions[{i}].rules", f"unknown pattern id {unknown!r}"))
    escalators = _parse_escalators(data.get("escalators", []), macros, problems)
    responses = _parse_responses(data.get("responses"), problems)
    meaning = _parse_meaning(data.get("meaning", {}), macros, problems)
    context = _parse_context(data.get("context", {}), macros, problems)
    supporter_raw = data.get("supporter", {})
    asks = about = None
    if not isinstance(supporter_raw, Mapping):
        problems.append(("supporter", "must be a table (asks, about)"))
    else:
        if "asks" in supporter_raw:
            asks = _regex_field(supporter_raw, "asks", "supporter", macros, problems)
        if "about" in supporter_raw:
            about = _regex_field(supporter_raw, "about", "supporter", macros, problems)
    if problems or responses is None:
        return None, problems
    rules = SafetyRules(
        tuple(patterns),
        tuple(exclusions),
        tuple(escalators),
        responses,
        meaning,
        context,
        SupporterRules(asks, about),
    )
    return rules, []


def parse_responses(raw: Any) -> tuple[Responses | None, list[tuple[str, str]]]:
    """Only the [responses] tables: a translation's safety.toml holds nothing else."""
    problems: Problems = []
    return _parse_responses(raw, problems), problems


def _parse_meaning(raw: Any, macros: Mapping[str, str], problems: Problems) -> MeaningRules:
    if not isinstance(raw, Mapping):
        problems.append(("meaning", "must be a table (min_words, veto, veto_unless, overrule)"))
        return MeaningRules()
    min_words = raw.get("min_words", 3)
    if not isinstance(min_words, int) or isinstance(min_words, bool) or not 1 <= min_words <= 50:
        problems.append(("meaning.min_words", "must be a whole number from 1 to 50"))
        min_words = 3
    veto, veto_unless = (
        _regex_field(raw, key, "meaning", macros, problems) if key in raw else None
        for key in ("veto", "veto_unless")
    )
    overrule = raw.get("overrule", [])
    if not isinstance(overrule, list) or any(c not in OVERRULABLE for c in overrule):
        problems.append(
            ("meaning.overrule", f"may list only {', '.join(OVERRULABLE)} (or nothing)")
        )
        overrule = []
    return MeaningRules(min_words, veto, veto_unless, frozenset(cast(list[Category], overrule)))


def _parse_context(raw: Any, macros: Mapping[str, str], problems: Problems) -> ContextRules:
    if not isinstance(raw, Mapping):
        problems.append(("context", "must be a table (max_words, agreement)"))
        return ContextRules()
    max_words = raw.get("max_words", ContextRules.max_words)
    if not isinstance(max_words, int) or isinstance(max_words, bool) or not 1 <= max_words <= 50:
        problems.append(("context.max_words", "must be a whole number from 1 to 50"))
        max_words = ContextRules.max_words
    agreement = (
        _regex_field(raw, "agreement", "context", macros, problems) if "agreement" in raw else None
    )
    return ContextRules(max_words, agreement)


def _parse_macros(raw: Any, problems: Problems) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        problems.append(("macros", "must be a table of name = regex fragment"))
        return {}
    out: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(value, str) or not _ID_RE.match(str(name)):
            problems.append((f"macros.{name}", "must be a lowercase name = string"))
            continue
        out[str(name)] = value
    # Macros may use earlier macros; expand until stable (bounded to stop cycles).
    for _ in range(5):
        out = {k: _expand(v, out, None, []) for k, v in out.items()}
    for name, value in out.items():
        if _MACRO_RE.search(value):
            problems.append((f"macros.{name}", "unknown or cyclic macro reference"))
        else:
            _check_regex(value, f"macros.{name}", problems, allow_empty=True)
    return out


def _expand(regex: str, macros: Mapping[str, str], path: str | None, problems: Problems) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in macros:
            return f"(?:{macros[name]})"
        if path is not None:
            problems.append((path, f"unknown macro %{name}%"))
        return m.group(0)

    return _MACRO_RE.sub(sub, regex)


def _check_regex(regex: str, path: str, problems: Problems, allow_empty: bool = False) -> bool:
    try:
        compiled = re.compile(regex)
    except re.error as exc:
        problems.append((path, f"invalid regex: {exc}"))
        return False
    if compiled.groups:
        problems.append((path, "use non-capturing groups (?:...) only"))
        return False
    if not allow_empty and compiled.match(""):
        problems.append((path, "regex matches the empty string"))
        return False
    slow = backtracking_problem(regex)
    if slow is not None:
        problems.append((path, slow))
        return False
    return True


def _table_list(raw: Any, path: str, problems: Problems) -> Sequence[Mapping[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(x, Mapping) for x in raw):
        problems.append((path, "must be an array of tables"))
        return []
    return raw


def _req_str(item: Mapping[str, Any], key: str, path: str, problems: Problems) -> str | None:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append((f"{path}.{key}", "required non-empty string"))
        return None
    return value


def _regex_field(
    item: Mapping[str, Any], key: str, path: str, macros: Mapping[str, str], problems: Problems
) -> str | None:
    raw = _req_str(item, key, path, problems)
    if raw is None:
        return None
    before = len(problems)
    expanded = _expand(raw, macros, f"{path}.{key}", problems)
    if len(problems) > before or not _check_regex(expanded, f"{path}.{key}", problems):
        return None
    return expanded


def _id_field(item: Mapping[str, Any], path: str, seen: set[str], problems: Problems) -> str | None:
    rid = _req_str(item, "id", path, problems)
    if rid is None:
        return None
    if not _ID_RE.match(rid):
        problems.append((f"{path}.id", "use lowercase letters, digits and _ (max 48)"))
        return None
    if rid in seen:
        problems.append((f"{path}.id", f"duplicate id {rid!r}"))
        return None
    seen.add(rid)
    return rid


def _severity(item: Mapping[str, Any], path: str, problems: Problems) -> Severity | None:
    value = item.get("severity")
    if value not in SEVERITIES:
        problems.append((f"{path}.severity", f"must be one of {', '.join(SEVERITIES)}"))
        return None
    return cast(Severity, value)


def _categories(
    item: Mapping[str, Any], path: str, problems: Problems
) -> frozenset[Category] | None:
    value = item.get("categories", list(CATEGORIES))
    if not isinstance(value, list) or not value or any(v not in CATEGORIES for v in value):
        problems.append((f"{path}.categories", f"must list some of {', '.join(CATEGORIES)}"))
        return None
    return frozenset(cast(list[Category], value))


def _parse_patterns(
    cat: Category, raw: Any, macros: Mapping[str, str], seen: set[str], problems: Problems
) -> list[PatternRule]:
    """Pattern ids are unique across categories so exclusions can name them."""
    out: list[PatternRule] = []
    items = _table_list(raw, f"{cat}.patterns", problems)
    if not items and raw is not None:
        return out
    for i, item in enumerate(items):
        path = f"{cat}.patterns[{i}]"
        rid = _id_field(item, path, seen, problems)
        sev = _severity(item, path, problems)
        regex = _regex_field(item, "regex", path, macros, problems)
        near = None
        if "near" in item:
            near = _regex_field(item, "near", path, macros, problems)
            if near is None:
                continue
        window = item.get("window", 80)
        if not isinstance(window, int) or isinstance(window, bool) or not 0 < window <= 1000:
            problems.append((f"{path}.window", "must be an integer from 1 to 1000"))
            continue
        if rid and sev and regex:
            out.append(PatternRule(cat, rid, regex, sev, near, window))
    if raw is None:
        problems.append((f"{cat}.patterns", "missing"))
    return out


def _parse_exclusions(
    raw: Any, macros: Mapping[str, str], problems: Problems
) -> list[ExclusionRule]:
    out: list[ExclusionRule] = []
    seen: set[str] = set()
    for i, item in enumerate(_table_list(raw, "exclusions", problems)):
        path = f"exclusions[{i}]"
        rid = _id_field(item, path, seen, problems)
        regex = _regex_field(item, "regex", path, macros, problems)
        cats = _categories(item, path, problems)
        scope = item.get("scope", "span")
        if scope not in SCOPES:
            problems.append((f"{path}.scope", "must be 'span', 'sentence' or 'message'"))
        unless = None
        if "unless" in item:
            unless = _regex_field(item, "unless", path, macros, problems)
            if unless is None:
                continue
        rules = item.get("rules", [])
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            problems.append((f"{path}.rules", "must be a list of pattern ids"))
            continue
        supporter = item.get("supporter", False)
        if not isinstance(supporter, bool):
            problems.append((f"{path}.supporter", "must be true or false"))
            continue
        if rid and regex and cats and scope in SCOPES:
            out.append(
                ExclusionRule(
                    rid, regex, cats, cast(Scope, scope), unless, frozenset(rules), supporter
                )
            )
    return out


def _parse_escalators(raw: Any, macros: Mapping[str, str], problems: Problems) -> list[Escalator]:
    out: list[Escalator] = []
    seen: set[str] = set()
    for i, item in enumerate(_table_list(raw, "escalators", problems)):
        path = f"escalators[{i}]"
        rid = _id_field(item, path, seen, problems)
        regex = _regex_field(item, "regex", path, macros, problems)
        cats = _categories(item, path, problems)
        sev = _severity(item, path, problems)
        unless = None
        if "unless" in item:
            unless = _regex_field(item, "unless", path, macros, problems)
        if rid and regex and cats and sev:
            out.append(Escalator(rid, regex, cats, sev, unless))
    return out


def _text(
    table: Mapping[str, Any], key: str, path: str, limit: int, problems: Problems
) -> str | None:
    value = _req_str(table, key, path, problems)
    if value is None:
        return None
    if len(value) > limit:
        problems.append((f"{path}.{key}", f"longer than {limit} characters"))
    for name in _PLACEHOLDER_RE.findall(value):
        if name not in PLACEHOLDERS:
            problems.append((f"{path}.{key}", f"unknown placeholder {{{name}}}"))
    return value


def _category_response(
    raw: Mapping[str, Any], cat: Category, problems: Problems
) -> CategoryResponse | None:
    path = f"responses.{cat}"
    table = raw.get(cat)
    if not isinstance(table, Mapping):
        problems.append((path, "missing table"))
        return None
    title = _text(table, "title", path, TITLE_LIMIT, problems)
    body = _text(table, "body", path, BODY_LIMIT, problems)
    imminent = None
    if cat != "abuse_sign" or "imminent_body" in table:
        imminent = _text(table, "imminent_body", path, BODY_LIMIT, problems)
        if imminent is not None and "{emergency}" not in imminent.strip().split("\n")[0]:
            problems.append((f"{path}.imminent_body", "first line must show {emergency}"))
    if body is not None and "{emergency}" in body:
        problems.append((f"{path}.body", "only imminent_body may show {emergency}"))
    if body is not None and "{helplines}" not in body:
        problems.append((f"{path}.body", "must include {helplines}"))
    if title is None or body is None:
        return None
    return CategoryResponse(title, body, imminent)


def _parse_responses(raw: Any, problems: Problems) -> Responses | None:
    if not isinstance(raw, Mapping):
        problems.append(("responses", "missing table"))
        return None
    before = len(problems)
    crisis = _category_response(raw, "crisis", problems)
    danger = _category_response(raw, "danger", problems)
    abuse = _category_response(raw, "abuse_sign", problems)
    nudge = raw.get("nudge", {})
    nudge = nudge if isinstance(nudge, Mapping) else {}
    nudge_text = _text(nudge, "text", "responses.nudge", BODY_LIMIT, problems)
    nudge_button = _text(nudge, "button", "responses.nudge", SHORT_LIMIT, problems)
    dev = raw.get("device_safety", {})
    dev = dev if isinstance(dev, Mapping) else {}
    device = _text(dev, "text", "responses.device_safety", BODY_LIMIT, problems)
    alert_raw = raw.get("mod_alert", {})
    alert_raw = alert_raw if isinstance(alert_raw, Mapping) else {}
    alerts = {
        c: _text(alert_raw, c, "responses.mod_alert", BODY_LIMIT, problems) for c in CATEGORIES
    }
    supporter = _supporter_response(raw, problems)
    if len(problems) > before:
        return None
    assert crisis and danger and abuse and nudge_text and nudge_button and device and supporter
    return Responses(
        crisis=crisis,
        danger=danger,
        abuse_sign=abuse,
        nudge_text=nudge_text,
        nudge_button=nudge_button,
        device_safety=device,
        mod_alert={k: v for k, v in alerts.items() if v is not None},
        supporter=supporter,
    )


def _supporter_response(raw: Mapping[str, Any], problems: Problems) -> CategoryResponse | None:
    path = "responses.supporter"
    table = raw.get("supporter")
    if not isinstance(table, Mapping):
        problems.append((path, "missing table"))
        return None
    title = _text(table, "title", path, TITLE_LIMIT, problems)
    body = _text(table, "body", path, BODY_LIMIT, problems)
    if body is not None and "{helplines}" not in body:
        problems.append((f"{path}.body", "must include {helplines}"))
    if title is None or body is None:
        return None
    return CategoryResponse(title, body, None)
