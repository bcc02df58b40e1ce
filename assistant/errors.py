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


class GenerationError(AssistantError):
    """The language model could not give a usable reply. `kind`: timeout, connection, rate-limit,
    server, malformed, config."""

    def __init__(self, message: str, kind: str = "malformed"):
        super().__init__(message)
        self.kind = kind


class PlaybookError(AssistantError):
    """The playbook YAML is malformed."""


class ClauseLibraryError(AssistantError):
    """A clause-library file is missing or malformed; the message names the file and the problem."""


class DraftError(AssistantError, ValueError):
    """The parameters cannot make a rider (the message says which value and why)."""


class GoldError(AssistantError, ValueError):
    """The gold file cannot be used; the message names the item and field."""
