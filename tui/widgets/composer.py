"""The answer as it will really be posted, with the session's rules.

Wraps `store.text`: the profile, the `@asker` mention and the ` #hashtag`
come from the session settings, so the draft pane, the send action and the
tests all compose the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

from store.model import Question, Settings
from store.text import Post, Profile, compose, profile_for, split_thread


@dataclass(frozen=True)
class Composition:
    """One draft composed: the single post, and the thread when it does not fit."""

    post: Post
    thread: tuple[Post, ...]
    problem: str | None  # why it cannot be sent as it is (None: sendable)

    @property
    def parts(self) -> list[str]:
        return [part.text for part in self.thread] if len(self.thread) > 1 else [self.post.text]


def session_profile(settings: Settings) -> Profile:
    return profile_for(settings.profile, limit=settings.limit, url_weight=settings.url_weight)


class Composer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.profile = session_profile(settings)

    def compose(self, answer: str, question: Question | None) -> Composition:
        mention = question.author if question is not None and self.settings.mention_asker else None
        hashtag = self.settings.hashtag if self.settings.append_hashtag else None
        post = compose(answer, self.profile, mention=mention, hashtag=hashtag, spoiler=question.spoiler if question else "")
        if not answer.strip():
            return Composition(post, (post,), "the answer is empty")
        if post.result.valid:
            return Composition(post, (post,), None)
        if post.result.over_at is None:  # invalid for another reason (a forbidden character...)
            return Composition(post, (post,), post.result.reason or "the platform would refuse this post")
        try:
            thread = split_thread(answer, self.profile, mention=mention, hashtag=hashtag)
        except ValueError as error:
            return Composition(post, (post,), str(error))
        bad = next((part for part in thread if not part.result.valid), None)
        return Composition(post, thread, bad.result.reason if bad is not None else None)
