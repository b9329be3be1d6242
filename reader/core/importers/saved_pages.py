"""Pages saved whole by other tools, opened with the images they carry: no network at all.

- **SingleFile** (`.html`): one HTML file, its images inlined as `data:` URIs; the page's address
  is in the comment SingleFile writes at the top.
- **MHTML** (`.mht`, `.mhtml`, as Chrome and Edge save): a MIME `multipart/related` message, the
  page first and every resource a part named by its `Content-Location`.
- **Safari web archive** (`.webarchive`): a binary property list with the main resource and its
  subresources, each with its URL, MIME type and bytes.

Each becomes a `SavedPage`: the page as a `RawPage` (with its original address, so dedupe and
links work as for a fetched page) and the images by URL. Inline `data:` images get a stable
address of their own (`https://embedded.invalid/<hash>.<ext>`, a name that never resolves), so
the article's blocks name them like any other image. Every size is capped before it is used.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import email
import email.policy
import hashlib
import plistlib
import re
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from reader.core.errors import LoadError, TooLargeError, UnsupportedContentError
from reader.core.extract.decode import decode_bytes
from reader.core.fetch.images import MAX_ARTICLE_IMAGE_BYTES, MAX_IMAGE_BYTES
from reader.core.models import RawPage

MAX_SAVED_PAGE_BYTES = 100 * 1024 * 1024
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_PARTS = 5_000
MAX_DATA_IMAGES = 200
EMBEDDED_HOST = "https://embedded.invalid/"
SAVED_PAGE_SUFFIXES = (".mht", ".mhtml", ".webarchive")
SNIFF_BYTES = 4096

_SINGLEFILE = re.compile(rb"<!--\s*Page saved with SingleFile", re.IGNORECASE)
_SINGLEFILE_URL = re.compile(r"^\s*url:\s*(\S+)\s*$", re.MULTILINE)
# One attribute value that is a base64 data: image; linear (no nested repetition).
_DATA_IMAGE = re.compile(
    r"""(?P<attr>\b(?:src|data-src|srcset|poster))\s*=\s*(?P<q>["'])"""
    r"""data:(?P<mime>image/[a-z0-9.+-]{1,40});base64,(?P<data>[A-Za-z0-9+/=\s]{1,20000000})(?P=q)""",
    re.IGNORECASE,
)
_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
    "image/avif": "avif",
}


@dataclass
class SavedPage:
    raw: RawPage
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    kind: str = ""  # "singlefile", "mhtml" or "webarchive"

    def image(self, url: str) -> tuple[bytes, str] | None:
        """The embedded image at `url` (the Library's `fetch_image`): never the network."""
        return self.images.get(url)


class SavedPageError(LoadError):
    """The file is not a saved page Readmark can read, or is damaged."""


def kind_of(path: Path) -> str | None:
    """ "mhtml", "webarchive" or "singlefile" when `path` is such a saved page, else None."""
    suffix = path.suffix.lower()
    if suffix in (".mht", ".mhtml"):
        return "mhtml"
    if suffix == ".webarchive":
        return "webarchive"
    if suffix in (".html", ".htm"):
        try:
            with path.open("rb") as handle:
                head = handle.read(SNIFF_BYTES)
        except OSError:
            return None
        return "singlefile" if _SINGLEFILE.search(head) else None
    return None


def saved_page_kind(source: str) -> str | None:
    """`kind_of` for a source as the person typed it: None for URLs, stdin and missing files."""
    if source == "-" or "://" in source[:12]:
        return None
    path = Path(source).expanduser()
    return kind_of(path) if path.is_file() else None


