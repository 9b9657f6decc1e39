"""Source specs from the command line (`file:PATH`, `mastodon:URL#TAG`, ...) to sources."""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tui.i18n import N_
from tui.platforms.base import Source, SpecError

if TYPE_CHECKING:
    from tui.platforms.credentials import Credentials
    from tui.platforms.polling import PollingSource

SPEC_HELP = N_(  # translated where shown
    "source specs: demo | file:PATH (- for stdin) | mastodon:BASE_URL#TAG | "
    "bluesky:[BASE_URL]#TAG | x:[BASE_URL]#TAG"
)


def parse_spec(spec: str, *, env: Mapping[str, str] | None = None, demo_speed: float = 1.0) -> Source:
    """Build the source a spec names; `SpecError` says what is wrong with it.

    A live source gets its platform's credential only when its base URL is
    that account's own (see `credentials`); the environment is read once,
    into an object that never shows a secret in a traceback.
    """
    kind, _, rest = spec.partition(":")
    if kind == "demo" and not rest:
        from tui.platforms.demo import DemoSource

        return DemoSource(spec, speed=demo_speed)
    if kind == "file":
        if not rest:
            raise SpecError(f"{spec!r}: file: needs a path (or - for stdin)")
        from tui.platforms.file_source import FileSource

        return FileSource(spec, rest)
    if kind not in ("mastodon", "bluesky", "x"):
        raise SpecError(f"unknown source {spec!r}; {SPEC_HELP}")
    # imported here: `file:` sources start without httpx
    from tui.platforms.credentials import Credentials

    return _live_source(spec, kind, rest, Credentials(os.environ if env is None else env))


def _live_source(spec: str, kind: str, rest: str, credentials: Credentials) -> Source:
    """A Mastodon, Bluesky or X source, with the credential its host may have."""
    from tui.platforms.credentials import PLATFORMS

    if kind == "mastodon":
        from tui.platforms.mastodon_source import MastodonSource

        base, tag = _base_and_tag(spec, rest, default_base=None, tag_page=True)
        grant = credentials.for_source(kind, base)
        source: PollingSource = MastodonSource(spec, base, tag, token=grant.value())
    elif kind == "bluesky":
        from tui.platforms.bluesky_source import BlueskySource

        base, tag = _base_and_tag(spec, rest, default_base=credentials.home(kind) or PLATFORMS[kind].default_url)
        grant = credentials.for_source(kind, base)
        source = BlueskySource(spec, base, tag, handle=grant.value(0), app_password=grant.value(1))
    else:
        from tui.platforms.x_source import XSource

        base, tag = _base_and_tag(spec, rest, default_base=credentials.home(kind) or PLATFORMS[kind].default_url)
        grant = credentials.for_source(kind, base)
        source = XSource(spec, base, tag, token=grant.value())
    source.credential_note = grant.note
    return source


_TAG = re.compile(r"[\w\u00b7]{1,100}")


def _base_and_tag(spec: str, rest: str, *, default_base: str | None, tag_page: bool = False) -> tuple[str, str]:
    """`BASE_URL#TAG` (or `#TAG` with a default base, or a Mastodon `https://host/tags/TAG` page)."""
    kind = spec.partition(":")[0]
    base, hash_sign, tag = rest.rpartition("#")
    if not hash_sign and tag_page and "/tags/" in rest:
        base, _, tag = rest.rstrip("/").rpartition("/tags/")
    elif not hash_sign:
        form = "[BASE_URL]" if default_base else "BASE_URL"
        raise SpecError(f"{spec!r}: no hashtag; write {kind}:{form}#TAG")
    if not _TAG.fullmatch(tag):
        raise SpecError(f"{spec!r}: {tag!r} is not a hashtag (letters, digits and _ only)")
    if not base:
        if default_base is None:
            raise SpecError(f"{spec!r}: {kind} needs the instance, e.g. {kind}:https://mastodon.social#{tag}")
        return default_base, tag
    import httpx  # here, not at the top: `qtime ingest --source file:` starts without it

    try:
        url = httpx.URL(base)
        host = url.host  # decodes an xn-- label: the IDNA check happens here
    except httpx.InvalidURL:
        raise SpecError(f"{spec!r}: {base!r} is not a URL") from None
    except ValueError:  # idna: a host that is not a valid domain name (xn--a.com, an emoji domain)
        raise SpecError(f"{spec!r}: the host in {base!r} is not a valid domain name") from None
    if url.scheme not in ("http", "https") or not host:
        raise SpecError(f"{spec!r}: the base URL must be http(s)://HOST[:PORT]")
    if url.userinfo or url.query or url.fragment:
        raise SpecError(f"{spec!r}: the base URL takes no user, password or query (tokens go in the environment)")
    return str(url).rstrip("/"), tag


def with_read_tags(specs: list[str], tags: list[str]) -> list[str]:
    """`specs`, plus the same platform and base for each of the session's other tags to read.

    `mastodon:https://m.social#askceo` with tags `ceo cto` also reads
    `#ceo` and `#cto` there; `file:` and `demo` have no tag. A spec already
    given is not repeated.
    """
    expanded = list(specs)
    for spec in specs:
        kind, _, rest = spec.partition(":")
        base, hashmark, _tag = rest.rpartition("#")
        if kind not in ("mastodon", "bluesky", "x") or not hashmark:
            continue
        for tag in tags:
            extra = f"{kind}:{base}#{tag}"
            if extra not in expanded:
                expanded.append(extra)
    return expanded
