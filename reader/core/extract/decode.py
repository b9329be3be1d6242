"""Bytes to str: byte order mark, declared charset (HTTP header, then `<meta>`), then detection.

A declared single-byte charset is not trusted over bytes that are valid UTF-8 with non-ASCII
characters in them: pages that say latin-1 while serving UTF-8 are common, and the other way round
almost never decodes cleanly, so this choice removes mojibake without creating any.
"""

from __future__ import annotations

import codecs
import re

from reader.core.models import RawPage

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""")
# Labels browsers treat as another encoding (WHATWG Encoding Standard).
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-user-defined": "cp1252",
    "utf8": "utf-8",
    "unicode": "utf-16",
}
_WIDE = ("utf-16", "utf-32")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page that reached us as bytes in an ASCII-compatible form cannot really be UTF-16/32;
    # and a declared charset that reads ASCII differently (UTF-7's "+ADw-" is "<") would let the
    # page hide markup from every check made on its bytes. Browsers honour neither.
    if name.startswith(_WIDE) or not _ascii_compatible(name):
        return None
    return name


_ASCII_PROBE = "".join(chr(c) for c in range(0x20, 0x7F)) + "\t\n\r"


def _ascii_compatible(name: str) -> bool:
    try:
        return _ASCII_PROBE.encode(name) == _ASCII_PROBE.encode("ascii") and (
            _ASCII_PROBE.encode("ascii").decode(name) == _ASCII_PROBE
        )
    except (UnicodeError, LookupError):
        return False


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (`<meta charset>` or an XML prolog)."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return _codec(match.group(1).decode("ascii", "replace")) if match else None


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_bytes(data: bytes, header_charset: str | None = None, *, html: bool = True) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff")
    declared = _codec(header_charset) or (declared_charset(data) if html else None)
    if declared:
        as_utf8 = _utf8(data) if not data.isascii() else None
        if as_utf8 is not None and codecs.lookup(declared).name not in ("utf-8",):
            # Valid UTF-8 with non-ASCII bytes almost never happens by chance in other charsets.
            multibyte = {"shift_jis", "euc_jp", "gb18030", "big5", "euc_kr", "iso2022_jp"}
            if declared not in multibyte:
                return as_utf8
        if declared == "utf-8" and as_utf8 is None and not data.isascii():
            pass  # declared UTF-8 but is not: let detection decide
        else:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass
    text = _utf8(data)
    if text is not None:
        return text
    from charset_normalizer import from_bytes

    results = list(from_bytes(data[:200_000]))
    if results:
        best = results[0]
        # On a tie, the most common legacy web encoding is the likelier one.
        for result in results:
            if result.encoding == "cp1252" and result.chaos <= best.chaos:
                best = result
        return data.decode(best.encoding, errors="replace")
    return data.decode("cp1252", errors="replace")


def decode_text(raw: RawPage) -> str:
    """The page's text, decoded as well as its bytes and declarations allow."""
    return decode_bytes(raw.data, raw.charset, html=raw.content_type != "text/plain")
