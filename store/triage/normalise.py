"""Fold a post into the words that grouping, topics and hold rules compare.

A copy of a question differs from it by what a share adds (``RT @x:``,
``MT @x:``, a quote's comment), by case, accents, punctuation, emoji,
mentions, links and hashtags, by a cut ("…"), or by a typo. `shape` removes
all but the typo and the cut, so exact copies meet on one `Shape.key`, and
keeps the words in order, each with its Snowball stem ("" for a stop word),
for the fuzzy comparison in `grouping`.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import regex
import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information
from stop_words import get_stop_words  # type: ignore[import-untyped]

MAX_CHARS = 2_000  # a question is 280 characters; a huge post is judged by its start
MAX_WORDS = 120

# `RT @x:` / `MT @x:` anywhere: the question is what follows the last one,
# and any text before it is a quote's comment.
_SHARE = re.compile(r"(?<![\w@])(?:RT|MT)\s*:?\s*@[\w.]+(?:@[\w.-]+)?\s*:?", re.IGNORECASE)
# The old quote form: `Comment “@x: quoted text”`.
_QUOTE = re.compile(r"[\"“«]\s*@[\w.]+\s*:\s*(?P<quoted>.+?)[\"”»]?\s*$", re.DOTALL)
_TLD = re.compile(r"[\w-]\.(?:com|it|ly|co|org|net|gov|io|me|gl|us|eu|info|news|tv)(?:/|$)", re.IGNORECASE)
_EDGE = re.compile(r"^[^\w#@]+|[^\w…]+$")  # punctuation and emoji around a token
_CUT = ("…", "...")
_CLOSING = "\"”»'’)]"  # a quote's end after a cut: `"@x: text…"`
_MARKS = regex.compile(r"\p{Mn}+")
_WORD = re.compile(r"[^\W_]+")
_LETTER = regex.compile(r"\p{L}")
# Every ASCII byte but a letter or a digit, to a space: on ASCII text `translate` + `split` finds what
# `_WORD.findall` finds, six times faster.
_ASCII_SPACES = bytes.maketrans(bytes(c for c in range(128) if not chr(c).isalnum()),
                                b" " * sum(not chr(c).isalnum() for c in range(128)))


def fold(text: str) -> str:
    """Lower case, compatibility forms (ﬁ, fullwidth) and no accents: "Perché" -> "perche"."""
    text = text.casefold()
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text))


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The `stop-words` package's Italian and English lists, folded like the text they filter."""
    return frozenset(fold(part) for lang in ("it", "en") for word in get_stop_words(lang) for part in _WORD.findall(word))


_ITALIAN = Stemmer.Stemmer("italian")
_ENGLISH = Stemmer.Stemmer("english")


_STEMS: dict[str, str] = {}  # word -> stem ("" for a stop word): a session's vocabulary is small
_PLAIN: dict[str, str] = {}  # word -> stem, stop words too
_KEPT = 500_000  # words per cache before it starts again


def stems(words: list[str]) -> list[str]:
    """A stem for each word, "" for a stop word or a single character.

    Sessions mix Italian and English, often within a post, and a cut copy
    may not say which language it is in. So a word's stem does not depend on
    its post: it is the shorter of its Italian and English Snowball stems
    (the English one on a tie), and "fibra"/"fibre" or "jobs"/"job" meet.
    """
    known = _STEMS
    try:
        return list(map(known.__getitem__, words))  # the usual case: every word seen before
    except KeyError:
        pass
    if len(known) > _KEPT:
        known.clear()
    new = [word for word in dict.fromkeys(words) if word not in known]
    stop = stop_words()
    for word, stem in zip(new, plain_stems(new)):
        known[word] = "" if word in stop or len(word) < 2 else stem
    return list(map(known.__getitem__, words))


def plain_stems(words: list[str]) -> list[str]:
    """The language-neutral stem of each word (see `stems`), stop words included."""
    known = _PLAIN
    try:
        return list(map(known.__getitem__, words))
    except KeyError:
        pass
    if len(known) > _KEPT:
        known.clear()
    new = [word for word in dict.fromkeys(words) if word not in known]
    for word, it, en in zip(new, _ITALIAN.stemWords(new), _ENGLISH.stemWords(new)):
        known[word] = it if len(it) < len(en) else en
    return list(map(known.__getitem__, words))


def words(text: str) -> list[str]:
    """Every folded word of a post, hashtags' and mentions' included (for topics and rules)."""
    return folded_words(text[:MAX_CHARS])[:MAX_WORDS]


def folded_words(text: str) -> list[str]:
    """The runs of letters and digits of `fold(text)`."""
    folded = fold(text)
    if folded.isascii():  # most posts
        return folded.encode().translate(_ASCII_SPACES).decode().split()
    return _WORD.findall(folded)


class Shape(NamedTuple):
    """What is left of a post once everything a copy may change is gone.

    A named tuple: built four times faster than a frozen dataclass, for every post.
    """

    words: tuple[str, ...]  # folded words, in order
    stems: tuple[str, ...]  # aligned with `words`; "" for a stop word
    key: str  # the words joined by spaces: equal keys are the same question
    cut: bool  # ended with "…": a prefix of the original, its last word maybe partial
    shared: bool  # a retweet (RT/MT) or a quote of someone else's post
    probes: tuple[str, ...]  # distinct stems of the content words known whole (not a cut last word)


