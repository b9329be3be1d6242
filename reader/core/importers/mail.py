"""Newsletters from mail files: `.eml` messages and `.mbox` mailboxes as mail clients export them,
or a folder of them. Each message's HTML part (else its text) becomes an article, with the sender
as the site, the subject as the title and the date sent as the date published.

Inline images (`cid:` parts) are kept as the article's archived images under addresses of the
reserved `.invalid` domain, which nothing ever fetches. Tracking pixels, and the "view in
browser" / "unsubscribe" chrome around the letter, are removed before extraction.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from reader.core.errors import LoadError, ReadmarkError
from reader.core.extract import extract
from reader.core.library import Library
from reader.core.models import Article, RawPage

MAIL_SUFFIXES = (".eml", ".mbox")
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
MAX_MAILBOX_BYTES = 4 * 1024 * 1024 * 1024
MAX_FOLDER_FILES = 20_000
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_HOST = "newsletter.invalid"
# A block holding one of these links, and little else, is the letter's chrome.
_CHROME = re.compile(
    r"view (?:this|it|the)?\s*(?:e-?mail|newsletter|message|issue)?\s*(?:in|on) (?:your|a|the)?\s*"
    r"(?:web\s*)?browser|view (?:it |this )?online|read (?:it |this )?online|web version|"
    r"having trouble (?:viewing|reading)|unsubscribe|manage (?:your )?(?:preferences|subscription)"
    r"|update (?:your )?preferences|email preferences",
    re.IGNORECASE,
)
_CHROME_MAX_WORDS = 40
_TRACKER_WORDS = re.compile(r"(?:open|pixel|track|beacon|spacer|/o/|/wf/open)", re.IGNORECASE)
_SIZE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*(\d+)\s*px", re.IGNORECASE)


class MailFormatError(LoadError):
    """A mail file Readmark cannot read."""


@dataclass(slots=True)
class Newsletter:
    title: str
    sender: str  # the display name, else the address
    address: str
    published: str | None
    html: str  # "" when the message has only text
    text: str
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # by content id
    message_id: str = ""


@dataclass(slots=True)
class MailReport:
    added: int = 0
    existing: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (message, reason)

    @property
    def total(self) -> int:
        return self.added + self.existing + len(self.failed)

    def summary(self) -> str:
        return (
            f"{self.total} messages: {self.added} added, {self.existing} already there, "
            f"{len(self.failed)} failed"
        )


def is_mail_source(path: Path) -> bool:
    """A mail file, or a folder (its mail files are imported)."""
    return path.is_dir() or path.suffix.lower() in MAIL_SUFFIXES


# -- reading -----------------------------------------------------------------------------------


def mail_files(path: Path) -> list[Path]:
    if not path.exists():
        raise LoadError(f"No such file or folder: {path}")
    if not path.is_dir():
        return [path]
    found = sorted(p for p in path.rglob("*") if p.suffix.lower() in MAIL_SUFFIXES and p.is_file())
    if not found:
        raise MailFormatError(f"{path} holds no .eml or .mbox files.")
    return found[:MAX_FOLDER_FILES]


def _parse_bytes(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def messages(path: Path) -> Iterator[tuple[str, EmailMessage | ReadmarkError]]:
    """(a name for the message, the message or why it cannot be read) for each message."""
    size = path.stat().st_size
    if path.suffix.lower() == ".eml" or not _is_mbox(path):
        if size > MAX_MESSAGE_BYTES:
            yield path.name, MailFormatError(f"{path.name} is larger than 25 MB.")
            return
        yield path.name, _parse_bytes(path.read_bytes())
        return
    if size > MAX_MAILBOX_BYTES:
        yield path.name, MailFormatError(f"{path.name} is larger than 4 GB.")
        return
    box = mailbox.mbox(str(path), create=False)
    try:
        for index, key in enumerate(box.iterkeys(), 1):
            name = f"{path.name} #{index}"
            try:
                data = box.get_bytes(key)
            except (OSError, KeyError) as exc:
                yield name, MailFormatError(f"could not read the message: {exc}")
                continue
            if len(data) > MAX_MESSAGE_BYTES:
                yield name, MailFormatError("the message is larger than 25 MB")
                continue
            yield name, _parse_bytes(data)
    finally:
        box.close()


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _decoded(part: Message) -> str:
    """A text part's content, whatever its transfer encoding and charset."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    for name in (charset, "utf-8", "windows-1252"):
        try:
            return payload.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def read_newsletter(message: EmailMessage) -> Newsletter:
    html = text = ""
    images: dict[str, tuple[bytes, str]] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        if kind == "text/html" and not html and disposition != "attachment":
            html = _decoded(part)
        elif kind == "text/plain" and not text and disposition != "attachment":
            text = _decoded(part)
        elif kind.startswith("image/"):
            cid = str(part.get("Content-ID") or "").strip().strip("<>")
            data = part.get_payload(decode=True)
            if cid and isinstance(data, bytes) and 0 < len(data) <= MAX_IMAGE_BYTES:
                images[cid] = (data, kind)
    name, address = "", ""
    found = getaddresses([str(message.get("From") or "")])
    if found:
        name, address = found[0]
    published = None
    if message.get("Date"):
        try:
            published = parsedate_to_datetime(str(message["Date"])).isoformat()
        except (TypeError, ValueError):
            published = None
    return Newsletter(
        title=" ".join(str(message.get("Subject") or "").split()),
        sender=" ".join(name.split()) or address,
        address=address,
        published=published,
        html=html,
        text=text,
        images=images,
        message_id=str(message.get("Message-ID") or "").strip(),
    )


