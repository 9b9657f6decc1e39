"""Topics to suggest: the words rising in a session's last minutes.

The words of the last `WINDOW_MINUTES` are scored against the
`HISTORY_MINUTES` before them (tf-idf, `topics.RisingTerms`), by the time a
question was posted (else received). The work is bounded whatever the
session's size: only the newest `MAX_POSTS` questions are read. Run it off
the UI thread all the same (about 20 µs a question).

What a suggestion is made of: the question's own words (`normalise.shape`:
no retweet prefix, link, mention or framing hashtag), words compared by
their Snowball stems. Stop words are those of both packages, `stop-words`
(what grouping uses) and the longer `stopwordsiso` lists, which also drop
the words every question is made of ("quando", "perché", "please"): losing
a content word costs a suggestion at most, never a grouping. Copies count
once (one post per near-duplicate group, or per exact text when grouping is
off), retweets and dismissed questions (spam, held) not at all, and the
session's hashtags and its topics' names and keywords are never suggested.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from store.arrivals import seconds
from store.model import Question, Settings
from store.triage.normalise import shape, words
from store.triage.topics import Rising, RisingTerms

WINDOW_MINUTES = 10.0
HISTORY_MINUTES = 50.0  # the "before" the window is compared with
MAX_POSTS = 20_000  # newest questions read at most
MIN_RECENT = 3  # posts in the window that must use a word


def suggest(questions: Sequence[Question], settings: Settings, group_of: Callable[[str], str] | None = None, *,
            limit: int = 8, window_minutes: float = WINDOW_MINUTES) -> list[Rising]:
    """The `limit` words rising most in the last `window_minutes`, best first.

    `questions` in arrival order (a one-call copy of the state's); `group_of`
    gives a question's near-duplicate group (`SessionState.group_of`).
    """
    posts = _recent(questions, group_of, (window_minutes + HISTORY_MINUTES) * 60)
    if not posts:
        return []
    terms = RisingTerms(window_minutes, MIN_RECENT)
    for at, folded, stems in posts:
        terms.add_words(folded, stems, at)
    return terms.rising(posts[-1][0], limit, exclude=covered(settings))


def covered(settings: Settings) -> list[str]:
    """Words never suggested: the session's hashtags, its topics' names and keywords."""
    named = [settings.hashtag, *settings.read_tags]
    for line in settings.topics:
        name, _, keywords = line.partition(":")
        named += [name, *keywords.split(",")]
    return [word for word in named if word.strip()]


def _recent(questions: Sequence[Question], group_of: Callable[[str], str] | None,
            span: float) -> list[tuple[float, tuple[str, ...], tuple[str, ...]]]:
    """(time, words, stems) of the newest questions within `span` seconds of the newest, one per
    group or text, oldest first."""
    newest = [q for q in questions[-MAX_POSTS:] if q.status != "dismissed"]
    if not newest:
        return []
    times = [seconds(q) for q in newest]
    horizon = max(times) - span
    posts: list[tuple[float, tuple[str, ...], tuple[str, ...]]] = []
    seen: set[str] = set()
    noise = more_stop_words()
    for question, at in sorted(zip(newest, times), key=lambda pair: pair[1]):
        if at < horizon:
            continue
        folded = shape(question.shown_text())
        key = group_of(question.id) if group_of is not None else folded.key
        if folded.shared or not folded.key or key in seen or folded.key in seen:
            continue
        seen.update((key, folded.key))
        posts.append((at, folded.words, tuple("" if word in noise else stem
                                              for word, stem in zip(folded.words, folded.stems))))
    return posts


@lru_cache(maxsize=1)
def more_stop_words() -> frozenset[str]:
    """`stopwordsiso`'s Italian and English lists, folded like the words they filter."""
    import stopwordsiso

    return frozenset(w for lang in ("it", "en") for word in stopwordsiso.stopwords(lang) for w in words(word))


def as_topic(rising: Rising) -> str:
    """A suggestion as a topic line: named after the word, its spellings as keywords."""
    return f"{rising.term}: {', '.join(rising.variants or (rising.term,))}"
