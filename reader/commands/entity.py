"""`readmark-cli entity ...`: the library's entities, one per real thing, and the person's
decisions about them (merge, rename, retype, reject, add, undo)."""

from __future__ import annotations

import argparse
import csv
import sys

from reader.core.entities import catalog, decisions, recognise
from reader.core.entities.curation import Rule
from reader.core.entities.lexicon import LABELS
from reader.core.entities.xray import xray

from .common import open_library, print_json, print_table

# The words a person types for a type, beside the OntoNotes labels themselves.
TYPE_WORDS = {
    "person": "PERSON",
    "people": "PERSON",
    "org": "ORG",
    "organisation": "ORG",
    "organization": "ORG",
    "place": "GPE",
    "location": "LOC",
    "group": "NORP",
    "nationality": "NORP",
    "product": "PRODUCT",
    "software": "PRODUCT",
    "event": "EVENT",
    "work": "WORK_OF_ART",
    "law": "LAW",
    "facility": "FAC",
    "building": "FAC",
    "language": "LANGUAGE",
    "date": "DATE",
    "time": "TIME",
    "money": "MONEY",
    "quantity": "QUANTITY",
}


def entity_type(text: str) -> str:
    """An OntoNotes label from what the person typed ("person", "PERSON", "org")."""
    label = TYPE_WORDS.get(text.strip().lower(), text.strip().upper())
    if label not in LABELS:
        choices = ", ".join(sorted(TYPE_WORDS))
        raise argparse.ArgumentTypeError(
            f"unknown type {text!r}: use an OntoNotes label ({', '.join(LABELS)}) or {choices}"
        )
    return label


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "entity",
        help="the library's entities, one per real thing, and your decisions about them",
        description=(
            "List and show the library's entities (spellings, short forms and aliases linked), "
            "and correct them: every decision is a rule that later recognitions keep."
        ),
    )
    actions = parser.add_subparsers(dest="entity_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="every entity, most articles first")
    listing.add_argument("--type", type=entity_type, help="only this type (person, org, ...)")
    output = listing.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument("--csv", action="store_true", help="print CSV (aliases joined by |)")
    listing.set_defaults(run=run_list)

    show = actions.add_parser(
        "show", help="one entity: its spellings, articles, where they mention it, and company"
    )
    show.add_argument("name", metavar="NAME")
    show.add_argument("--type", type=entity_type, help="the one of this type, if several")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(run=run_show)

    merge = actions.add_parser("merge", help="OTHER names are NAME")
    merge.add_argument("name", metavar="NAME")
    merge.add_argument("others", metavar="OTHER", nargs="+")
    merge.set_defaults(run=run_merge)

    rename = actions.add_parser("rename", help="call the entity NAME by NEW")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(run=run_rename)

    retype = actions.add_parser("retype", help="NAME is of type TYPE")
    retype.add_argument("name", metavar="NAME")
    retype.add_argument("type", metavar="TYPE", type=entity_type)
    retype.set_defaults(run=run_retype)

    reject = actions.add_parser("reject", help="NAME is no entity (of TYPE, in article ID)")
    reject.add_argument("name", metavar="NAME")
    reject.add_argument("--type", type=entity_type, help="only as this type")
    reject.add_argument("--article", type=int, metavar="ID", help="only in this article")
    reject.set_defaults(run=run_reject)

    add = actions.add_parser("add", help="WORDS are an entity of TYPE in article ID")
    add.add_argument("id", type=int, metavar="ID")
    add.add_argument("--text", required=True, metavar="WORDS")
    add.add_argument("--type", required=True, type=entity_type)
    add.set_defaults(run=run_add)

    undo = actions.add_parser("undo", help="undo the last decision")
    undo.set_defaults(run=run_undo)


def run_list(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        found = library.read(catalog.library_entities, args.type)
    if args.json:
        print_json([each.to_json() for each in found])
        return 0
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["name", "type", "aliases", "articles", "mentions"])
        for e in found:
            writer.writerow([e.name, e.label, "|".join(e.aliases), e.articles, e.mentions])
        return 0
    rows = [(e.name, e.label, e.articles, e.mentions, ", ".join(e.aliases)) for e in found]
    print_table(["name", "type", "articles", "mentions", "also written"], rows)
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        found = xray(library, args.name, args.type or "")
    if found is None:
        print(f"No entity called {args.name!r} in the library.", file=sys.stderr)
        return 1
    if args.json:
        print_json(found.to_json())
        return 0
    entity = found.entity
    print(f"{entity.name} ({entity.label})")
    if entity.aliases:
        print(f"Also written: {', '.join(entity.aliases)}")
    if found.description:
        print(f"First seen: {found.description}")
    print(f"{entity.articles} article(s), {entity.mentions} mention(s)")
    print()
    print_table(
        ["id", "mentions", "where", "saved", "title"],
        [
            (a.article_id, len(a.offsets), strip(a.offsets, a.length), a.added_at[:10], a.title)
            for a in found.appearances
        ],
    )
    if found.appears_with:
        together = ", ".join(f"{name} ({count})" for name, _, count in found.appears_with)
        print(f"\nAppears with: {together}")
    return 0


def strip(offsets: tuple[tuple[int, int], ...], length: int, width: int = 20) -> str:
    """Where in the article the mentions are: one character per twentieth of the text."""
    cells = ["·"] * width
    for start, _ in offsets:
        cells[min(width - 1, start * width // max(1, length))] = "|"
    return "".join(cells)


def _decide(args: argparse.Namespace, *rules: Rule) -> int:
    with open_library(args) as library:
        touched = sum(decisions.decide(library, rule) for rule in rules)
    print(f"Done; {touched} article(s) updated. Undo with `readmark-cli entity undo`.")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        found = library.read(catalog.find, args.name)
    name, label = (found[0].name, found[0].label) if found else (args.name, "")
    return _decide(args, *(Rule("merge", name, label, other) for other in args.others))


def run_rename(args: argparse.Namespace) -> int:
    return _decide(args, Rule("rename", args.name, value=args.new))


def run_retype(args: argparse.Namespace) -> int:
    return _decide(args, Rule("retype", args.name, value=args.type))


def run_reject(args: argparse.Namespace) -> int:
    uid = ""
    if args.article is not None:
        with open_library(args) as library:
            uid = decisions.uid_of(library, args.article)
    return _decide(args, Rule("reject", args.name, args.type or "", article_uid=uid))


def run_add(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        uid = decisions.uid_of(library, args.id)
    return _decide(args, Rule("add", args.text, args.type, article_uid=uid))


def run_undo(args: argparse.Namespace) -> int:
    with open_library(args) as library:

        def again(article_id: int) -> None:
            found = recognise(library.get(article_id).article)
            library.set_entities(article_id, found.mentions, found.entities, found.note)

        rule, count = decisions.undo(library, again)
    if rule is None:
        print("Nothing to undo.")
        return 0
    what = f"{rule.action} {rule.name}" + (f" -> {rule.value}" if rule.value else "")
    print(f"Undone: {what}; {count} article(s) recognised again.")
    return 0
