"""What an export lets out: web links as valid URIs, file names within file-system limits, text
that XML and YAML accept, notes whose Markdown can neither load nor run anything.

Saved articles and imported highlights carry whatever a page or another tool put in them, and an
export is read by other programs (Obsidian, e-readers, spreadsheets, browsers), so everything
leaving through an exporter passes here first.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from reader.core.textsafe import clean_text

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
# Archived images an export hands on as image files; anything else a server called an image is
# not. SVG is a document that may hold scripts: it is shown only inlined in an <img> (which runs
# none), never written out as a file someone may open in a browser.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})
INLINE_IMAGE_TYPES = IMAGE_TYPES | {"image/svg+xml"}
MAX_FILENAME_BYTES = 255  # ext4, APFS and (as UTF-16 units, never more) NTFS


def one_line(text: str) -> str:
    """Clean text on one line, runs of white space as one space."""
    return " ".join(clean_text(text).split())


# -- links ----------------------------------------------------------------------------------

# What RFC 3986 lets a path, query or fragment hold as it is; anything else is percent-encoded as
# UTF-8. `%` stays only where it already starts an escape.
_PATH_SAFE = "!$&'()*+,;=:@/%-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^[a-z0-9._~-]+$|^\[[0-9a-f:.]+\]$")
_URL_EDGES = "".join(chr(code) for code in range(0x21))


def _encode(part: str, safe: str) -> str:
    return quote(_BARE_PERCENT.sub("%25", part), safe=safe)


def safe_link(
    href: str | None, base: str | None = None, schemes: frozenset[str] = LINK_SCHEMES
) -> str | None:
    """`href` as an absolute URI of one of `schemes` with every character a URI cannot hold
    percent-encoded, or None: any other scheme, an address that does not parse, a relative link
    without an http(s) `base`."""
    if not href:
        return None
    # Browsers drop tabs and newlines anywhere in a URL and controls and spaces at its ends, so
    # `java\tscript:` is `javascript:`: look at the address the way they will.
    text = clean_text(re.sub(r"[\t\n\r]", "", href)).strip(_URL_EDGES)
    try:
        if base and base.lower().startswith(("http://", "https://")):
            text = urljoin(base, text)
        parts = urlsplit(text)
        port = parts.port
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return None
    if scheme == "mailto":
        if not parts.path:
            return None
        return urlunsplit(
            ("mailto", "", _encode(parts.path, _PATH_SAFE), _encode(parts.query, _QUERY_SAFE), "")
        )
    if not host:
        return None
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"
    if not _HOST.match(host):
        return None
    netloc = host if port is None else f"{host}:{port}"
    if parts.username is not None:
        userinfo = _encode(parts.username, "!$&'()*+,;=%-._~")
        if parts.password is not None:
            userinfo += ":" + _encode(parts.password, "!$&'()*+,;=%-._~")
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit(
        (
            scheme,
            netloc,
            _encode(parts.path, _PATH_SAFE) or "/",
            _encode(parts.query, _QUERY_SAFE),
            _encode(parts.fragment, _QUERY_SAFE),
        )
    )


def markdown_destination(uri: str) -> str:
    """A URI as a Markdown link destination: parentheses and angle brackets encoded as well, so
    the destination ends where Markdown thinks it ends."""
    return uri.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


# -- file names -----------------------------------------------------------------------------

_FORBIDDEN_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def cut_to_bytes(text: str, limit: int) -> str:
    """The longest start of `text` whose UTF-8 form fits in `limit` bytes (no character split)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def file_name(title: str, suffix: str, max_chars: int = 80) -> str:
    """`title` + `suffix` as a name every file system takes: no separators or reserved
    characters, at most `max_chars` characters of title and `MAX_FILENAME_BYTES` bytes in all."""
    stem = _FORBIDDEN_IN_NAMES.sub(" ", clean_text(title))
    stem = " ".join(stem.split()).strip(" .")[:max_chars]
    stem = cut_to_bytes(stem, MAX_FILENAME_BYTES - len(suffix.encode("utf-8"))).rstrip(" .")
    stem = stem or "Untitled"
    if _WINDOWS_RESERVED.match(stem):
        stem = "_" + stem
    return stem + suffix


