"""The README's promise, with real processes: `readmark-cli` works on the same library as the app,
even while the app is open.

A real window runs in its own process (offscreen), searching through its search box and pressing
Favourite, Read and Tags; meanwhile `readmark-cli add`, `tag` and `highlight` run against the same
file, round after round. Afterwards the file is intact and holds every write of both sides, and
the window never used a library file that another process had deleted.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from tests.processes import (
    LIBRARY_NAME,
    SCALE,
    DeletedFileWatch,
    WindowProcess,
    check_intact,
    expected_window_state,
    integrity,
    run_and_kill,
    run_cli,
    window_command,
)

CLI_ROUNDS = 3 * SCALE
WINDOW_ARTICLES = 5
WINDOW_KILLS = 2 * SCALE


def seed_window_articles(path: Path) -> None:
    library = Library(path)
    try:
        library.ensure_sample()
        for n in range(WINDOW_ARTICLES):
            body = f"Heron count {n}: windowword birds stood in the shallows of the river."
            library.add_article(
                Article(title=f"River notes {n}", blocks=(Block(BlockKind.PARAGRAPH, body),))
            )
    finally:
        library.close()


def cli_round(data_dir: Path, folder: Path, n: int) -> dict[str, object]:
    """`add` a page, `tag` it, `highlight` a passage: what a person does in a terminal."""
    page = folder / f"cli-{n}.txt"
    title = f"Terminal note {n}"
    page.write_text(f"{title}\n\nclipword {n} otters slid down the muddy bank.\n", "utf-8")
    added = run_cli(data_dir, "add", str(page), "--no-entities", "--no-images")
    assert added.returncode == 0, added.stderr
    article_id = int(added.stdout.split("\t", 1)[0])
    tag = f"cli-{n}"
    tagged = run_cli(data_dir, "tag", str(article_id), tag)
    assert tagged.returncode == 0, tagged.stderr
    marked = run_cli(data_dir, "highlight", str(article_id), "--quote", "otters slid")
    assert marked.returncode == 0, marked.stderr
    return {"id": article_id, "title": title, "tag": tag, "highlight": marked.stdout.strip()}


@pytest.mark.slow
def test_the_window_and_the_cli_write_the_same_library(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    path = data_dir / LIBRARY_NAME
    seed_window_articles(path)
    stop = tmp_path / "stop"
    window = WindowProcess(
        data_dir,
        "--rounds", "0", "--stop-file", str(stop), "--min-rounds", "5", "--pause-ms", "150",
        "--query", "windowword", "--query", "windowword river",
    )  # fmt: skip
    watch = DeletedFileWatch(window.proc.pid)
    try:
        window.wait_ready()
        cli_writes = [cli_round(data_dir, tmp_path, n) for n in range(CLI_ROUNDS)]
        rounds_during_cli = len(window.of_kind("round"))
        stop.touch()
        code = window.finish()
    finally:
        window.close()
        deleted = watch.stop()
    errors = [e["message"] for e in window.of_kind("error")]
    assert not errors, errors
    assert code == 0, window.stderr[-3000:]
    assert rounds_during_cli >= 2, "the window and the CLI did not overlap"
    assert watch.looks > 10
    assert not deleted, f"the window used library files another process deleted: {deleted}"

    assert integrity(path) == "ok"
    library = Library(path)
    try:
        expected = expected_window_state(window.of_kind("write"))
        assert expected
        for article_id, state in expected.items():
            saved = library.get(article_id)
            assert saved.favorite == state["favorite"], f"favourite of {article_id} was lost"
            assert (not saved.unread) == state["read"], f"read state of {article_id} was lost"
            assert state["tags"] <= set(saved.tags), f"tags of {article_id} were lost"
        for write in cli_writes:
            saved = library.get(int(write["id"]))
            assert saved.article.title == write["title"]
            assert write["tag"] in saved.tags
            assert write["highlight"] in {a.id for a in library.annotations(saved.id)}
    finally:
        library.close()
    print(  # figures for `pytest -s`
        f"window: {len(window.of_kind('round'))} rounds, {len(window.of_kind('write'))} writes; "
        f"cli: {len(cli_writes)} rounds, {3 * len(cli_writes)} writes; "
        f"{watch.looks} looks at the window's files"
    )


@pytest.mark.slow
def test_a_window_killed_while_writing_leaves_an_intact_library(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    path = data_dir / LIBRARY_NAME
    seed_window_articles(path)
    rng = random.Random()
    favourite: dict[int, set[bool]] = {}  # what the file may say, after each kill
    tags: dict[int, set[str]] = {}
    kills = 0
    for _ in range(WINDOW_KILLS):
        run = run_and_kill(
            window_command(data_dir, "--rounds", "0", "--pause-ms", "20",
                           "--query", "windowword", "--query", "windowword river"),
            rng, after_lines=rng.randint(4, 24), pause_s=0.15,
        )  # fmt: skip
        kills += run.killed
        events = [json.loads(line) for line in run.lines if line.startswith("{")]
        assert not [e for e in events if e["event"] == "error"], events
        writes = [e for e in events if e["event"] == "write"]
        for write in writes:
            article_id = int(write["id"])
            if "favorite" in write:
                favourite[article_id] = {bool(write["favorite"])}
            if "tag" in write:
                tags.setdefault(article_id, set()).add(str(write["tag"]))
        steps = [e for e in events if e["event"] in ("writing", "write")]
        if steps and steps[-1]["event"] == "writing" and steps[-1]["what"] == "favorite":
            last = int(steps[-1]["id"])  # pressed, maybe written, never reported
            favourite[last] = favourite.get(last, set()) | {True, False}
        articles = check_intact(path)
        library = Library(path)
        try:
            for article_id, values in favourite.items():
                assert library.get(article_id).favorite in values, "a favourite was lost"
            for article_id, names in tags.items():
                assert names <= set(articles[article_id]["tags"]), "a tag was lost"  # type: ignore[call-overload]
        finally:
            library.close()
    assert kills == WINDOW_KILLS
    assert favourite, "the window wrote nothing before it was killed"
    print(f"window: {kills} kills, {sum(len(t) for t in tags.values())} tags checked")
