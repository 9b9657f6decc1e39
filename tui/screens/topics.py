"""The session's topics: their live shares, adding, changing and removing one, and words to make topics of.

A change is checked here first (`store.session_store.with_topic`, so a bad
line is refused with the reason and the text stays in the box), then goes up
as an `Edit` message: the app saves it through the service into the session,
for every process, and tags the questions already stored that the topic
matches (one action: `u` takes the tags off again). The words rising in the
last minutes (`store.triage.suggest`) are worked out in a thread worker.
Names, keywords and words come from the store: shown as `Content`, never markup.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from store.errors import ActionError
from store.session_store import topic_name, with_topic
from tui.i18n import N_, _, ngettext
from tui.widgets.shown import shown
from tui.widgets.state_labels import topic_label
from tui.widgets.translated import translate_bindings

if TYPE_CHECKING:
    from store.triage.topics import Rising  # the engine loads in the worker, not with the app

SHARES_EVERY = 1.0  # seconds between redraws of the live shares


@dataclass(frozen=True)
class TopicsReading:
    """What the dialog reads: the session's topic lines, their shares, the rising words (slow: a worker calls it)."""

    topics: Callable[[], list[str]]
    shares: Callable[[], Mapping[str, float]]
    suggest: Callable[[], list[Rising]]