# -- YAML -----------------------------------------------------------------------------------

# Left raw by json.dumps but read by YAML as line breaks (and so folded) or as a byte-order mark.
_YAML_RAW = re.compile("[\u2028\u2029\ufeff]")


def yaml_string(value: str) -> str:
    """`value` as a YAML double-quoted scalar that YAML 1.1 and 1.2 parsers read back as the
    clean text of `value`."""
    import json

    encoded = json.dumps(clean_text(value), ensure_ascii=False)
    return _YAML_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


# -- notes ----------------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_REFERENCE = re.compile(r"^( {0,3})\[((?:\\.|[^\]\\])+)\]:[ \t]*(<[^>\n]*>|\S+)(.*)$")


def safe_note_markdown(note: str) -> str:
    """A highlight's note (the person's Markdown, or another tool's) for an export: formatting
    stays, raw HTML and autolinks are escaped, images become plain links, and links to anything
    but http(s) and mailto lose their destination."""
    out: list[str] = []
    fence: str | None = None
    for line in clean_text(note).split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        if line.startswith("    ") or line.startswith("\t"):
            out.append(line)  # an indented code block shows its text as it is
            continue
        reference = _REFERENCE.match(line)
        if reference:
            indent, label, destination, rest = reference.groups()
            uri = safe_link(destination.strip("<>"))
            if uri is None:  # the definition shows as text, and nothing links to it
                text = _inline_note(destination + rest)
                out.append(f"{indent}\\[{_inline_note(label)}\\]: {text}")
            else:
                out.append(f"{indent}[{label}]: <{markdown_destination(uri)}>{_inline_note(rest)}")
            continue
        out.append(_inline_note(line))
    return "\n".join(out)


_BACKTICKS = re.compile(r"`+")


def _code_spans(line: str) -> list[tuple[int, int]]:
    """Where the line's code spans are: a run of backticks to the next run of the same length
    (found in one pass, so a line of stray backticks costs no more than its length)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    by_length: dict[int, list[int]] = {}
    for number, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(number)
    next_of: dict[int, int] = dict.fromkeys(by_length, 0)
    spans: list[tuple[int, int]] = []
    number = 0
    while number < len(runs):
        start, end = runs[number]
        same = by_length[end - start]
        pointer = next_of[end - start]
        while pointer < len(same) and same[pointer] <= number:
            pointer += 1
        next_of[end - start] = pointer
        if pointer < len(same):
            closing = same[pointer]
            spans.append((start, runs[closing][1]))
            number = closing + 1
        else:
            number += 1
    return spans


def _inline_note(line: str) -> str:
    """One line of a note outside code: code spans kept, the rest made safe."""
    pieces: list[str] = []
    position = 0
    for start, end in _code_spans(line):
        pieces.append(_note_text(line[position:start]))
        pieces.append(line[start:end])
        position = end
    pieces.append(_note_text(line[position:]))
    return "".join(pieces)


def _note_text(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index : index + 2])  # an escape the person wrote stays one
            index += 2
            continue
        if char == "<":
            out.append("\\<")  # no raw HTML, no autolink
        elif char == "!" and text.startswith("[", index + 1):
            out.append("!\\")  # an image would load; what follows stays a plain link
        elif char == "]" and text.startswith("(", index + 1):
            end, uri = _inline_destination(text, index + 2)
            if uri is not None:
                out.append(f"](<{markdown_destination(uri)}>)")
                index = end
                continue
            out.append("]\\(")  # no longer a link: its address shows as text
            index += 2
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _inline_destination(text: str, start: int) -> tuple[int, str | None]:
    """Read an inline link's `(destination "title")` from `start`; returns where it ends and the
    destination made safe (None when it is not a web or mail link)."""
    depth = 1
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                break
        index += 1
    inside = text[start:index].strip()
    destination = inside[1:].split(">", 1)[0] if inside.startswith("<") else inside.split(" ")[0]
    return min(index + 1, len(text)), safe_link(destination)
