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
from typing import cast

from textual.content import Content

from store.model import Question, Settings, handle
from tui.i18n import N_, _, ngettext, number
from tui.widgets.shown import shown
from tui.widgets.state_labels import reason_label
from tui.widgets.translated import sentence
from tui.widgets.view_bar import LABELS

OPEN = frozenset({"new", "approved"})
# What each move may change: approving never takes an answer back, dismissing never hides an answered question.
ACTS_ON: dict[str, frozenset[str]] = {
    "approve": frozenset({"new", "dismissed"}),
    "dismiss": OPEN,
    "tag": frozenset({"new", "approved", "dismissed", "answered"}),
}
WHOLE_SESSION = N_("A bulk move needs a view (1-5) or a filter (/): on the unfiltered All view it would reach"
                   " every question of the session, whatever its state.")  # translated where shown


def acted_on(verb: str, shown_now: Mapping[str, str]) -> dict[str, str]:
    """The shown questions `verb` may change (id -> status now): the `counted` of the move."""
    fits = ACTS_ON[verb]
    return {qid: status for qid, status in shown_now.items() if status in fits}


def nothing_to(verb: str, shown_count: int) -> str:
    if not shown_count:
        return _("Nothing to do: no question is shown here.")
    if verb == "approve":
        return _("Nothing to approve here: every question shown is approved or answered already.")
    if verb == "dismiss":
        return _("Nothing to dismiss here: no question shown is new or approved.")
    return _("Nothing to do here.")


def questions(count: int) -> str:
    """ "1 question", "1,204 questions"."""
    return ngettext("{count} question", "{count} questions", count).format(count=number(count))


def open_questions(count: int) -> str:
    """ "1 open question", "1,204 open questions"."""
    return ngettext("{count} open question", "{count} open questions", count).format(count=number(count))


def where(view: str, text_filter: str) -> Content:
    """Where the count was taken: ' (New, filter "fibra")'."""
    label = _(LABELS[view]) if view in LABELS else view
    if not text_filter.strip():
        return Content(f" ({label})")
    return Content(" ") + sentence(_("({view}, filter “{filter}”)"), view=label,
                                   filter=shown(text_filter.strip(), multiline=False))


def dismissed_as(count: int, reason: str) -> str:
    return ngettext("{count} question dismissed as {reason}", "{count} questions dismissed as {reason}", count).format(
        count=number(count), reason=reason_label(reason))


def blocked_too(count: int, reason: str, author: str) -> str:
    return ngettext("{count} question dismissed as {reason}, and {author} blocked: their later posts are held",
                    "{count} questions dismissed as {reason}, and {author} blocked: their later posts are held",
                    count).format(count=number(count), reason=reason_label(reason), author=author)


def with_undo(done: str, left: int = 0) -> str:
    """The toast: what was done, what was left alone (`left` questions counted but changed meanwhile,
    or so already), and how to take it back."""
    if left:
        done = _("{done}; {left}").format(done=done, left=ngettext(
            "{count} question left as they were (changed meanwhile, or so already)",
            "{count} questions left as they were (changed meanwhile, or so already)", left).format(count=number(left)))
    return _("{done}. u undoes it.").format(done=done)


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
        at = where(self.view, self.text_filter)
        if self.verb == "dismiss":
            asked = ngettext("Dismiss the {count} question shown{where}: why?", "Dismiss the {count} questions shown{where}: why?",
                             self.count)
        else:
            asked = ngettext("Tags to add to the {count} question shown{where}:", "Tags to add to the {count} questions shown{where}:",
                             self.count)
        return sentence(asked, count=number(self.count), where=at)

    def ask(self, reason: str = "", tags: Sequence[str] = ()) -> Content:
        """The confirmation: the count, what is done, where, and what is left alone."""
        counted, at = Content.styled(questions(self.count), "bold"), where(self.view, self.text_filter)
        if self.verb == "approve":
            first = sentence(_("Approve {questions}{where}?"), questions=counted, where=at)
        elif self.verb == "dismiss":
            first = sentence(_("Dismiss {questions} as {reason}{where}?"), questions=counted, reason=reason_label(reason),
                             where=at)
        else:
            first = sentence(_("Tag {questions} with {tags}{where}?"), questions=counted, where=at,
                             tags=shown(" ".join(f"#{t}" for t in tags), "bold", multiline=False))
        lines = [first]
        if self.left:
            lines.append(Content(ngettext("{count} question shown is in a state this does not change: left as they are.",
                                          "{count} questions shown are in a state this does not change: left as they are.",
                                          self.left).format(count=number(self.left))))
        lines.append(Content.styled(_("One action: u undoes all of it. Questions that arrive meanwhile are not touched."),
                                    "$text-muted"))
        return Content("\n").join(lines)

    def done(self, reason: str = "", tags: Sequence[str] = ()) -> str:
        """The toast once it is stored, if the store changes every question counted (else `said`
        words it again). Plain text: the app cleans every toast."""
        return with_undo(moved_text(self.verb, self.count, reason, tags))