def read_saved_page(path: Path) -> SavedPage:
    kind = kind_of(path)
    if kind is None:
        raise UnsupportedContentError(
            f"{path.name} is not a saved page (SingleFile .html, .mht, .mhtml or .webarchive)."
        )
    try:
        size = path.stat().st_size
        if size > MAX_SAVED_PAGE_BYTES:
            raise TooLargeError(
                f"{path.name} is {size // 1_048_576} MB; the limit for a saved page is "
                f"{MAX_SAVED_PAGE_BYTES // 1_048_576} MB."
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise LoadError(f"No such file: {path}") from exc
    except OSError as exc:
        raise LoadError(f"Could not read {path}: {exc.strerror or exc}") from exc
    readers = {"mhtml": parse_mhtml, "webarchive": parse_webarchive, "singlefile": parse_singlefile}
    page = readers[kind](data, path.name)
    page.raw = RawPage(
        data=page.raw.data,
        content_type="text/html",
        url=page.raw.url,
        path=str(path.resolve()),
        charset="utf-8",
        fetched_at=page.raw.fetched_at,
    )
    page.kind = kind
    return page


# -- the three formats ----------------------------------------------------------------------


def parse_singlefile(data: bytes, name: str = "page") -> SavedPage:
    text = decode_bytes(data[: MAX_PAGE_BYTES * 4])
    match = _SINGLEFILE_URL.search(text[:SNIFF_BYTES])
    url = _web_url(match.group(1)) if match else None
    return _page(text, url, {}, name)


def parse_mhtml(data: bytes, name: str = "page") -> SavedPage:
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.is_multipart():
        raise SavedPageError(f"{name} is not an MHTML file (no parts).")
    parts = [part for part in message.walk() if not part.is_multipart()]
    if len(parts) > MAX_PARTS:
        raise SavedPageError(f"{name} has more than {MAX_PARTS:,} parts.")
    page_url = _web_url(message.get("Snapshot-Content-Location"))
    html: str | None = None
    resources: dict[str, tuple[bytes, str]] = {}
    for part in parts:
        mime = part.get_content_type()
        location = _header(part, "Content-Location")
        payload = _payload(part)
        if payload is None:
            continue
        if html is None and mime in ("text/html", "application/xhtml+xml"):
            if len(payload) > MAX_PAGE_BYTES:
                raise TooLargeError(f"The page inside {name} is larger than 20 MB, the limit.")
            html = decode_bytes(payload, part.get_content_charset())
            page_url = page_url or _web_url(location)
            continue
        if mime.startswith("image/") and len(payload) <= MAX_IMAGE_BYTES:
            for key in _addresses(location, page_url):
                resources.setdefault(key, (payload, mime))
    if html is None:
        raise SavedPageError(f"{name} holds no HTML page.")
    return _page(html, page_url, resources, name)


def parse_webarchive(data: bytes, name: str = "page") -> SavedPage:
    try:
        archive = plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError, TypeError, OverflowError) as exc:
        raise SavedPageError(f"{name} is not a Safari web archive, or is damaged.") from exc
    except RecursionError as exc:
        raise SavedPageError(f"{name} is nested too deeply to be a web archive.") from exc
    main = archive.get("WebMainResource") if isinstance(archive, dict) else None
    if not isinstance(main, dict) or not isinstance(main.get("WebResourceData"), bytes):
        raise SavedPageError(f"{name} is not a Safari web archive (no main resource).")
    payload = main["WebResourceData"]
    if len(payload) > MAX_PAGE_BYTES:
        raise TooLargeError(f"The page inside {name} is larger than 20 MB, the limit.")
    encoding = main.get("WebResourceTextEncodingName")
    html = decode_bytes(payload, encoding if isinstance(encoding, str) else None)
    page_url = _web_url(_string(main.get("WebResourceURL")))
    resources: dict[str, tuple[bytes, str]] = {}
    subresources: list[Any] = []
    _collect_subresources(archive, subresources, depth=0)
    for resource in subresources[:MAX_PARTS]:
        body = resource.get("WebResourceData")
        mime = _string(resource.get("WebResourceMIMEType")) or ""
        url = _web_url(_string(resource.get("WebResourceURL")))
        image = isinstance(body, bytes) and mime.lower().startswith("image/")
        if image and url and len(body) <= MAX_IMAGE_BYTES:
            resources.setdefault(url, (body, mime.lower()))
    return _page(html, page_url, resources, name)


