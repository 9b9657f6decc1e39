"""Finding the URLs a platform will shorten, as twitter-text and Mastodon do.

A re-implementation of twitter-text's ``extractUrlsWithIndices`` (the v3
JavaScript library, which X's own counter uses) and of Mastodon's variant
of it (``config/initializers/twitter_regex.rb``: broader path characters,
a scheme required). The regular expression finds a candidate's domain; the
path and query are then walked by hand, which gives the same longest match
as twitter-text's nested patterns without their backtracking cost.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

import regex

Flavor = Literal["twitter", "mastodon"]

MAX_URL_LENGTH = 4096  # twitter-text: scheme + URL, in UTF-16 units
MAX_TCO_SLUG_LENGTH = 40
MAX_LABEL_LENGTH = 63  # a DNS label, after punycode encoding

_DIRECTIONAL = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVALID = "\ufffe\ufeff\uffff"
_SPACES = "\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROLS = "\x00-\x1f\x7f"
_PUNCT_BUT_DASHES = r"!\"#$%&'()*+,./:;<=>?@\[\\\]^`{|}~"
_NOT_DOMAIN = _DIRECTIONAL + _INVALID + _SPACES + _CONTROLS + _PUNCT_BUT_DASHES
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"
_TLD_END = r"(?=[^0-9a-z@+\-]|$)"
_PUNYCODE = r"xn--[\-0-9a-z]+"


@dataclass(frozen=True)
class _Rules:
    """The per-flavor pieces of the URL grammar."""

    protocol: str
    path_char: regex.Pattern[str]
    path_end_char: regex.Pattern[str]
    balanced_parens: regex.Pattern[str]
    query_char: regex.Pattern[str]
    query_end_char: regex.Pattern[str]


def _balanced(path_char: str) -> regex.Pattern[str]:
    """Up to two levels of balanced parentheses, as in Wikipedia links."""
    return regex.compile(
        rf"\((?:{path_char}++|{path_char}*+\({path_char}++\){path_char}*+)\)", regex.I
    )


_TWITTER_PATH_CHAR = rf"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{_LATIN_ACCENTS}]"
_MASTODON_PATH_CHAR = r"[^\p{White_Space}<>()?]"
_MASTODON_UCHARS = (
    "\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
    "\U00030000-\U0003fffd\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    "\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd\U000a0000-\U000afffd"
    "\U000b0000-\U000bfffd\U000c0000-\U000cfffd\U000d0000-\U000dfffd\U000e1000-\U000efffd"
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)

# Each flavor's protocol, then its path, path end, query and query end characters.
_RULE_TEXTS: dict[Flavor, tuple[str, str, str, str, str]] = {
    "twitter": (
        r"https?://",
        _TWITTER_PATH_CHAR,
        rf"[+\-a-z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]",
        r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]",
        r"[a-z0-9\-_&=#/]",
    ),
    "mastodon": (
        r"(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://",
        _MASTODON_PATH_CHAR,
        r"[^\p{White_Space}()?!*\"'「」<>;:=,.$%\[\]~&|@]",
        rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^{_MASTODON_UCHARS}]",
        rf"[a-z0-9_&=#/\-{_MASTODON_UCHARS}]",
    ),
}


@cache
def _rules(flavor: Flavor) -> _Rules:
    """`flavor`'s path and query rules, compiled on first use (as the domain patterns are)."""
    protocol, path, path_end, query, query_end = _RULE_TEXTS[flavor]
    return _Rules(protocol=protocol, path_char=regex.compile(path, regex.I),
                  path_end_char=regex.compile(path_end, regex.I), balanced_parens=_balanced(path),
                  query_char=regex.compile(query, regex.I), query_end_char=regex.compile(query_end, regex.I))


