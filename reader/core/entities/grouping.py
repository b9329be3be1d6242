"""Library-level linking: one entity per real thing across the library.

Each article links its own mentions (`linking`); here the library's entities are grouped:
spellings that differ only in case or dots share a key already ("LONDON", "U.S."); a small
curated table joins the common countries and bodies to their short forms ("US" and "United
States"); plural and singular demonyms are one group ("Americans", "American"); and a lone
surname joins the one full name of the library that ends in it ("Obama" -> "Barack Obama"),
unless two people share it. Mentions keep their own text; a group is what lists, counts and
search operators use.

`LINK_RULES` is the order; each rule proposes pairs of entities to join. The person's own
merges (`extra_pairs`) are joined last.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from . import lexicon
from .linking import normalise

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Country and body names are tagged as places by one article and organisations by the next
# ("EU"), so their curated aliases join across these labels.
_BODY_LABELS = frozenset({"GPE", "LOC", "ORG"})

# The common countries and bodies under their usual names, with the short and long forms an
# article uses for them (normalised: lower case, no dots).
CURATED_ALIASES: Mapping[str, tuple[str, ...]] = {
    "United States": ("us", "usa", "america", "united states of america"),
    "United Kingdom": ("uk", "britain", "great britain"),
    "United Arab Emirates": ("uae",),
    "Democratic Republic of the Congo": ("drc", "dr congo"),
    "Russia": ("russian federation",),
    "China": ("people's republic of china", "prc", "mainland china"),
    "South Korea": ("republic of korea",),
    "North Korea": ("dprk", "democratic people's republic of korea"),
    "Netherlands": ("holland",),
    "Czech Republic": ("czechia",),
    "European Union": ("eu",),
    "United Nations": ("un",),
    "NATO": ("north atlantic treaty organization", "north atlantic treaty organisation"),
    "World Health Organization": ("who", "world health organisation"),
    "International Monetary Fund": ("imf",),
    "World Trade Organization": ("wto",),
    "European Central Bank": ("ecb",),
    "Federal Reserve": ("fed", "us federal reserve", "federal reserve board"),
    "Federal Bureau of Investigation": ("fbi",),
    "Central Intelligence Agency": ("cia",),
    "National Health Service": ("nhs",),
    "Environmental Protection Agency": ("epa",),
    "Securities and Exchange Commission": ("sec",),
    "Food and Drug Administration": ("fda",),
    "Organisation for Economic Co-operation and Development": (
        "oecd",
        "organization for economic cooperation and development",
    ),
    "BBC": ("british broadcasting corporation",),
}


def _alias_index(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, forms in aliases.items():
        canonical = normalise(name)
        index[canonical] = canonical
        for form in forms:
            index[normalise(form)] = canonical
    return index


_CURATED_INDEX = _alias_index(CURATED_ALIASES)
_CURATED_NAMES = {normalise(name): name for name in CURATED_ALIASES}


@dataclass(frozen=True, slots=True)
class Known:
    """One stored entity as the linking sees it."""

    id: int
    key: str
    label: str
    name: str
    articles: int = 0
    aliases: tuple[str, ...] = ()

    @property
    def normalised(self) -> str:
        return normalise(self.name)


@dataclass(slots=True)
class Group:
    """The entities a person would call one: its name and label, and every spelling."""

    name: str
    label: str
    members: list[Known] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.label.lower()}:{normalise(self.name)}"

    @property
    def aliases(self) -> list[str]:
        """Every other spelling of the group's members, once each, most used first."""
        seen: dict[str, None] = {}
        for member in sorted(self.members, key=lambda m: -m.articles):
            for form in (member.name, *member.aliases):
                if form != self.name:
                    seen.setdefault(form, None)
        return list(seen)


@cache
def normalised_places() -> frozenset[str]:
    """The known places, normalised: a name that may be a place and something else."""
    return frozenset(normalise(place) for place in lexicon.places())


Pair = tuple[int, int]
LinkRule = Callable[[Sequence[Known]], Iterable[Pair]]


def _family(label: str) -> str:
    return "PLACE" if label in PLACE_LABELS else label


def same_name_as_a_place(known: Sequence[Known]) -> Iterable[Pair]:
    """One place tagged GPE in one article and LOC in another is one place."""
    first: dict[str, int] = {}
    for entity in known:
        if entity.label in PLACE_LABELS:
            other = first.setdefault(entity.normalised, entity.id)
            if other != entity.id:
                yield other, entity.id


def curated_alias(known: Sequence[Known]) -> Iterable[Pair]:
    """ "US", "U.S." and "United States"; "EU" and "European Union"."""
    first: dict[str, int] = {}
    for entity in known:
        canonical = _CURATED_INDEX.get(entity.normalised)
        if canonical is None or entity.label not in _BODY_LABELS:
            continue
        other = first.setdefault(canonical, entity.id)
        if other != entity.id:
            yield other, entity.id


def plural_demonym(known: Sequence[Known]) -> Iterable[Pair]:
    """ "Americans" and "American": one group."""
    groups = {e.normalised: e.id for e in known if e.label == "NORP"}
    for entity in known:
        name = entity.normalised
        if entity.label == "NORP" and name.endswith("s") and name[:-1] in groups:
            yield groups[name[:-1]], entity.id


