"""Bulk moves: what they act on, and what their dialogs and toasts say.

A bulk move (approve, dismiss or tag every question the queue shows, or
block an author) is one action and one undo, confirmed with the count
first. It acts only on the questions counted when its first dialog opened,
each while it still has the status it had then (`SessionStore.act_on_many`):
questions that arrive while the dialogs are open, and decisions another
moderator makes meanwhile, are left alone. Which questions the queue shows
is `MainScreen.shown_questions`; which of those a move may change is here.

Names, tags and the filter come from the store or a person: they reach the
dialogs as `Content` through `shown`, never as markup.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from textual.content import Content

from store.model import Question, Settings, handle
from tui.widgets.shown import shown
from tui.widgets.view_bar import LABELS

OPEN = frozenset({"new", "approved"})
# What each move may change: approving never takes an answer back, dismissing never hides an answered question.
ACTS_ON: dict[str, frozenset[str]] = {
    "approve": frozenset({"new", "dismissed"}),
    "dismiss": OPEN,
    "tag": frozenset({"new", "approved", "dismissed", "answered"}),
}
WHOLE_SESSION = ("A bulk move needs a view (1-5) or a filter (/): on the unfiltered All view it would reach"
                 " every question of the session, whatever its state.")


def acted_on(verb: str, shown_now: Mapping[str, str]) -> dict[str, str]:
    """The shown questions `verb` may change (id -> status now): the `counted` of the move."""
    fits = ACTS_ON[verb]
    return {qid: status for qid, status in shown_now.items() if status in fits}


def nothing_to(verb: str, shown_count: int) -> str:
    if not shown_count:
        return "Nothing to do: no question is shown here."
    return {"approve": "Nothing to approve here: every question shown is approved or answered already.",
            "dismiss": "Nothing to dismiss here: no question shown is new or approved."}.get(verb, "Nothing to do here.")


def questions(count: int, kind: str = "") -> str:
    """ "1 question", "1,204 open questions"."""
    return f"{count:,} {kind}question{'' if count == 1 else 's'}"


def where(view: str, text_filter: str) -> Content:
    """Where the count was taken: ' (New, filter "fibra")'."""
    if not text_filter.strip():
        return Content(f" ({LABELS.get(view, view)})")
    return Content.assemble(f" ({LABELS.get(view, view)}, filter “", shown(text_filter.strip(), multiline=False), "”)")


@dataclass(frozen=True)
class Move:
    """A bulk move over the questions shown, as counted when it began."""

    verb: str  # approve, dismiss, tag
    count: int  # the questions it acts on
    left: int  # shown, but in a state this move does not change
    view: str
    text_filter: str

    def title(self) -> Content:
        """The reason or tags dialog's first line."""
        what = Content.assemble(questions(self.count), " shown", where(self.view, self.text_filter))
        if self.verb == "dismiss":
            return Content.assemble("Dismiss the ", what, ": why?")
        return Content.assemble("Tags to add to the ", what, ":")

    def ask(self, reason: str = "", tags: Sequence[str] = ()) -> Content:
        """The confirmation: the count, what is done, where, and what is left alone."""
        how = {"approve": Content(""), "dismiss": Content(f" as {reason}"),
               "tag": Content.assemble(" with ", shown(" ".join(f"#{t}" for t in tags), "bold", multiline=False))}
        lines = [Content.assemble(f"{self.verb.capitalize()} ", (questions(self.count), "bold"), how[self.verb],
                                  where(self.view, self.text_filter), "?")]
        if self.left:
            lines.append(Content(f"{questions(self.left)} shown {'is' if self.left == 1 else 'are'} in a state"
                                 f" this does not change: left as they are."))
        lines.append(Content.styled("One action: u undoes all of it. Questions that arrive meanwhile are not touched.",
                                    "$text-muted"))
        return Content("\n").join(lines)

    def done(self, reason: str = "", tags: Sequence[str] = ()) -> str:
        """The toast's verb phrase once it is stored (plain text: the app cleans every toast)."""
        return {"approve": "approved", "dismiss": f"dismissed as {reason}",
                "tag": "tagged " + " ".join(f"#{t}" for t in tags)}[self.verb]


# -- blocking an author ------------------------------------------------------------------


def is_blocked(settings: Settings, author: str) -> bool:
    return handle(author) in {handle(a) for a in settings.blocked_authors}


def by_author(questions_now: Iterable[Question], author: str) -> dict[str, str]:
    """The author's open questions (id -> status), wherever they are shown: the `counted` of a block.
    An author is their handle, as the hold rules compare it."""
    wanted = handle(author)
    return {q.id: q.status for q in questions_now if q.status in OPEN and handle(q.author) == wanted}


def block_title(author: str, count: int) -> Content:
    return Content.assemble("Block ", shown(author, "bold", multiline=False), " and dismiss their ", questions(count, "open "),
                            " (new or approved): why?")


def ask_block(author: str, count: int, reason: str, blocked: bool) -> Content:
    who = shown(author, "bold", multiline=False)
    if blocked:
        first = Content.assemble(who, " is blocked already. Dismiss their ", (questions(count, "open "), "bold"),
                                 f" as {reason}?")
    elif count:
        first = Content.assemble("Block ", who, "? Their ", (questions(count, "open "), "bold"),
                                 f" {'is' if count == 1 else 'are'} dismissed as {reason},"
                                 " and what they post later is held (hold rule: blocked author).")
    else:
        first = Content.assemble("Block ", who, "? None of their questions is open; what they post later is held"
                                 " (hold rule: blocked author).")
    note = Content.styled("One action: u undoes all of it, the block too.", "$text-muted")
    return Content("\n").join([first, note])


def block_done(author: str, reason: str, blocked: bool, count: int) -> str:
    """The toast's verb phrase, or its whole sentence when no question is dismissed."""
    if not count:
        return f"{author} blocked: their later posts are held"
    return f"dismissed as {reason}" + ("" if blocked else f", and {author} blocked: their later posts are held")
