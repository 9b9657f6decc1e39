"""Source specs from the command line (`file:PATH`, `mastodon:URL#TAG`, ...) to sources."""
from __future__ import annotations

import os

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
    raise SpecError(f"unknown source {spec!r}; {SPEC_HELP}")