def _collect_subresources(archive: Any, found: list[Any], depth: int) -> None:
    """Subresources of the page and of its frames (frames nest archives), within limits."""
    if not isinstance(archive, dict) or depth > 8 or len(found) > MAX_PARTS:
        return
    for resource in archive.get("WebSubresources") or ():
        if isinstance(resource, dict):
            found.append(resource)
    for frame in archive.get("WebSubframeArchives") or ():
        _collect_subresources(frame, found, depth + 1)


# -- shared ---------------------------------------------------------------------------------


def _page(
    html: str, url: str | None, resources: dict[str, tuple[bytes, str]], name: str
) -> SavedPage:
    html, inline = _name_inline_images(html)
    images = dict(resources)
    images.update(inline)
    total = 0
    kept: dict[str, tuple[bytes, str]] = {}
    for key, (body, mime) in images.items():
        total += len(body)
        if total > MAX_ARTICLE_IMAGE_BYTES * 4:  # many aliases of few images are cheap
            break
        kept[key] = (body, mime)
    encoded = html.encode("utf-8", errors="replace")
    if len(encoded) > MAX_PAGE_BYTES:
        raise TooLargeError(f"The page inside {name} is larger than 20 MB, the limit.")
    return SavedPage(RawPage(data=encoded, content_type="text/html", url=url), kept)


def _name_inline_images(html: str) -> tuple[str, dict[str, tuple[bytes, str]]]:
    """Give each inline `data:` image an address of its own; returns the HTML and the images."""
    images: dict[str, tuple[bytes, str]] = {}

    def rename(match: re.Match[str]) -> str:
        if len(images) >= MAX_DATA_IMAGES:
            return match.group(0)
        try:
            body = base64.b64decode("".join(match.group("data").split()), validate=True)
        except (binascii.Error, ValueError):
            return match.group(0)
        if not body or len(body) > MAX_IMAGE_BYTES:
            return match.group(0)
        mime = match.group("mime").lower()
        digest = hashlib.sha256(body).hexdigest()[:24]
        url = f"{EMBEDDED_HOST}{digest}.{_EXTENSIONS.get(mime, 'img')}"
        images[url] = (body, mime)
        quote = match.group("q")
        return f"{match.group('attr')}={quote}{url}{quote}"

    return _DATA_IMAGE.sub(rename, html), images


def _payload(part: Message) -> bytes | None:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, binascii.Error, AssertionError):
        return None
    return payload if isinstance(payload, bytes) else None


def _header(part: Message, name: str) -> str | None:
    value = part.get(name)
    return str(value).strip() if value is not None else None


def _addresses(location: str | None, page_url: str | None) -> list[str]:
    """The addresses a part answers to: its location as written and resolved against the page."""
    if not location:
        return []
    keys = [location]
    with contextlib.suppress(ValueError):  # a location urllib cannot parse keeps its own name
        keys.insert(0, urljoin(page_url or "", location))
    return keys


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _web_url(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    return (
        value if value.lower().startswith(("http://", "https://")) and len(value) < 8000 else None
    )


def add_saved_page(library_file: Path, path: Path, *, recognise: Any = None, **options: Any) -> int:
    """Extract and save the saved page at `path` with its own images; returns the article id.

    The library's image fetcher is the page's own images, so nothing is requested from the
    network; the same page saved again (or fetched before) updates its article.
    """
    from reader.core.extract import extract
    from reader.core.library import Library

    page = read_saved_page(path)
    article = extract(page.raw)
    with Library(library_file, recognise=recognise, fetch_image=page.image) as library:
        return library.add_article(article, page.raw, **options)
