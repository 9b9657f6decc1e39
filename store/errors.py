"""Errors the store raises, each with a message fit to show a user."""
from __future__ import annotations


class StoreError(Exception):
    """A store that cannot be opened or used; the message names the file."""


class NotAStoreError(StoreError):
    """The file exists but is not a qtime store we can read; it is left untouched."""


class ActionError(StoreError):
    """A moderator action that does not apply (unknown question, bad reason...)."""


class Dismissed(ActionError):
    """An answer to a question that was dismissed: sent only if the host confirms."""

    def __init__(self, message: str, dismissal: str) -> None:
        super().__init__(message)
        self.dismissal = dismissal  # "dismissed (off-topic) by mod"


class SessionReplaced(StoreError):
    """The store file now holds another session: this process must not write into it."""
