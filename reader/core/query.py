"""The search language: free text, "phrases", -word, OR, prefix*, and filters such as tag:,
site:, is:, person:, org:, place:, before: and after:, turned into FTS5 and SQL safely."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from reader.core.errors import ReadmarkError

HELP = (
    'Search words, "exact phrases", -excluded, a OR b, prefix*, and filters: tag:NAME, '
    "site:DOMAIN, is:unread|read|archived|favorite, person:NAME, org:NAME, place:NAME, "
    "product:NAME, title:WORD, note:WORD, feed:NAME, before:DATE, after:DATE (dates like "
    "2024-05-31, 2024-05, 2024, today, yesterday, 7d, 2w, 3m; compared with the date saved)."
)

ENTITY_LABELS: dict[str, tuple[str, ...]] = {
    "person": ("PERSON",),
    "org": ("ORG",),
    "place": ("GPE", "LOC", "FAC"),
    "product": ("PRODUCT",),
}
STATES: dict[str, str] = {
    "unread": "a.unread = 1",
    "read": "a.unread = 0",
    "archived": "a.archived = 1",
    "inbox": "a.archived = 0",
    "favorite": "a.favorite = 1",
    "favourite": "a.favorite = 1",
    "starred": "a.favorite = 1",
}
# Filters that search one indexed column instead of all of them.
FTS_COLUMN_FILTERS = {"title": "title", "by": "byline", "author": "byline", "note": "notes"}
FILTERS = (
    {"tag", "site", "is", "before", "after", "feed"} | set(ENTITY_LABELS) | set(FTS_COLUMN_FILTERS)
)


class QueryError(ReadmarkError):
    """A search query that cannot be understood; the message says what to change."""


@dataclass(frozen=True, slots=True)
class Term:
    """Words to find: one word, a prefix (`word*`) or a phrase, optionally in one column."""

    text: str
    phrase: bool = False
    prefix: bool = False
    column: str | None = None

    def fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        if self.prefix:
            quoted += " *"
        if self.column:
            return f"{self.column} : {quoted}"
        return quoted


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    value: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: groups of terms (OR inside a group, AND between groups), excluded terms
    and filters."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()
    trash: bool = False

    @property
    def has_text(self) -> bool:
        return bool(self.groups or self.excluded)

    def match_expression(self) -> str | None:
        """The FTS5 MATCH expression for the wanted terms, or None when there are none."""
        if not self.groups:
            return None
        parts = []
        for group in self.groups:
            if len(group) == 1:
                parts.append(group[0].fts())
            else:
                parts.append("(" + " OR ".join(term.fts() for term in group) + ")")
        expression = " AND ".join(parts)
        if self.excluded:
            expression = f"({expression}) NOT ({self.exclude_expression()})"
        return expression

    def exclude_expression(self) -> str | None:
        if not self.excluded:
            return None
        return " OR ".join(term.fts() for term in self.excluded)


@dataclass(slots=True)
class Where:
    """SQL conditions on the `articles` table (aliased `a`) with their parameters."""

    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    def add(self, clause: str, *params: object) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"


_TOKEN = re.compile(
    r"""(?P<neg>-)?
        (?:(?P<name>[A-Za-z]+):)?
        (?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))?
        (?P<open>")?""",
    re.VERBOSE,
)
_WORDY = re.compile(r"\w", re.UNICODE)


