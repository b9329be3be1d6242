"""Newsletters from .eml files, .mbox mailboxes and folders become clean articles.

The fixtures are made here with the standard library, in the encodings mail clients use.
"""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.fetch.images import image_urls
from reader.core.importers.mail import import_mail, watch_folder, watched_folder
from reader.core.library import Library

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
STORY = (
    "The harbour master opened the new ferry terminal on Monday morning, and the first boats "
    "left for the islands before the sun was up. Traders at the market said the route would "
    "bring visitors back to the old town, where the lanterns along the quay are lit each night. "
)


def letter_html(body: str, *, chrome: bool = True) -> str:
    top = (
        '<table><tr><td><a href="https://brief.example/web/123">View this email in your '
        "browser</a></td></tr></table>"
        if chrome
        else ""
    )
    bottom = (
        '<p>You are receiving this because you signed up. <a href="https://brief.example/u">'
        'Unsubscribe</a> | <a href="https://brief.example/p">Manage preferences</a></p>'
        '<img src="https://track.brief.example/open/abc.gif" width="1" height="1" alt="">'
        if chrome
        else ""
    )
    return (
        f"<html><body>{top}<table><tr><td><h1>Morning Brief</h1>{body}</td></tr></table>"
        f"{bottom}</body></html>"
    )


def _headers(message: EmailMessage, subject: str, sender: str) -> None:
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = "reader@example.org"
    message["Date"] = format_datetime(datetime(2024, 5, 6, 7, 30, tzinfo=UTC))
    message["Message-ID"] = make_msgid(domain="brief.example")


def alternative_qp() -> EmailMessage:
    """multipart/alternative, quoted-printable, with the usual chrome and a tracking pixel."""
    message = EmailMessage()
    _headers(message, "Monday: ferries and harbours", "Morning Brief <news@brief.example>")
    message.set_content(STORY, cte="quoted-printable")
    body = letter_html(f"<p>{STORY * 3}</p><p>“Quoted” – dashes — fine.</p>")
    message.add_alternative(body, subtype="html", cte="quoted-printable")
    return message


def base64_latin1() -> bytes:
    """A single HTML part in ISO-8859-1, base64, with a subject encoded in ISO-8859-1 too."""
    message = EmailMessage()
    _headers(message, "SUBJECT", "Le Café <cafe@example.fr>")
    body = letter_html(f"<p>{STORY * 3}</p><p>Le café de Zürich à côté du marché.</p>")
    message.set_content(body, subtype="html", charset="iso-8859-1", cte="base64")
    latin_subject = b"=?iso-8859-1?q?Caf=E9_notes_from_Z=FCrich?="
    data = message.as_bytes().replace(b"Subject: SUBJECT", b"Subject: " + latin_subject, 1)
    assert latin_subject in data
    return data


def related_with_image() -> EmailMessage:
    """multipart/related: HTML in Shift_JIS with an inline image it names by cid:."""
    message = EmailMessage()
    _headers(message, "東京の朝", '"Tokyo Letter" <letter@tokyo.example>')
    image = '<p><img src="cid:logo@tokyo" alt="Logo"></p>'
    body = letter_html(f"<p>{STORY * 3}</p>{image}<p>東京の朝は静かです。</p>", chrome=False)
    message.set_content(body, subtype="html", charset="shift_jis", cte="base64")
    message.add_related(PNG, "image", "png", cid="<logo@tokyo>")
    return message


def plain_only() -> EmailMessage:
    message = EmailMessage()
    _headers(message, "Plain letter", "plain@example.org")
    message.set_content(STORY * 4)
    return message


def test_a_mailbox_and_eml_files_become_clean_articles(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    box = mailbox.mbox(str(folder / "letters.mbox"))
    for message in (alternative_qp(), base64_latin1(), related_with_image()):
        box.add(message)
    box.flush()
    box.close()
    (folder / "plain.eml").write_bytes(plain_only().as_bytes())
    (folder / "notes.txt").write_text("not mail", encoding="utf-8")

    with Library(tmp_path / "library.sqlite3") as library:
        report = import_mail(library, folder)
        assert (report.added, report.existing, report.failed) == (4, 0, [])
        saved = {s.title: library.get(s.id) for s in library.list_articles()}
        assert set(saved) == {
            "Monday: ferries and harbours",
            "Café notes from Zürich",
            "東京の朝",
            "Plain letter",
        }

        brief = saved["Monday: ferries and harbours"]
        assert brief.article.site_name == "Morning Brief"
        assert brief.article.published and brief.article.published.startswith("2024-05-06")
        assert "harbour master opened the new ferry terminal" in brief.article.text
        assert "“Quoted” – dashes — fine." in brief.article.text
        for chrome in ("View this email", "Unsubscribe", "Manage preferences", "signed up"):
            assert chrome not in brief.article.text
        assert not any("track.brief.example" in url for url in image_urls(brief.article))

        cafe = saved["Café notes from Zürich"]
        assert "Le café de Zürich à côté du marché." in cafe.article.text
        assert cafe.article.site_name == "Le Café"

        tokyo = saved["東京の朝"]
        assert "東京の朝は静かです。" in tokyo.article.text
        assert tokyo.article.site_name == "Tokyo Letter"
        [url] = image_urls(tokyo.article)
        assert url.startswith("https://newsletter.invalid/")
        assert library.image(tokyo.id, url) == (PNG, "image/png")

        assert saved["Plain letter"].article.site_name == "plain@example.org"

        # The same mail again adds nothing.
        again = import_mail(library, folder)
        assert (again.added, again.existing) == (0, 4)
        assert library.count() == 4


def test_readmark_cli_import_takes_an_eml_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eml = tmp_path / "brief.eml"
    eml.write_bytes(alternative_qp().as_bytes())
    code = main(["--data-dir", str(tmp_path / "data"), "import", str(eml), "--no-entities"])
    out = capsys.readouterr().out
    assert code == 0 and "1 messages: 1 added" in out
    broken = tmp_path / "empty.eml"
    broken.write_bytes(b"Subject: nothing\r\nFrom: a@b.example\r\nContent-Type: image/png\r\n\r\n")
    code = main(["--data-dir", str(tmp_path / "data"), "import", str(broken), "--no-entities"])
    out = capsys.readouterr().out
    assert code == 0 and "no text or HTML part" in out and "1 failed" in out


def test_a_watched_folder_brings_in_what_arrives(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "one.eml").write_bytes(alternative_qp().as_bytes())
    with Library(tmp_path / "library.sqlite3") as library:
        first = watch_folder(library, folder)
        assert (first.added, first.total) == (1, 1)
        assert watched_folder(library) == folder
        # Nothing new: nothing is read again.
        assert watch_folder(library).total == 0
        box = mailbox.mbox(str(folder / "later.mbox"))
        box.add(plain_only())
        box.flush()
        box.close()
        second = watch_folder(library)
        assert (second.added, second.total) == (1, 1)
        # A mailbox that grows is read again; what it held before is recognised.
        box = mailbox.mbox(str(folder / "later.mbox"))
        box.add(related_with_image())
        box.flush()
        box.close()
        third = watch_folder(library)
        assert (third.added, third.existing) == (1, 1)
        assert library.count() == 3
