"""Every action a person can take on the live screen, listed once.

The screen's key bindings, the ids `[keymap]` may remap, the command
palette, the help screen and the welcome text are all built from `ACTIONS`;
a test checks that each action is reachable by its key and from the palette.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingType

Scope = Literal["screen", "queue"]


@dataclass(frozen=True, slots=True)
class Action:
    id: str  # the binding id: what `[keymap]` names
    keys: str  # the default keys, comma-separated
    action: str  # the Textual action it runs
    title: str  # the command palette's title ("" = not in the palette)
    help: str  # one line: the palette, the help screen, the config docs
    label: str = ""  # the footer's label ("" = not in the footer)
    moderation: bool = False  # changes a question's triage: not in the host's layout
    queue_only: bool = False  # acts on the queue: not while typing in the answer or the filter
    scope: Scope = "screen"  # bound on the main screen, or on the queue widget


def _view(key: str, view: str) -> Action:
    return Action(f"view.{view}", key, f"view('{view}')", f"View: {view}", f"show the {view} questions",
                  queue_only=True)


ACTIONS: tuple[Action, ...] = (
    Action("queue.down", "down,j", "cursor(1)", "", "move down the queue", scope="queue"),
    Action("queue.up", "up,k", "cursor(-1)", "", "move up the queue", scope="queue"),
    Action("answer", "enter", "answer", "Answer", "answer the selected question (focus the draft)", "Answer",
           queue_only=True),
    Action("approve", "a", "approve", "Approve", "approve the selected question (or group)", "Approve", moderation=True,
           queue_only=True),
    Action("dismiss", "d", "dismiss_question", "Dismiss", "dismiss it (asks the reason)", "Dismiss", moderation=True,
           queue_only=True),
    Action("star", "s", "star", "Star", "star or unstar it", "Star", queue_only=True),
    Action("tag", "t", "tag", "Tag", "tag it", "Tag", moderation=True, queue_only=True),
    Action("duplicate", "m", "duplicate", "Mark duplicate", "mark it a duplicate of another question (its votes move)",
           "Dup", moderation=True, queue_only=True),
    Action("bulk.approve", "A", "bulk('approve')", "Approve all shown",
           "approve every question shown (counted first; one undo)", moderation=True, queue_only=True),
    Action("bulk.dismiss", "D", "bulk('dismiss')", "Dismiss all shown",
           "dismiss every question shown (asks why; one undo)", moderation=True, queue_only=True),
    Action("bulk.tag", "T", "bulk('tag')", "Tag all shown",
           "tag every question shown (asks the tags; one undo)", moderation=True, queue_only=True),
    Action("author.block", "B", "block_author", "Block the author",
           "block its author: open questions dismissed, later held", moderation=True, queue_only=True),
    Action("group.expand", "e", "expand_group", "Show / hide a group's copies",
           "show or hide the copies in the group under the cursor", queue_only=True),
    Action("group.split", "b", "split_group", "Break off from its group",
           "break the selected copy off its group (u does not undo it)", moderation=True, queue_only=True),
    Action("undo", "u", "undo", "Undo", "undo your last action (never past a send)", "Undo", queue_only=True),
    Action("correct", "c", "revise('correct')", "Correct the answer",
           "correct a sent answer (edited in place on Mastodon; a reply or a repost elsewhere)", "Correct",
           queue_only=True),
    Action("follow_up", "f", "revise('follow_up')", "Follow up the answer", "add a follow-up reply to a sent answer",
           "Follow up", queue_only=True),
    Action("retract", "x", "retract", "Retract the answer", "retract a sent answer: its posts are deleted (asks first)",
           "Retract", queue_only=True),
    Action("filter", "slash", "filter", "Filter", "filter the queue by text, @author or topic:NAME", "Filter", queue_only=True),
    Action("send", "ctrl+s", "send", "Send", "send the answer being drafted", "Send"),
    Action("back", "escape", "back", "", "back to the queue", "Queue"),
    Action("pause", "p", "pause", "Pause / resume feed", "pause or resume new arrivals", "Pause", queue_only=True),
    Action("retry", "r", "retry", "Retry publishing", "publish a failed or held-back answer again", "Retry",
           queue_only=True),
    Action("open", "o", "open_link", "Open the posted answer", "open the published reply in the browser", "Open",
           queue_only=True),
    Action("topics", "number_sign", "app.topics", "Topics",
           "topics and their shares: add, change, remove, filter by one; rising words", moderation=True,
           queue_only=True),
    Action("rules", "H", "app.rules", "Hold rules", "hold rules: blocked words and authors, link-only, floods",
           moderation=True, queue_only=True),
    Action("settings", "comma", "app.settings", "Session settings",
           "title, hashtags, counting profile, time zone (shared by everyone on the session)"),
    Action("export", "ctrl+e", "app.export", "Export", "export the session log (md, html, csv, json)", "Export"),
    # f1 also works while typing (a `?` is typed into the text instead); so does the app's ctrl+q.
    Action("help", "question_mark,f1", "app.help", "Help", "keys, flags and queue order", "Help"),
    Action("quit", "q", "quit", "Quit", "quit (drafts are kept; ctrl+q also while typing)", "Quit", queue_only=True),
    _view("1", "new"),
    _view("2", "approved"),
    _view("3", "starred"),
    _view("4", "dismissed"),
    _view("5", "answered"),
    _view("6", "all"),
)

BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}
# Textual action name (without arguments) -> its entry; `view` covers the six views.
BY_NAME: dict[str, Action] = {a.action.split("(")[0]: a for a in ACTIONS}
# Actions that must stay reachable whatever the keymap says.
ESSENTIAL: frozenset[str] = frozenset({"quit", "help", "send", "back"})


def bindings(scope: Scope) -> list[BindingType]:
    return [Binding(a.keys, a.action, a.label, show=bool(a.label), id=a.id) for a in ACTIONS if a.scope == scope]


def palette_actions() -> list[Action]:
    return [a for a in ACTIONS if a.title]


def welcome(role: str, keys: dict[str, str]) -> str:
    """The first-run hint for `role`, with the keys as they are bound now (plain text, not markup)."""
    def key(action_id: str) -> str:  # the first of its keys
        return keys.get(action_id, BY_ID[action_id].keys).split(" ")[0].split(",")[0]

    triage = " · ".join(f"{key(i)} {word}" for i, word in
                        (("approve", "approve"), ("dismiss", "dismiss"), ("star", "star"), ("duplicate", "duplicate"),
                         ("undo", "undo")))
    answer = f"{key('answer')} on a question, type, {key('send')} sends, {key('back')} returns."
    more = f"{key('help')} lists every key."
    if role == "moderator":
        return f"You triage: {triage}.\nThe host answers what you approve. {more}"
    if role == "host":
        return f"You answer what the moderator approves, starred first, then by votes.\n{answer} {more}"
    return f"Triage: {triage}.\nAnswer: {answer} {more}"