# -- cleaning ----------------------------------------------------------------------------------


def _image_base(letter: Newsletter) -> str:
    key = letter.message_id or f"{letter.address}\x1f{letter.title}\x1f{letter.published}"
    return f"https://{IMAGE_HOST}/{hashlib.sha256(key.encode()).hexdigest()[:24]}/"


def _is_tracker(img: Any) -> bool:
    sizes = {}
    for name in ("width", "height"):
        value = (img.get(name) or "").strip().lower().removesuffix("px")
        if value.isdigit():
            sizes[name] = int(value)
    for match in _SIZE.finditer(img.get("style") or ""):
        sizes[match.group(1).lower()] = int(match.group(2))
    if sizes and all(size <= 2 for size in sizes.values()):
        return True
    style = (img.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    src = img.get("src") or ""
    return (
        not img.get("alt")
        and bool(sizes)
        and min(sizes.values()) <= 3
        and bool(_TRACKER_WORDS.search(src))
    )


def clean_letter_html(letter: Newsletter) -> str:
    """The letter's HTML without trackers or chrome, its cid: images at their stored address."""
    import lxml.html

    try:
        root: Any = lxml.html.document_fromstring(letter.html)
    except (ValueError, lxml.etree.ParserError):
        return letter.html
    base = _image_base(letter)
    for img in list(root.iter("img")):
        if _is_tracker(img):
            img.drop_tree()
            continue
        src = (img.get("src") or "").strip()
        if src.lower().startswith("cid:"):
            cid = unquote(src[4:]).strip("<>")
            if cid in letter.images:
                img.set("src", base + quote(cid, safe=""))
            else:
                img.drop_tree()
    total_words = len(root.text_content().split())
    for link in list(root.iter("a")):
        if link.getparent() is None or not _CHROME.search(link.text_content() or ""):
            continue
        block = link
        for ancestor in link.iterancestors():
            if ancestor.tag in ("body", "html"):
                break
            words = len(ancestor.text_content().split())
            if words > _CHROME_MAX_WORDS or words > total_words // 3:
                break
            block = ancestor
        if block.getparent() is not None:
            block.drop_tree()
    return str(lxml.html.tostring(root, encoding="unicode"))


def newsletter_page(letter: Newsletter) -> RawPage:
    """The page a newsletter is read from: its cleaned HTML, else its text."""
    if letter.html.strip():
        html = clean_letter_html(letter)
        return RawPage(data=html.encode("utf-8"), content_type="text/html", charset="utf-8")
    if letter.text.strip():
        return RawPage(data=letter.text.encode("utf-8"), content_type="text/plain", charset="utf-8")
    raise MailFormatError("the message has no text or HTML part")


def newsletter_article(
    letter: Newsletter, raw: RawPage | None = None
) -> tuple[Article, RawPage, dict[str, tuple[bytes, str]]]:
    """The article a newsletter makes, the page it was read from, and its images by address."""
    from dataclasses import replace

    raw = raw or newsletter_page(letter)
    article = extract(raw)
    article = replace(
        article,
        title=letter.title or article.title,
        site_name=letter.sender or article.site_name,
        byline=article.byline or (letter.sender or None),
        published=letter.published or article.published,
    )
    base = _image_base(letter)
    images = {base + quote(cid, safe=""): image for cid, image in letter.images.items()}
    return article, raw, images


# -- importing ---------------------------------------------------------------------------------


def import_mail(library: Library, path: Path, files: list[Path] | None = None) -> MailReport:
    """Add every newsletter under `path` (or in `files`); one transaction per message, none
    saved twice: a message already in the library is recognised before it is extracted."""
    report = MailReport()
    slot: dict[str, tuple[bytes, str]] = {}
    writer = Library(library.path, recognise=library.recognise, fetch_image=slot.get)
    try:
        for file in mail_files(path) if files is None else files:
            try:
                found = list(messages(file))
            except (OSError, mailbox.Error) as exc:
                report.failed.append((file.name, f"could not read it: {exc}"))
                continue
            for name, message in found:
                if isinstance(message, ReadmarkError):
                    report.failed.append((name, str(message)))
                    continue
                try:
                    letter = read_newsletter(message)
                    raw = newsletter_page(letter)
                    if writer.find_live_by_content(_content_hash(raw)) is not None:
                        report.existing += 1
                        continue
                    article, raw, images = newsletter_article(letter, raw)
                except ReadmarkError as exc:
                    report.failed.append((name, str(exc)))
                    continue
                slot.clear()
                slot.update(images)
                writer.add_article(article, raw)
                report.added += 1
    finally:
        writer.close()
    return report


WATCHED_FOLDER = "newsletters.folder"
_WATCHED_FILES = "newsletters.seen"


def watched_folder(library: Library) -> Path | None:
    value = library.setting(WATCHED_FOLDER)
    return Path(value) if isinstance(value, str) and value else None


def watch_folder(library: Library, folder: Path | None = None) -> MailReport:
    """Import the mail files of the watched folder that are new or changed since last time.

    `folder` becomes the watched folder when given. Files are told apart by size and time of
    change, so a mailbox a mail client appends to is read again (its old messages are then
    recognised as already there) and an unchanged folder costs a directory listing.
    """
    if folder is not None:
        library.set_setting(WATCHED_FOLDER, str(folder))
    folder = folder or watched_folder(library)
    if folder is None:
        return MailReport()
    if not folder.is_dir():
        raise LoadError(f"The newsletter folder {folder} is not there any more.")
    seen = library.setting(_WATCHED_FILES, {}) or {}
    current: dict[str, str] = {}
    changed = []
    for file in sorted(p for p in folder.rglob("*") if p.suffix.lower() in MAIL_SUFFIXES):
        try:
            info = file.stat()
        except OSError:
            continue
        signature = f"{info.st_size}:{info.st_mtime_ns}"
        current[str(file)] = signature
        if seen.get(str(file)) != signature:
            changed.append(file)
    report = import_mail(library, folder, changed[:MAX_FOLDER_FILES]) if changed else MailReport()
    library.set_setting(_WATCHED_FILES, current)
    return report


def _content_hash(raw: RawPage) -> str:
    return hashlib.sha256(raw.data).hexdigest()