# Control characters mean nothing in a search, and a NUL ends an FTS5 string early, which SQLite
# reports as a malformed database.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def parse(text: str) -> Query:
    """Parse a query string; raises QueryError with a readable message when it is malformed."""
    text = _CONTROL.sub(" ", text)
    if text.count('"') % 2:
        raise QueryError('A quote is not closed: add the missing " or remove the stray one.')
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    filters: list[Filter] = []
    trash = False
    pending_or = False
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:  # pragma: no cover - the pattern always moves
            raise QueryError(f"Cannot read the query near {text[position : position + 20]!r}.")
        position = match.end()
        negated = bool(match["neg"])
        name = (match["name"] or "").lower()
        quoted = match["quoted"]
        value = quoted if quoted is not None else (match["bare"] or "")
        if match["name"] and name not in FILTERS:
            raise QueryError(
                f"Unknown filter {match['name']}:. Put it in quotes to search for the text. " + HELP
            )
        if name and name not in FTS_COLUMN_FILTERS:
            value = value.strip()
            if not value:
                raise QueryError(f"{name}: needs a value, for example {_example(name)}.")
            if name == "is":
                state = value.lower()
                if state in ("trash", "deleted"):
                    trash = not negated
                    continue
                if state not in STATES:
                    raise QueryError(
                        f"is:{value} is not a state. Use is:unread, is:read, is:archived, "
                        "is:favorite or is:trash."
                    )
                value = state
            elif name in ("before", "after"):
                value = parse_date(value, name)
            filters.append(Filter(name, value, negated))
            continue
        if not negated and not quoted and value == "OR" and not name:
            pending_or = bool(groups)
            continue
        if not _WORDY.search(value):
            if name:
                raise QueryError(f"{name}: needs a word to search for, for example {name}:climate.")
            continue  # lone punctuation matches nothing and means nothing
        prefix = quoted is None and value.endswith("*")
        if prefix:
            value = value.rstrip("*")
        term = Term(
            value,
            phrase=quoted is not None,
            prefix=prefix,
            column=FTS_COLUMN_FILTERS.get(name),
        )
        if negated:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return Query(
        groups=tuple(tuple(group) for group in groups),
        excluded=tuple(excluded),
        filters=tuple(filters),
        trash=trash,
    )


def _example(name: str) -> str:
    return {
        "tag": "tag:python",
        "site": "site:nytimes.com",
        "is": "is:unread",
        "person": 'person:"Ada Lovelace"',
        "org": "org:UNESCO",
        "place": "place:Lisbon",
        "before": "before:2024-05-31",
        "after": "after:2024-01",
    }.get(name, f"{name}:word")


_RELATIVE = re.compile(r"^(\d{1,4})([dwmy])$")
_ABSOLUTE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(value: str, name: str, today: date | None = None) -> str:
    """The ISO date that bounds `before:`/`after:`: saved before it, or on/after it."""
    try:
        return _parse_date(value, name, today)
    except (OverflowError, ValueError) as exc:
        raise QueryError(
            f"{name}:{value} is out of range: dates run from the year 1 to the year 9999."
        ) from exc


def _parse_date(value: str, name: str, today: date | None) -> str:
    today = today or datetime.now(UTC).date()
    text = value.strip().lower()
    if text in ("today", "yesterday"):
        day = today if text == "today" else today - timedelta(days=1)
        return (day + timedelta(days=1) if name == "after" else day).isoformat()
    relative = _RELATIVE.match(text)
    if relative:
        amount = int(relative[1])
        days = amount * {"d": 1, "w": 7, "m": 30, "y": 365}[relative[2]]
        return (today - timedelta(days=days)).isoformat()
    absolute = _ABSOLUTE.match(text)
    if not absolute:
        raise QueryError(
            f"{name}:{value} is not a date. Use a date like 2024-05-31, 2024-05 or 2024, "
            "or today, yesterday, 7d, 2w, 3m."
        )
    year = int(absolute[1])
    month = int(absolute[2]) if absolute[2] else None
    day_number = int(absolute[3]) if absolute[3] else None
    try:
        first = date(year, month or 1, day_number or 1)
    except ValueError as exc:
        raise QueryError(f"{name}:{value} is not a real date ({exc}).") from exc
    if name == "before":
        return first.isoformat()
    # after: a period means "after the whole period"
    if day_number is not None:
        following = first + timedelta(days=1)
    elif month is not None:
        following = date(year + (month == 12), month % 12 + 1, 1)
    else:
        following = date(year + 1, 1, 1)
    return following.isoformat()