def moved_text(verb: str, count: int, reason: str = "", tags: Sequence[str] = ()) -> str:
    """What a move over `count` questions did: "5 questions approved"."""
    if verb == "approve":
        return ngettext("{count} question approved", "{count} questions approved", count).format(count=number(count))
    if verb == "dismiss":
        return dismissed_as(count, reason)
    return ngettext("{count} question tagged {tags}", "{count} questions tagged {tags}", count).format(
        count=number(count), tags=" ".join(f"#{t}" for t in tags))


def said(call: str, args: Sequence[object], changed: int, left: int, *, blocking: bool) -> str:
    """The toast of a move the store made on fewer questions than were counted: `call` and `args`
    are the `SessionService` method it ran and what it took after the ids (a reason, tags, an
    author; the counted statuses last), `blocking` whether it blocked the author too."""
    if call == "block_author":
        author, reason = str(args[0]), str(args[1])
        done = blocked_too(changed, reason, author) if blocking else dismissed_as(changed, reason)
    elif call == "dismiss_many":
        done = dismissed_as(changed, str(args[0]))
    elif call == "tag_many":
        done = moved_text("tag", changed, tags=cast(Sequence[str], args[0]))
    else:
        done = moved_text("approve", changed)
    return with_undo(done, left)


# -- blocking an author ------------------------------------------------------------------


def is_blocked(settings: Settings, author: str) -> bool:
    return handle(author) in {handle(a) for a in settings.blocked_authors}


def by_author(questions_now: Iterable[Question], author: str) -> dict[str, str]:
    """The author's open questions (id -> status), wherever they are shown: the `counted` of a block.
    An author is their handle, as the hold rules compare it."""
    wanted = handle(author)
    return {q.id: q.status for q in questions_now if q.status in OPEN and handle(q.author) == wanted}


def block_title(author: str, count: int) -> Content:
    asked = ngettext("Block {author} and dismiss their {count} open question (new or approved): why?",
                     "Block {author} and dismiss their {count} open questions (new or approved): why?", count)
    return sentence(asked, author=shown(author, "bold", multiline=False), count=number(count))


def ask_block(author: str, count: int, reason: str, blocked: bool) -> Content:
    who, counted, why = shown(author, "bold", multiline=False), Content.styled(open_questions(count), "bold"), reason_label(reason)
    if blocked:
        first = sentence(_("{author} is blocked already. Dismiss their {questions} as {reason}?"), author=who,
                         questions=counted, reason=why)
    elif count:
        first = sentence(ngettext("Block {author}? Their {questions} is dismissed as {reason}, and what they post later"
                                  " is held (hold rule: blocked author).",
                                  "Block {author}? Their {questions} are dismissed as {reason}, and what they post later"
                                  " is held (hold rule: blocked author).", count), author=who, questions=counted, reason=why)
    else:
        first = sentence(_("Block {author}? None of their questions is open; what they post later is held"
                           " (hold rule: blocked author)."), author=who)
    note = Content.styled(_("One action: u undoes all of it, the block too."), "$text-muted")
    return Content("\n").join([first, note])


def block_done(author: str, reason: str, blocked: bool, count: int) -> str:
    """The toast once stored, if the store dismisses every question counted (else `said` words it again)."""
    if not count:
        return _("{author} blocked: their later posts are held.").format(author=author)
    return with_undo(dismissed_as(count, reason) if blocked else blocked_too(count, reason, author))
