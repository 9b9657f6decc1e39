"""Quitting while the disk refuses writes: wait for it, save to a recovery file, or stay.

Shown by quit when the store still keeps actions in memory (a full or
read-only disk). It retries on its own every few seconds and quits once they
are written; `s` saves them to a recovery file that the store's next open
applies; `x` quits and loses them; escape goes back to the session.
"""
from __future__ import annotations

import asyncio
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from store.errors import StoreError
from store.session_store import SessionStore
from tui.i18n import N_, _, ngettext
from tui.widgets.translated import translate_bindings

RETRY_EVERY = 2.0  # seconds between attempts to write while the dialog waits

Outcome = Literal["written", "saved", "lose"]


class QuitPendingScreen(ModalScreen[Outcome | None]):
    """Returns how the pending actions were dealt with, or None to stay in the session."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Back")),
        Binding("r", "retry", N_("Retry now")),
        Binding("s", "save", N_("Save and quit")),
        Binding("x", "lose", N_("Quit, lose them")),
    ]

    def __init__(self, store: SessionStore) -> None:
        super().__init__()
        self.store = store
        self._busy = False
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="quit-pending"):
            yield Label(Content.styled(_("Some actions are not on disk yet"), "bold"))
            yield Static(self._status(), id="quit-pending-status")
            with Horizontal(classes="buttons"):
                yield Button(Content(_("Save and quit")), id="quit-save", variant="primary")
                yield Button(Content(_("Retry now")), id="quit-retry")
                yield Button(Content(_("Quit, lose them")), id="quit-lose", variant="error")
                yield Button(Content(_("Back")), id="quit-back")
            yield Static(Content(_("waiting for the disk, retrying every {seconds} s · s saves them to a recovery "
                                   "file that the next open applies · r retries · x loses them · escape goes back")
                                 .format(seconds=f"{RETRY_EVERY:.0f}")),
                         classes="hint")

    def on_mount(self) -> None:
        self.set_interval(RETRY_EVERY, self.action_retry)

    def _status(self, problem: str = "") -> Content:
        count = self.store.unwritten
        said = self.store.write_error or ngettext("{count} action kept in memory: the disk refused it",
                                                  "{count} actions kept in memory: the disk refused them", count).format(count=count)
        return Content("\n".join([said, problem] if problem else [said]))

    def _show(self, problem: str = "") -> None:
        self.query_one("#quit-pending-status", Static).update(self._status(problem))

    async def action_retry(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            await asyncio.to_thread(self.store.flush)
        finally:
            self._busy = False
        translate_bindings(self)
        if not self.store.unwritten:
            self.dismiss("written")
        else:
            self._show()

    async def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            saved = await asyncio.to_thread(self.store.save_unwritten)
        except StoreError as error:
            self._show(str(error))
            return
        finally:
            self._busy = False
        translate_bindings(self)
        self.app.notify(_("Saved to {path}: the next open of this store applies them.").format(path=saved), markup=False,
                        timeout=10)
        self.dismiss("saved")

    def action_lose(self) -> None:
        self.dismiss("lose")

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"quit-save": self.action_save, "quit-retry": self.action_retry}
        if event.button.id in actions:
            await actions[event.button.id]()
        elif event.button.id == "quit-lose":
            self.action_lose()
        else:
            self.action_cancel()
