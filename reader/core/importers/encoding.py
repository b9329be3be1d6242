"""Export files to text: UTF-8 as most tools write it, UTF-16 or UTF-32 as spreadsheets save it."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def export_encoding(data: bytes) -> str:
    """The encoding of an export file, from its byte order mark or its NUL bytes."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:4096]
    if len(head) >= 4 and head.count(0) >= len(head) // 4:
        # Text in UTF-16 without a mark: every other byte of ASCII is a NUL.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        return "utf-16-le" if odd > even else "utf-16-be"
    return "utf-8-sig"


def decode_export(data: bytes, errors: str = "replace") -> str:
    """`data` as text in the encoding it was saved in; the byte order mark dropped."""
    return data.decode(export_encoding(data), errors=errors).lstrip("\ufeff")
