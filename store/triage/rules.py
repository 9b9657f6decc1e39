"""Hold rules: which incoming questions wait for a moderator instead of the queue.

Each rule is a pure function of the question (and, for a flood, of how many
accounts posted its text lately), so every process holds the same posts and
can say which rule caught one. Rules are checked in the order of `RULES`;
the first that catches a question is the one reported.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from store.model import handle as _handle
from store.triage.normalise import has_words, plain_stems, shape, words

Rule = Literal["blocked author", "blocked word", "link only", "flood"]
RULES: tuple[Rule, ...] = ("blocked author", "blocked word", "link only", "flood")


@dataclass(frozen=True, slots=True)
class HoldRules:
    """A session's rules, as the moderator set them."""

    blocked_words: tuple[str, ...] = ()  # words or phrases, Italian or English; any case, accents, plural
    blocked_authors: tuple[str, ...] = ()  # handles, with or without "@"
    hold_link_only: bool = True
    flood_authors: int = 5  # K: a text posted by this many accounts...
    flood_minutes: float = 10.0  # ...within T minutes is a flood


@dataclass(frozen=True, slots=True)
class Hold:
    rule: Rule
    detail: str  # what matched: the author, the word, the number of accounts


def blocked_author(rules: HoldRules, author: str) -> Hold | None:
    handle = _handle(author)
    return Hold("blocked author", f"@{handle}") if handle and handle in {_handle(a) for a in rules.blocked_authors} else None


def blocked_word(rules: HoldRules, text: str) -> Hold | None:
    """The first blocked word or phrase in `text`, compared by stems (hashtags included: #word)."""
    stemmed = plain_stems(words(text))
    for blocked in rules.blocked_words:
        phrase = plain_stems(words(blocked))
        if phrase and any(stemmed[at : at + len(phrase)] == phrase for at in range(len(stemmed) - len(phrase) + 1)):
            return Hold("blocked word", blocked)
    return None


def link_only(rules: HoldRules, text: str) -> Hold | None:
    """A post with nothing but links, mentions, hashtags and emoji."""
    return Hold("link only", "no words besides links, mentions and hashtags") if rules.hold_link_only and not has_words(text) else None


def flood(rules: HoldRules, authors: int) -> Hold | None:
    """`authors`: how many accounts posted this text within the window (`FloodWatch.see`)."""
    if authors >= rules.flood_authors:
        return Hold("flood", f"{authors} accounts within {rules.flood_minutes:g} min")
    return None


def check(rules: HoldRules, author: str, text: str, flood_authors: int = 0) -> Hold | None:
    """The first rule that holds this question, or None to let it through."""
    return (
        blocked_author(rules, author)
        or blocked_word(rules, text)
        or link_only(rules, text)
        or flood(rules, flood_authors)
    )


class FloodWatch:
    """Counts the accounts that posted each text lately.

    Texts are compared as grouping's exact key (case, accents, punctuation,
    emoji, hashtags, mentions and links aside). Retweets and quotes share
    someone's post rather than copy it, so they are not counted; nor are
    posts with no words (the link-only rule is for those).
    """

    def __init__(self, minutes: float = 10.0) -> None:
        self.window = minutes * 60
        self._posts: dict[str, deque[tuple[float, str]]] = {}

    def see(self, author: str, text: str, at: float) -> int:
        """Record a post at `at` seconds (non-decreasing); how many accounts posted its text in the window."""
        s = shape(text)
        if s.shared or not s.key:
            return 0
        posts = self._posts.setdefault(s.key, deque())
        posts.append((at, _handle(author)))
        while posts[0][0] < at - self.window:
            posts.popleft()
        return len({handle for _, handle in posts})


class Holder:
    """The rules and the flood watch together: one call per arriving question."""

    def __init__(self, rules: HoldRules) -> None:
        self.rules = rules
        self.floods = FloodWatch(rules.flood_minutes)

    def check(self, author: str, text: str, at: float) -> Hold | None:
        return check(self.rules, author, text, self.floods.see(author, text, at))
