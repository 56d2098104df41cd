"""Typed errors a user's input can cause; the CLI and the app turn them into one clean line."""
from __future__ import annotations


class IngestError(Exception):
    """A file could not be ingested; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple:
        return (type(self), (self.path, self.reason))


class NotAPdf(IngestError):
    pass


class EmptyFile(IngestError):
    pass


class EncryptedPdf(IngestError):
    pass


class CorruptPdf(IngestError):
    pass


class CorruptWorkbook(IngestError):
    pass


class NeedsOcr(IngestError):
    pass


class NoTables(IngestError):
    pass


class ParseTimeout(IngestError):
    pass


class ParseOutOfMemory(IngestError):
    pass


class TooManyPages(IngestError):
    pass


class UnsupportedFile(IngestError):
    pass


class EmbedderMismatch(IngestError):
    """The store's vectors were made by another embedding model than the one configured."""


class IngestTimeout(IngestError):
    """The whole ingest of a file (parse, records, embedding) took longer than its limit."""


class TooMuchToEmbed(IngestError):
    """A document brings more records or texts to embed than one document may."""
