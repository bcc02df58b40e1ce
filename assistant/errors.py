"""Errors library code raises; the CLI and the web app turn them into messages."""


class AssistantError(Exception):
    """Base class: the message is a whole sentence meant for the user."""


class LoadError(AssistantError):
    """A file could not be read as a document (corrupt, encrypted, scanned, empty, wrong type)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexNotBuiltError(AssistantError):
    """Search was asked for before anything was indexed."""


class IndexBusyError(AssistantError):
    """Another process holds the index lock."""


class StoreError(AssistantError):
    """The vector store could not be reached or used."""


class QuestionError(AssistantError, ValueError):
    """The question is empty or too long."""
