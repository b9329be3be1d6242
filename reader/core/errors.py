"""The errors the core raises on purpose; each message is meant for a person to read."""

from __future__ import annotations


class ReadmarkError(Exception):
    """Base of every error Readmark reports to the user as a message, not a traceback."""


class LoadError(ReadmarkError):
    """A source could not be loaded (file, URL, stdin)."""


class NotFoundError(LoadError):
    """The file does not exist or the server answered 404/410."""


class NetworkError(LoadError):
    """DNS failure, refused or reset connection, TLS failure."""


class FetchTimeoutError(LoadError):
    """The server did not answer in time."""


class HTTPStatusError(LoadError):
    """The server answered with an error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class TooLargeError(LoadError):
    """The body (or its decompressed form) is over the size limit."""


class UnsupportedContentError(LoadError):
    """The content is not HTML or text (an image, a PDF, a zip...)."""


class ExtractionError(ReadmarkError):
    """The page loaded but holds no readable article."""


class LibraryError(ReadmarkError):
    """The library file cannot be opened or written."""


class ArticleNotFoundError(LibraryError, KeyError):
    """No article with that id (it may have been deleted for good)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DiskFullError(LibraryError):
    """A write failed for lack of space; it was rolled back, the library is as it was."""


class ReadOnlyLibraryError(LibraryError):
    """The library's file or folder cannot be written; reading still works."""


class SearchTooLongError(LibraryError):
    """A search has more filters or words than SQLite can take in one statement."""


class DamagedLibraryError(LibraryError):
    """SQLite found real damage in the file (corrupt pages, not a database)."""


class NewerLibraryError(LibraryError):
    """The library was upgraded by a newer Readmark than this one."""


class ExportWriteError(ReadmarkError):
    """An export or report could not be written; any earlier file of that name is unchanged."""


class BlockedAddressError(LoadError):
    """The network policy refused an address (a local one reached through a redirect)."""