def strip_share(text: str) -> tuple[str, bool]:
    """The shared post inside a retweet or quote (of a retweet...), and whether there was one."""
    shared = False
    for _ in range(8):  # shares of shares; a bound for hostile input
        # Both forms name an account, a retweet says RT or MT (any case), a quote opens a quote:
        # checked in C first, the expressions are slow to search.
        if "@" not in text:
            break
        lowered = text.lower()
        shares = list(_SHARE.finditer(text)) if "rt" in lowered or "mt" in lowered else []
        if shares:
            text = text[shares[-1].end():]
        else:
            quote = _QUOTE.search(text) if '"' in text or "“" in text or "«" in text else None
            if quote is None:
                break
            text = quote.group("quoted")
        shared = True
    return text, shared


def _cut_link(start: str) -> bool:
    """Whether a token cut short ("htt…", "http://t.c…") was a link."""
    return len(start) >= 3 and ("http://".startswith(start) or "https://".startswith(start) or start.startswith(("http://", "https://")))


def _kind(token: str) -> str:
    """ "link", "mention", "tag", "word" or "" (no letter or digit: emoji, punctuation)."""
    if token.isalnum():
        return "word"
    if "." in token and (token.startswith(("http://", "https://", "www.")) or _TLD.search(token)):
        return "link"
    if token.endswith(_CUT) and _cut_link(token.rstrip("….").lower()):
        return "link"
    bare = _EDGE.sub("", token)
    if bare.startswith("@"):
        return "mention"
    if bare.startswith("#"):
        return "tag"
    return "word" if _WORD.search(bare) else ""


def message(text: str) -> tuple[str, bool]:
    """A post's own text (after `strip_share`) with links, mentions and framing hashtags removed.

    Hashtags before the first word or after the last label a post rather than
    say something; one inside a sentence is read as its word. Returns the
    text and whether it was cut short ("…").
    """
    tokens: list[str] = []
    kinds: list[str] = []
    for token in text.split():
        # most tokens are a word, maybe with a mark after it ("Bari?", "fibra,"): decided here, quickly
        kind = "word" if token.isalnum() or (token[:-1].isalnum() and token[-1] != "…") else _kind(token)
        if kind == "mention" and tokens and tokens[-1].lower() in ("via", "by"):
            tokens.pop(), kinds.pop()  # "via @x" credits a source
        if kind == "mention" or kind == "link":
            continue
        tokens.append(token)
        kinds.append(kind)
    # What follows the last word (hashtags, links, emoji) goes, even cut short
    # ("#fibra h…", "❤…", "#FF h…"): the question before it is whole. Only an
    # ellipsis in or right after a word ("la fib…", "la fibra …") says the
    # question itself was cut.
    while kinds and (kinds[-1] != "word" or (tokens[-1].endswith(_CUT) and len(kinds) > 1 and kinds[-2] != "word")):
        if not tokens[-1].strip("….") and len(kinds) > 1 and kinds[-2] == "word":
            break
        tokens.pop(), kinds.pop()
    cut = bool(tokens) and tokens[-1].rstrip(_CLOSING).endswith(_CUT)
    first = kinds.index("word") if "word" in kinds else len(kinds)
    return " ".join(tokens[first:]), cut


def shape(text: str) -> Shape:
    """Fold `text` (any string: controls, odd Unicode and huge posts are fine)."""
    return Shape._make(shape_fields(text))


# `Shape`'s fields as a plain tuple: what the caches and the grouper keep. The garbage collector
# stops tracking a plain tuple of strings once it has seen it; a `Shape` (a tuple subclass) it
# tracks, and walks, for as long as it lives.
ShapeFields = tuple[tuple[str, ...], tuple[str, ...], str, bool, bool, tuple[str, ...]]


@lru_cache(maxsize=1 << 12)
def shape_fields(text: str) -> ShapeFields:
    """`shape(text)` as a plain tuple. Cached: a flood posts one text many times, and on arrival
    the flood rule and the grouper each ask for the shape of the same post."""
    body, shared = strip_share(text[:MAX_CHARS])
    return _fields(body, shared)


@lru_cache(maxsize=1 << 14)
def _fields(body: str, shared: bool) -> ShapeFields:
    """Cached: the retweets of a post all carry the same body, and come in bursts."""
    # Without these characters a post has no link, mention, hashtag or cut, and `message` would only drop
    # tokens with no word in them: its words are the body's (checked in C, skipping the token loop).
    text, cut = message(body) if "@" in body or "#" in body or "." in body or "…" in body else (body, False)
    words = list(map(sys.intern, folded_words(text)[:MAX_WORDS]))  # one copy of each word kept
    stemmed = stems(words)
    cut = cut and bool(words)
    distinct = dict.fromkeys(stemmed[:-1] if cut else stemmed)
    distinct.pop("", None)  # stop words
    return tuple(words), tuple(stemmed), " ".join(words), cut, shared, tuple(distinct)


def has_words(text: str) -> bool:
    """Whether anything but links, mentions, hashtags and emoji is left: a letter."""
    return bool(_LETTER.search(message(strip_share(text[:MAX_CHARS])[0])[0]))
