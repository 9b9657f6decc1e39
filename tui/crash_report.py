"""A crash report without local variables.

Textual's crash screen renders the traceback with every frame's local
variables (`show_locals=True`, fixed in `App._fatal_error`). A frame holding
the environment, a token or a password would print it to the terminal, and
from there into a bug report. This mixin renders the same traceback without
locals; everything else about a crash (bell, exit code 1, the report after
the app closes) stays Textual's.
"""
from __future__ import annotations

from typing import Any

import rich
from rich.segment import Segments


class NoLocalsInCrashReport:
    """Mixed into the App ahead of `textual.app.App`."""

    def _fatal_error(self: Any) -> None:
        from rich.traceback import Traceback  # here, as Textual does: 50 ms of every start otherwise

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()
