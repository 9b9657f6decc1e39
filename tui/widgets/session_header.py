"""The header: session title, hashtag, elapsed time (since when, in the session's zone: this names
the zone every clock time on the screen is in), counts, each source's state."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from store.model import Presence, Settings
from store.team import Feed, age
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
    others: Sequence[Presence] = (),
    feeds: Sequence[Feed] = (),
    now: datetime | None = None,
    since: str = "",
    topics: Mapping[str, float] | None = None,
    holds: Mapping[str, int] | None = None,
) -> Content:
    """`since`: when the session started, as the app shows times (`20:00 CEST`); "" leaves it out.
    `topics`: each topic's share of the asked questions, then "other"; `holds`: questions each hold rule held."""
    topics, holds = topics or {}, holds or {}
    first = Content.assemble(
        shown(settings.title, "bold", multiline=False),
        "  ",
        shown(f"#{settings.hashtag}", "bold $accent", multiline=False) if settings.hashtag else "",
        ("   elapsed ", "$text-muted"),
        elapsed_text(elapsed),
        (" since ", "$text-muted") if since else "",
        since,
    )
    parts: list[str | tuple[str, str] | Content] = []
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
    if topics or holds:
        lines.append(triage_line(topics, holds))
    if others or feeds:
        lines.append(team_line(others, feeds, now or datetime.now(UTC)))
    if publishing:  # what the outbox is doing: sending, waiting for a rate limit, an account refused
        lines.append(Content.assemble(("publishing ", "$text-muted"), shown(publishing, multiline=False)))
    if write_error:
        lines.append(Content.assemble(("⚠ ", "bold $error"), shown(write_error, "$error", multiline=False)))
    return Content("\n").join(lines)


def triage_line(topics: Mapping[str, float], holds: Mapping[str, int]) -> Content:
    """`topics: jobs 32% · taxes 18% · other 29%   held: link-only 12 · flood 40` (topic names are
    whatever a moderator typed, maybe in another process: shown, never markup)."""
    parts: list[str | tuple[str, str] | Content] = []
    if topics:
        parts.append(("topics: ", "$text-muted"))
        for number, (name, share) in enumerate(topics.items()):
            parts += [(" · " if number else "", "$text-muted"), shown(name, "bold", multiline=False), f" {share:.0%}"]
    if holds:
        parts.append(("   held: " if topics else "held: ", "$text-muted"))
        parts.append(" · ".join(f"{rule.replace(' ', '-')} {count}" for rule, count in holds.items()))
    return Content.assemble(*parts)


def seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    seconds = int(seconds)
    return f"{seconds} s ago" if seconds < 120 else f"{seconds // 60} min ago"


def team_line(others: Sequence[Presence], feeds: Sequence[Feed], now: datetime) -> Content:
    """Who else is on the session (role, last seen) and each feed another process runs."""
    parts: list[str | tuple[str, str] | Content] = []
    if others:
        parts.append(("with ", "$text-muted"))
        for number, presence in enumerate(others):
            seen = seconds_text(age(presence.at, now))
            answering = "  answering" if presence.answering else ""
            who = "" if presence.actor == presence.role else f" {presence.actor}"
            parts += [(" · " if number else "", ""), shown(presence.role, "bold", multiline=False),
                      shown(who, "", multiline=False), (f" {seen}{answering}", "$text-muted")]
    for feed in feeds:
        style = "$success" if feed.ok else "bold $warning"
        parts += [("   │ " if parts else "", "$text-muted"), shown(f"{feed.spec} ", "bold", multiline=False),
                  shown(f"{feed.detail} {seconds_text(feed.seconds)}", style, multiline=False)]
    return Content.assemble(*parts)


class SessionHeader(Static):
    """Shows `shown`, which the main screen binds to its own `header`."""

    shown: reactive[Content] = reactive(Content(""))

    def watch_shown(self, shown: Content) -> None:
        self.update(shown)
