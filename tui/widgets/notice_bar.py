"""Notices in lines of their own above the footer.

Textual's toasts float over the bottom right of the screen: at 80x24 they
cover the draft's counter and the dialogs (help, dismiss, duplicate). Here a
notice takes its own lines between the panes and the footer, newest first,
so it never covers the draft or an open dialog; each goes after its timeout.
Text is shown as it is (never read as markup): notices quote names and
errors from the store.
"""
from __future__ import annotations

from functools import partial

from textual.content import Content
from textual.widgets import Static

KEPT = 3  # notices shown at once (the oldest goes first)
STYLE = {"information": "", "warning": "$text-warning", "error": "bold $text-error"}


class NoticeBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._notices: list[tuple[int, Content]] = []
        self._made = 0
        self.display = False

    def add(self, message: str, *, title: str = "", severity: str = "information", timeout: float = 5.0) -> None:
        self._made += 1
        number = self._made
        body = Content(message).stylize(STYLE.get(severity, ""))
        if title:
            body = Content.assemble((f"{title}: ", "bold"), body)
        self._notices = [*self._notices, (number, body)][-KEPT:]
        self.set_timer(timeout, partial(self._expire, number))
        self._show()

    def texts(self) -> list[str]:
        """The notices up now, newest first (plain text)."""
        return [body.plain for _, body in reversed(self._notices)]

    def _expire(self, number: int) -> None:
        self._notices = [(n, body) for n, body in self._notices if n != number]
        self._show()

    def _show(self) -> None:
        self.display = bool(self._notices)
        self.update(Content("\n").join(body for _, body in reversed(self._notices)))