class TopicsScreen(ModalScreen[str | None]):
    """Returns the name of a topic to filter the queue by, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close")),
        Binding("delete", "remove", N_("Remove the topic")),
        Binding("f", "filter", N_("Filter the queue by it")),
        Binding("plus", "adopt", N_("Make a topic of it")),
    ]

    @dataclass
    class Edit(Message):
        """Save a topic: `line` added, or in place of the topic named `replacing`; `line` None removes it."""

        line: str | None
        replacing: str = ""

    def __init__(self, reading: TopicsReading) -> None:
        super().__init__()
        self.reading = reading
        self.editing = ""  # the name of the topic whose line is in the box
        self.suggestions: list[Rising] = []
        self._drawn: tuple[Content, ...] | None = None
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="topics"):
            yield Label(Content.styled(_("Topics (everyone on the session sees a change)"), "bold"))
            yield OptionList(id="topic-list")
            yield Label(Content.styled(_("enter edits · delete removes · f filters the queue by it"), "$text-muted"))
            yield Input(placeholder=_("name: keyword, keyword (e.g. lavoro: giovani, neolaureati, stage)"), id="topic-line",
                        select_on_focus=False)
            yield Label(Content(""), id="topics-error")
            yield Label(Content.styled(_("Rising in the last 10 minutes"), "bold"))
            yield OptionList(id="suggestions")
            yield Label(Content.styled(_("enter or + makes a topic of it · tab moves · escape closes"), "$text-muted"))

    def on_mount(self) -> None:
        self.refresh_topics()
        self.set_interval(SHARES_EVERY, self.refresh_topics)
        self.query_one("#suggestions", OptionList).add_option(Option(Content.styled(_("working them out…"), "$text-muted"),
                                                                     disabled=True))
        self.query_one("#topic-line", Input).focus()
        self.find_suggestions()

    # -- what is shown -------------------------------------------------------------

    def refresh_topics(self) -> None:
        """Draw the session's topics with their shares as they are now (another process may change them)."""
        shares = self.reading.shares()
        lines = self.reading.topics()
        prompts = tuple(self._topic_row(line, shares) for line in lines)
        if lines and shares:
            other, share = list(shares.items())[-1]  # the shares end with "other": questions with no topic
            prompts += (Content.assemble((f"{topic_label(other):<16}", "$text-muted"), (f"{share:>4.0%}", "$text-muted")),)
        if prompts == self._drawn:
            return
        self._drawn = prompts
        listed = self.query_one("#topic-list", OptionList)
        at = listed.highlighted
        listed.clear_options()
        listed.add_options([Option(prompt, id=f"t{n}", disabled=n >= len(lines)) for n, prompt in enumerate(prompts)])
        if not lines:
            listed.add_option(Option(Content.styled(_("No topics yet: type one below, or pick a rising word."),
                                                    "$text-muted"), disabled=True))
        else:
            listed.highlighted = 0 if at is None else min(at, len(lines) - 1)

    @staticmethod
    def _topic_row(line: str, shares: Mapping[str, float]) -> Content:
        name, _colon, keywords = line.partition(":")
        share = f"{shares[name]:>4.0%}" if name in shares else "   …"
        return Content.assemble(shown(f"{name:<16}", "bold", multiline=False), share, "  ",
                                shown(keywords.strip(), "$text-muted", multiline=False))

    def find_suggestions(self) -> None:
        """Work out the rising words in a thread worker (a newer look cancels the one running)."""
        self.run_worker(self._suggest, name=_("find rising words"), group="triage", thread=True, exclusive=True)

    def _suggest(self) -> None:
        found = self.reading.suggest()
        if not get_current_worker().is_cancelled:  # a newer look, or the dialog closed meanwhile
            self.app.call_from_thread(self.show_suggestions, found)

    def show_suggestions(self, found: list[Rising]) -> None:
        if not self.is_mounted:
            return
        self.suggestions = found
        listed = self.query_one("#suggestions", OptionList)
        listed.clear_options()
        if not found:
            listed.add_option(Option(Content.styled(_("No word is rising yet."), "$text-muted"), disabled=True))
        for n, rising in enumerate(found):
            posts = ngettext("{count} post", "{count} posts", rising.recent).format(count=f"{rising.recent:>4}")
            listed.add_option(Option(Content.assemble(
                shown(f"{rising.term:<16}", "bold", multiline=False), (f"{posts}  ", "$text-muted"),
                shown(", ".join(rising.variants), "$text-muted", multiline=False)), id=f"s{n}"))
        if found:
            listed.highlighted = 0

    def show_error(self, text: str) -> None:
        self.query_one("#topics-error", Label).update(Content.styled(text, "$error"))

    # -- changes ---------------------------------------------------------------------

    def save(self, line: str | None, replacing: str = "") -> bool:
        """Check the change against the topics as they are now; send it up, or say what is wrong."""
        try:
            with_topic(self.reading.topics(), line, replacing=replacing)
        except ActionError as error:
            self.show_error(_("Not saved: {error}").format(error=error))
            return False
        self.show_error("")
        self.post_message(self.Edit(line, replacing))
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() and self.save(event.value, self.editing):
            event.input.value = ""
            self.editing = ""

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "suggestions":
            self.action_adopt()
            return
        name = self._selected_topic()
        if name:  # edit it: its line goes into the box
            box = self.query_one("#topic-line", Input)
            box.value = next(line for line in self.reading.topics() if topic_name(line) == name)
            box.cursor_position = len(box.value)
            self.editing = name
            box.focus()

    def _selected_topic(self) -> str:
        listed = self.query_one("#topic-list", OptionList)
        lines = self.reading.topics()
        at = listed.highlighted
        return topic_name(lines[at]) if listed.has_focus and at is not None and at < len(lines) else ""

    def action_remove(self) -> None:
        name = self._selected_topic()
        if name:
            self.save(None, name)

    def action_filter(self) -> None:
        name = self._selected_topic()
        if name:
            self.dismiss(name)

    def action_adopt(self) -> None:
        """The highlighted rising word becomes a topic: named after it, its spellings as keywords."""
        from store.triage.suggest import as_topic

        listed = self.query_one("#suggestions", OptionList)
        at = listed.highlighted
        if not listed.has_focus or at is None or at >= len(self.suggestions):
            return
        if self.save(as_topic(self.suggestions[at])):
            del self.suggestions[at]
            listed.remove_option_at_index(at)

    def saved(self) -> None:
        """The app stored a change: draw it, and look for rising words again (new topics' words are left out)."""
        self.refresh_topics()
        self.find_suggestions()

    def action_close(self) -> None:
        self.dismiss(None)
