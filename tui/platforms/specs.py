"""Source specs from the command line (`file:PATH`, `mastodon:URL#TAG`, ...) to sources."""
from __future__ import annotations

import os
import re

from tui.platforms.base import Source, SpecError

SPEC_HELP = (
    "source specs: demo | file:PATH (- for stdin) | mastodon:BASE_URL#TAG | "
    "bluesky:[BASE_URL]#TAG | x:[BASE_URL]#TAG"
)


def parse_spec(spec: str, *, env: dict[str, str] | None = None, demo_speed: float = 1.0) -> Source:
    """Build the source a spec names; `SpecError` says what is wrong with it."""
    env = dict(os.environ) if env is None else env
    kind, _, rest = spec.partition(":")
    if kind == "demo" and not rest:
        from tui.platforms.demo import DemoSource

        return DemoSource(spec, speed=demo_speed)
    if kind == "file":
        if not rest:
            raise SpecError(f"{spec!r}: file: needs a path (or - for stdin)")
        from tui.platforms.file_source import FileSource

        return FileSource(spec, rest)
    if kind == "mastodon":
        from tui.platforms.mastodon_source import MastodonSource

        base, tag = _base_and_tag(spec, rest, default_base=None, tag_page=True)
        return MastodonSource(spec, base, tag, token=env.get("QTIME_MASTODON_TOKEN") or None)
    if kind == "bluesky":
        from tui.platforms.bluesky_auth import DEFAULT_BASE as BLUESKY_BASE
        from tui.platforms.bluesky_source import BlueskySource

        base, tag = _base_and_tag(spec, rest, default_base=BLUESKY_BASE)
        return BlueskySource(spec, base, tag, handle=env.get("QTIME_BLUESKY_HANDLE") or None,
                             app_password=env.get("QTIME_BLUESKY_APP_PASSWORD") or None)
    if kind == "x":
        from tui.platforms.x_source import DEFAULT_BASE as X_BASE
        from tui.platforms.x_source import XSource

        base, tag = _base_and_tag(spec, rest, default_base=X_BASE)
        return XSource(spec, base, tag, token=env.get("QTIME_X_BEARER_TOKEN") or None)
    raise SpecError(f"unknown source {spec!r}; {SPEC_HELP}")


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
    except httpx.InvalidURL:
        raise SpecError(f"{spec!r}: {base!r} is not a URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise SpecError(f"{spec!r}: the base URL must be http(s)://HOST[:PORT]")
    if url.userinfo or url.query or url.fragment:
        raise SpecError(f"{spec!r}: the base URL takes no user, password or query (tokens go in the environment)")
    return str(url).rstrip("/"), tag