def site_value(value: str) -> str:
    host = value.strip().lower()
    host = re.sub(r"^[a-z]+://", "", host).split("/")[0]
    return host[4:] if host.startswith("www.") else host


def build_where(query: Query, where: Where | None = None) -> Where:
    """SQL conditions for the query's filters (not its text terms) on `articles a`."""
    where = where or Where()
    where.add("a.deleted_at IS NOT NULL" if query.trash else "a.deleted_at IS NULL")
    for item in query.filters:
        clause, params = _filter_sql(item)
        if item.negated:
            clause = f"NOT ({clause})"
        where.add(clause, *params)
    return where


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _entity_sql(labels: tuple[str, ...], value: str) -> tuple[str, list[object]]:
    """Articles mentioning the library entity `value` names: by name, by any spelling or
    curated alias, and for a person also by the surname or full name the library links."""
    from reader.core.entities.grouping import search_keys, surname
    from reader.core.entities.linking import normalise

    keys = search_keys(labels, value)
    label_marks = ", ".join("?" for _ in labels)
    parts = [
        f"SELECT id FROM entities WHERE key IN ({', '.join('?' for _ in keys)})",
        f"SELECT id FROM entities WHERE name = ? COLLATE NOCASE AND label IN ({label_marks})",
    ]
    params: list[object] = [*keys, value, *labels]
    if "PERSON" in labels:
        last = surname(value)
        # The full names of the library ending in the surname; linked only when there is one.
        ending = f"person:% {_like_escaped(last)}"
        one_person = (
            "(SELECT count(*) FROM entities WHERE label = 'PERSON' AND key LIKE ? ESCAPE '\\' "
            "AND article_count > 0) = 1"
        )
        wanted = f"person:{normalise(value)}"
        if " " not in wanted:
            parts.append(
                "SELECT id FROM entities WHERE label = 'PERSON' AND key LIKE ? ESCAPE '\\' "
                f"AND article_count > 0 AND {one_person}"
            )
            params += [ending, ending]
        else:
            parts.append(
                "SELECT id FROM entities WHERE key = ? AND EXISTS (SELECT 1 FROM entities "
                f"WHERE key = ? AND article_count > 0) AND {one_person}"
            )
            params += [f"person:{last}", wanted, ending]
    return (
        "a.id IN (SELECT ae.article_id FROM article_entities ae WHERE ae.entity_id IN ("
        + " UNION ALL ".join(parts)
        + "))",
        params,
    )


def _filter_sql(item: Filter) -> tuple[str, list[object]]:
    if item.name == "tag":
        return (
            "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE t.name = ?)",
            [item.value],
        )
    if item.name == "site":
        # The site and its subdomains are one range of the reversed-host index.
        key = ".".join(reversed(site_value(item.value).split("."))) + "."
        return (
            "((a.domain_key >= ? AND a.domain_key < ?) OR a.site_name = ? COLLATE NOCASE)",
            [key, key[:-1] + "/", item.value.strip()],
        )
    if item.name == "is":
        return STATES[item.value], []
    if item.name in ENTITY_LABELS:
        return _entity_sql(ENTITY_LABELS[item.name], item.value)
    if item.name == "feed":
        # Articles a feed brought: the feed by its number or title, or every feed of a folder.
        return (
            "a.id IN (SELECT fi.article_id FROM feed_items fi JOIN feeds f ON f.id = fi.feed_id "
            "WHERE CAST(f.id AS TEXT) = ? OR f.title = ? COLLATE NOCASE "
            "OR f.folder = ? COLLATE NOCASE)",
            [item.value, item.value, item.value],
        )
    if item.name == "before":
        return "a.added_at < ?", [item.value]
    if item.name == "after":
        return "a.added_at >= ?", [item.value]
    raise QueryError(f"Unknown filter {item.name}:.")  # pragma: no cover - parse() checks names
