"""The header: session title, hashtag, elapsed time, counts, each source's state."""
from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.widgets import Static

from store.model import Settings
from tui.platforms.base import SourceState
from tui.widgets.shown import shown

STATE_STYLE = {"live": "$success", "done": "$text-muted", "starting": "$text-muted",
               "retrying": "$warning", "paused": "$warning", "stopped": "$error"}


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def header_content(
    settings: Settings,
    counts: Mapping[str, int],
    elapsed: float,
    sources: Mapping[str, SourceState],
    *,
    paused: bool,
    write_error: str | None,
    publishing: str = "",
) -> Content:
    first = Content.assemble(
        shown(settings.title, "bold", multiline=False),
        "  ",
        shown(f"#{settings.hashtag}", "bold $accent", multiline=False) if settings.hashtag else "",
        ("   elapsed ", "$text-muted"),
        elapsed_text(elapsed),
    )
    parts: list[str | tuple[str, str]] = []
    for name in ("new", "approved", "answered", "dismissed"):
        parts += [(f"{name} ", "$text-muted"), (str(counts.get(name, 0)), "bold"), "  "]
    parts += [("│ profile ", "$text-muted"), shown(settings.profile, "bold", multiline=False), ("  │ ", "$text-muted")]
    if paused:
        parts.append(("⏸ feed paused (p resumes)  │ ", "bold $warning"))
    if not sources:
        parts.append(("no source in this window", "$text-muted"))
    for spec, state in sources.items():
        parts += [shown(f"{spec} ", "bold", multiline=False), shown(state.describe(), STATE_STYLE.get(state.state, ""), multiline=False), "   "]
    lines = [first, Content.assemble(*parts)]
    if publishing:  # what the outbox is doing: sending, waiting for a rate limit, an account refused
        lines.append(Content.assemble(("publishing ", "$text-muted"), shown(publishing, multiline=False)))
    if write_error:
        lines.append(Content.assemble(("⚠ ", "bold $error"), shown(write_error, "$error", multiline=False)))
    return Content("\n").join(lines)


class SessionHeader(Static):
    pass