def _load_tlds() -> tuple[list[str], list[str]]:
    country: list[str] = []
    generic: list[str] = []
    for line in files(__package__).joinpath("tlds.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, tld = line.split()
            (country if kind == "country" else generic).append(tld)
    return country, generic


_CCTLDS, _GTLDS = _load_tlds()

# A label is a run of domain characters (plus '_' in subdomains, '-' in both)
# that starts and ends with a domain character. The run is taken possessively:
# it can only be followed by the '.' the grammar needs, never by more of itself.
_DOMAIN_CHAR = rf"[^{_NOT_DOMAIN}_\-]"
_SUBDOMAIN = rf"(?:{_DOMAIN_CHAR}[^{_NOT_DOMAIN}]*+(?<![_\-])\.)"
_DOMAIN_NAME = rf"(?:{_DOMAIN_CHAR}[^{_NOT_DOMAIN}_]*+(?<!-)\.)"
_TLD = rf"(?:(?:\L<tlds>){_TLD_END}|{_PUNYCODE})"
_DOMAIN = rf"{_SUBDOMAIN}*{_DOMAIN_NAME}{_TLD}"
_NOT_PRECEDING = rf"[a-z0-9@＠$#＃{_INVALID}]"
_LABEL_RUN = regex.compile(rf"[^{_NOT_DOMAIN}]*+")

_SPECIAL_SHORT_DOMAIN = regex.compile(rf"{_DOMAIN_NAME}(?:co|tv)(?=[^0-9a-z@]|$)", regex.I)
_TCO = regex.compile(r"https?://t\.co/([a-z0-9]+)", regex.I)

# The patterns that hold the TLD lists take 40-50 ms each to compile: on first use, not at import
# (most texts hold no dot, and the app's first paint counts only empty drafts).


@cache
def _ascii_domain() -> regex.Pattern[str]:
    return regex.compile(rf"(?:[\-a-z0-9{_LATIN_ACCENTS}]+\.)+{_TLD}", regex.I, tlds=_CCTLDS + _GTLDS)


@cache
def _invalid_short_domain() -> regex.Pattern[str]:
    return regex.compile(rf"{_DOMAIN_NAME}(?:\L<tlds>){_TLD_END}", regex.I, tlds=_CCTLDS)


@cache
def _tld_hint() -> regex.Pattern[str]:
    """Cheap gate: without one of these no URL can match."""
    return regex.compile(rf"\.(?:(?:\L<tlds>){_TLD_END}|xn--)", regex.I, tlds=_CCTLDS + _GTLDS)


@cache
def _patterns(flavor: Flavor) -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    """Where a URL may start, where a scheme starts, and the URL's scheme, domain and port."""
    protocol = _rules(flavor).protocol
    # twitter-text: a URL starts at the beginning or after a character that is
    # not a letter, digit, @, $ or #; with a scheme, or (twitter) at a domain character.
    scheme = regex.compile(rf"(?<!{_NOT_PRECEDING}){protocol}", regex.I)
    start = scheme if flavor == "mastodon" else regex.compile(
        rf"(?<!{_NOT_PRECEDING})(?:{protocol}|{_DOMAIN_CHAR})", regex.I
    )
    optional = "?" if flavor == "twitter" else ""
    url = regex.compile(
        rf"(?P<protocol>{protocol}){optional}(?P<domain>{_DOMAIN})(?::[0-9]++)?",
        regex.I,
        tlds=_CCTLDS + _GTLDS,
    )
    return start, scheme, url


def find_urls(text: str, flavor: Flavor = "twitter") -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the URLs in ``text``, in order.

    ``twitter``: URLs with or without ``http(s)://``, as twitter-text finds
    them (a bare ``example.com`` counts; ``example.de`` alone does not).
    ``mastodon``: only URLs with a scheme, with Mastodon's path rules.
    """
    if "." not in text or (flavor == "mastodon" and ":" not in text) or not _tld_hint().search(text):
        return []
    rules = _rules(flavor)
    start_pattern, scheme_pattern, url_pattern = _patterns(flavor)
    spans: list[tuple[int, int]] = []
    search_from = 0
    while (candidate := start_pattern.search(text, search_from)) is not None:
        start = candidate.start()
        match = url_pattern.match(text, start)
        if match is None:
            search_from = _next_try(text, start, scheme_pattern)
            continue
        path_start = match.end()
        path_end = _path_end(text, path_start, rules)
        end = _query_end(text, path_end, rules)
        search_from = end + 1  # the next URL's preceding character comes after this one
        protocol, domain = match.group("protocol"), match.group("domain")
        if flavor == "mastodon":
            spans.append((start, end))
            continue
        if not _valid_domain(domain) or len(protocol or "https://") + _utf16_len(text[start:end]) > MAX_URL_LENGTH:
            continue
        if protocol:
            tco = _TCO.match(text, start, end)
            if tco is not None:
                if len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                end = _query_end(text, tco.end(), rules)
            spans.append((start, end))
            continue
        if start > 0 and text[start - 1] in "-_./":
            continue
        spans.extend(_bare_domains(domain, match.start("domain"), has_path=path_end > path_start, url_end=end))
    return spans


def _next_try(text: str, failed: int, scheme_pattern: regex.Pattern[str]) -> int:
    """Where a URL could start after a failed try at ``failed``.

    From any later start in the same run of label characters the domain
    grammar meets the same dots and TLD, so it fails too, unless that start
    leaves an underscore behind (a domain name may not hold one) or a scheme
    begins there. Skipping the rest of the run keeps the scan linear on long
    runs (CJK text has no spaces) where retrying each start was quadratic.
    """
    run = _LABEL_RUN.match(text, failed)
    run_end = run.end() if run else failed
    underscore = text.rfind("_", failed, run_end)
    resume = run_end
    if underscore != -1:
        after = underscore + 1
        while after < run_end and text[after] in "-_":
            after += 1
        resume = after if after < run_end else run_end
    scheme = scheme_pattern.search(text, failed + 1)
    if scheme is not None and scheme.start() < resume:
        return scheme.start()
    return max(resume, failed + 1)


def _bare_domains(domain: str, offset: int, *, has_path: bool, url_end: int) -> list[tuple[int, int]]:
    """The ASCII domains inside a scheme-less candidate that count as links.

    A short ``name.cc`` with a country-code TLD is not a link unless a path
    follows (except ``.co`` and ``.tv``); the last domain takes the path.
    """
    found: list[tuple[int, int]] = []
    for ascii_domain in _ascii_domain().finditer(domain):
        text = ascii_domain.group()
        if has_path or _SPECIAL_SHORT_DOMAIN.fullmatch(text) or not _invalid_short_domain().fullmatch(text):
            found.append((offset + ascii_domain.start(), offset + ascii_domain.end()))
    if has_path and found:
        found[-1] = (found[-1][0], url_end)
    return found


def _path_end(text: str, pos: int, rules: _Rules) -> int:
    """End of ``/path`` at ``pos``: the longest run that ends on an ending char."""
    if pos >= len(text) or text[pos] != "/":
        return pos
    end = cursor = pos + 1
    while cursor < len(text):
        char = text[cursor]
        if char == "(":
            parens = rules.balanced_parens.match(text, cursor)
            if parens is None:
                break
            cursor = end = parens.end()
        elif rules.path_char.match(char):
            cursor += 1
            if rules.path_end_char.match(char):
                end = cursor
        else:
            break
    return end


def _query_end(text: str, pos: int, rules: _Rules) -> int:
    """End of ``?query`` at ``pos``, which must end on a query-ending char."""
    if pos >= len(text) or text[pos] != "?":
        return pos
    end = pos
    cursor = pos + 1
    while cursor < len(text) and rules.query_char.match(text[cursor]):
        cursor += 1
        if rules.query_end_char.match(text[cursor - 1]):
            end = cursor
    return end


def _valid_domain(domain: str) -> bool:
    """twitter-text's IDNA check: every label 1-63 characters once punycoded."""
    if domain[:4].lower() == "xn--" and not _ascii_domain().search(domain):
        return False
    for label in domain.split("."):
        try:
            encoded = len(label) if label.isascii() else 4 + len(label.encode("punycode"))
        except UnicodeError:
            return False
        if not 1 <= encoded <= MAX_LABEL_LENGTH:
            return False
    return True


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
