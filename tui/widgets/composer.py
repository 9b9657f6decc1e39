"""The answer as it will really be posted, with the rules of where it goes.

Wraps `store.text`. The counting rules are those of where the answer will
really be posted: the account that can reply to the question (its
platform, with its instance's own limits), else the session's profile (file
and demo questions, no account connected). The `@asker` mention and the
` #hashtag` come from the session settings. The draft pane, the send action
and the tests all compose the same way.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from store.model import Question, Settings
from store.text import Post, Profile, compose, profile_for, split_thread
from tui.i18n import N_, _

if TYPE_CHECKING:  # the publishers bring httpx: 80 ms of the app's start, before anything is sent
    from tui.platforms.publishers import Target

EMPTY = N_("the answer is empty")  # a problem the draft pane does not show: it says how much is left


@dataclass(frozen=True)
class Composition:
    """One draft composed: the single post, and the thread when it does not fit."""

    post: Post
    thread: tuple[Post, ...]
    problem: str | None  # why it cannot be sent as it is, translated where we word it (None: sendable)
    where: str = ""  # where it is counted for: "mastodon.social", or the session's profile

    @property
    def parts(self) -> list[str]:
        return [part.text for part in self.thread] if len(self.thread) > 1 else [self.post.text]


def session_profile(settings: Settings) -> Profile:
    return profile_for(settings.profile, limit=settings.limit, url_weight=settings.url_weight)


class Composer:
    def __init__(self, settings: Callable[[], Settings],
                 target: Callable[[Question], Target | None] = lambda question: None) -> None:
        """`settings` returns the session's current settings (another process may
        change them); `target` says where an answer to a question is posted (None:
        nowhere, count with the session's profile)."""
        self._settings = settings
        self._target = target
        self._key: tuple[object, ...] = ()
        self._profile: Profile | None = None

    @property
    def settings(self) -> Settings:
        return self._settings()

    @property
    def profile(self) -> Profile:
        """The session's profile, rebuilt when its settings change (another
        process, or a Mastodon instance's own limits learnt by a source)."""
        settings = self.settings
        key = (settings.profile, settings.limit, settings.url_weight)
        if self._profile is None or key != self._key:
            self._profile, self._key = session_profile(settings), key
        return self._profile

    def compose(self, answer: str, question: Question | None) -> Composition:
        target = self._target(question) if question is not None else None
        profile, where = (target.profile, target.label) if target is not None else (self.profile, self.profile.name)
        composition = self._compose(answer, question, profile)
        return replace(composition, where=where)

    def _compose(self, answer: str, question: Question | None, profile: Profile) -> Composition:
        settings = self.settings
        mention = question.author if question is not None and settings.mention_asker else None
        hashtag = settings.hashtag if settings.append_hashtag else None
        # A content warning shares the budget on Mastodon only; the reply carries the question's.
        spoiler = question.spoiler if question is not None and profile.name == "mastodon" else ""
        post = compose(answer, profile, mention=mention, hashtag=hashtag, spoiler=spoiler)
        if not answer.strip():
            return Composition(post, (post,), _(EMPTY))
        if post.result.valid:
            return Composition(post, (post,), None)
        if post.result.over_at is None:  # invalid for another reason (a forbidden character...)
            return Composition(post, (post,), post.result.reason or _("the platform would refuse this post"))
        try:
            thread = split_thread(answer, profile, mention=mention, hashtag=hashtag)
        except ValueError as error:
            return Composition(post, (post,), str(error))
        bad = next((part for part in thread if not part.result.valid), None)
        return Composition(post, thread, bad.result.reason if bad is not None else None)