def surname_of_one_person(known: Sequence[Known]) -> Iterable[Pair]:
    """A lone surname joins the one full name of the library that ends in it."""
    full_names: dict[str, set[str]] = defaultdict(set)
    by_name: dict[str, int] = {}
    for entity in known:
        if entity.label != "PERSON":
            continue
        words = entity.normalised.split()
        by_name.setdefault(entity.normalised, entity.id)
        if len(words) > 1:
            full_names[words[-1]].add(entity.normalised)
    for entity in known:
        name = entity.normalised
        if entity.label == "PERSON" and " " not in name and len(full_names.get(name, ())) == 1:
            yield by_name[next(iter(full_names[name]))], entity.id


def same_name_other_label(known: Sequence[Known]) -> Iterable[Pair]:
    """One name typed PERSON in one article and ORG in the next ("Twitter", "Scooter Braun")
    is one thing, unless the name is a known place or the surname of a person of the library:
    there the labels may be two things ("Jordan" the country, "Taylor" the city and the
    person)."""
    surnames = {
        e.normalised.rsplit(" ", 1)[-1]
        for e in known
        if e.label == "PERSON" and " " in e.normalised
    }
    places = normalised_places()
    first: dict[str, int] = {}
    for entity in known:
        name = entity.normalised
        if (
            entity.label not in lexicon.NAME_LABELS
            or name in places
            or name in surnames
            or not any(ch.isalpha() for ch in name)
        ):
            continue
        other = first.setdefault(name, entity.id)
        if other != entity.id:
            yield other, entity.id


LINK_RULES: tuple[LinkRule, ...] = (
    same_name_as_a_place,
    curated_alias,
    plural_demonym,
    surname_of_one_person,
    same_name_other_label,
)


def group(
    known: Sequence[Known],
    extra_pairs: Iterable[Pair] = (),
    rules: tuple[LinkRule, ...] = LINK_RULES,
) -> list[Group]:
    """The library's entities in groups, each group under its best name, most articles first."""
    parent = {entity.id: entity.id for entity in known}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    pairs = [pair for rule in rules for pair in rule(known)]
    for a, b in [*pairs, *extra_pairs]:
        if a in parent and b in parent:
            parent[root(b)] = root(a)
    members: dict[int, list[Known]] = defaultdict(list)
    for entity in known:
        members[root(entity.id)].append(entity)
    groups = [_named(found) for found in members.values()]
    groups.sort(key=lambda g: (-sum(m.articles for m in g.members), g.name.lower()))
    return groups


def _named(members: list[Known]) -> Group:
    """The group's name: a curated name, else the full name of a person, else the spelling
    most articles use, written as prose writes it (not "LONDON")."""
    best = max(
        members,
        key=lambda m: (m.label == "PERSON" and " " in m.normalised, m.articles, -m.id),
    )
    name = best.name
    curated = next(
        (
            _CURATED_NAMES[c]
            for m in members
            if (c := _CURATED_INDEX.get(m.normalised)) in _CURATED_NAMES
        ),
        None,
    )
    if curated is not None:
        name = curated
    elif _shouting(name):
        name = next(
            (
                f
                for m in members
                for f in (m.name, *m.aliases)
                if normalise(f) == normalise(name) and not _shouting(f)
            ),
            name.title(),
        )
    return Group(name=name, label=_label(members, best), members=members)


def _label(members: list[Known], best: Known) -> str:
    """The label most of the group's articles give it (the best spelling's on a tie)."""
    weights: dict[str, int] = defaultdict(int)
    for member in members:
        weights[member.label] += member.articles
    top = max(weights.values())
    return best.label if weights[best.label] == top else max(weights, key=lambda k: weights[k])


def _shouting(name: str) -> bool:
    """A name in capitals that is no acronym: a dateline's "LONDON"."""
    letters = name.replace(" ", "").replace(".", "")
    return name.isupper() and (len(letters) > 5 or " " in name)


def search_keys(labels: Iterable[str], value: str) -> list[str]:
    """The entity keys a search for `value` among `labels` matches beyond the name itself: its
    case and punctuation variants, curated aliases and the demonym's other number."""
    wanted = normalise(value)
    forms = {wanted}
    canonical = _CURATED_INDEX.get(wanted)
    if canonical is not None:
        forms |= {form for form, target in _CURATED_INDEX.items() if target == canonical}
    labels = list(labels)
    if wanted not in normalised_places():
        # One name is one thing whatever label an article gave it (see same_name_other_label).
        labels = sorted(set(labels) | lexicon.NAME_LABELS)
    if "NORP" in labels:
        forms |= {wanted + "s"} | ({wanted[:-1]} if wanted.endswith("s") else set())
    if canonical is not None and set(labels) & _BODY_LABELS:
        labels = sorted(set(labels) | _BODY_LABELS)
    return sorted(f"{label.lower()}:{form}" for label in labels for form in forms)


def surname(value: str) -> str:
    """The last word of a normalised person's name ("barack obama" -> "obama")."""
    return normalise(value).rsplit(" ", 1)[-1]
