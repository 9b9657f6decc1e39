"""The header: session title, hashtag, elapsed time (since when, in the session's zone: this names
the zone every clock time on the screen is in), counts, each source's state."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from store.model import Presence, Settings
from store.team import Feed, age
from tui.i18n import N_, _
from tui.platforms.base import SourceState
from tui.widgets.shown import shown
from tui.widgets.state_labels import hold_label, role_label, topic_label
from tui.widgets.steady import update_steady
from tui.widgets.translated import sentence

# A source's state (`tui.platforms.base.StateName`), as the header colours it (`SourceState.describe` words it).
STATE_STYLE = {"live": "$success", "done": "$text-muted", "starting": "$text-muted",
               "retrying": "$warning", "paused": "$warning", "stopped": "$error"}
# The counts, as the header says them: each count in its label, where the language puts it.
COUNTS = {"new": N_("new {count}"), "approved": N_("approved {count}"), "answered": N_("answered {count}"),
          "dismissed": N_("dismissed {count}")}
MUTED = "$text-muted"


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
    clock = Content(elapsed_text(elapsed))
    first = Content.assemble(
        shown(settings.title, "bold", multiline=False),
        "  ",
        shown(f"#{settings.hashtag}", "bold $accent", multiline=False) if settings.hashtag else "",
        sentence("   " + _("elapsed {elapsed} since {since}"), MUTED, elapsed=clock, since=Content(since)) if since
        else sentence("   " + _("elapsed {elapsed}"), MUTED, elapsed=clock),
    )
    parts: list[str | tuple[str, str] | Content] = []
    for name, label in COUNTS.items():
        parts += [sentence(_(label), MUTED, count=Content.styled(str(counts.get(name, 0)), "bold")), "  "]
    parts += [sentence("│ " + _("profile {profile}"), MUTED, profile=shown(settings.profile, "bold", multiline=False)),
              ("  │ ", MUTED)]
    if paused:
        parts.append(("⏸ " + _("feed paused (p resumes)") + "  │ ", "bold $warning"))
    if not sources:
        parts.append((_("no source in this window"), MUTED))
    for spec, state in sources.items():
        parts += [shown(f"{spec} ", "bold", multiline=False),
                  shown(state.describe(), STATE_STYLE.get(state.state, ""), multiline=False), "   "]
    lines = [first, Content.assemble(*parts)]
    if topics or holds:
        lines.append(triage_line(topics, holds))
    if others or feeds:
        lines.append(team_line(others, feeds, now or datetime.now(UTC)))
    if publishing:  # what the outbox is doing: sending, waiting for a rate limit, an account refused
        lines.append(sentence(_("publishing {what}"), MUTED, what=shown(publishing, multiline=False)))
    if write_error:
        lines.append(Content.assemble(("⚠ ", "bold $error"), shown(write_error, "$error", multiline=False)))
    return Content("\n").join(lines)


def triage_line(topics: Mapping[str, float], holds: Mapping[str, int]) -> Content:
    """`topics: jobs 32% · taxes 18% · other 29%   held: link-only 12 · flood 40` (topic names are
    whatever a moderator typed, maybe in another process: shown, never markup)."""
    parts: list[str | Content] = []
    if topics:
        shares: list[str | tuple[str, str] | Content] = []
        for number, (name, share) in enumerate(topics.items()):
            shares += [(" · " if number else "", MUTED), shown(topic_label(name), "bold", multiline=False), f" {share:.0%}"]
        parts.append(sentence(_("topics: {shares}"), MUTED, shares=Content.assemble(*shares)))
    if holds:
        counts = " · ".join(f"{hold_label(rule).replace(' ', '-')} {count}" for rule, count in holds.items())
        parts.append(sentence(("   " if topics else "") + _("held: {counts}"), MUTED, counts=Content(counts)))
    return Content.assemble(*parts)


def seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return _("never")
    seconds = int(seconds)
    return _("{seconds} s ago").format(seconds=seconds) if seconds < 120 else _("{minutes} min ago").format(minutes=seconds // 60)


def team_line(others: Sequence[Presence], feeds: Sequence[Feed], now: datetime) -> Content:
    """Who else is on the session (role, last seen) and each feed another process runs."""
    parts: list[str | tuple[str, str] | Content] = []
    if others:
        people: list[str | tuple[str, str] | Content] = []
        for number, presence in enumerate(others):
            seen = seconds_text(age(presence.at, now))
            answering = "  " + _("answering") if presence.answering else ""
            who = "" if presence.actor == presence.role else f" {presence.actor}"
            people += [(" · " if number else "", ""), shown(role_label(presence.role), "bold", multiline=False),
                       shown(who, "", multiline=False), (f" {seen}{answering}", MUTED)]
        parts.append(sentence(_("with {people}"), MUTED, people=Content.assemble(*people)))
    for feed in feeds:
        style = "$success" if feed.ok else "bold $warning"
        parts += [("   │ " if parts else "", MUTED), shown(f"{feed.spec} ", "bold", multiline=False),
                  shown(f"{feed_text(feed)} {seconds_text(feed.seconds)}", style, multiline=False)]
    return Content.assemble(*parts)


def feed_text(feed: Feed) -> str:
    """`ok`, `stopped`, `stopped: why` (`store.team.feeds`): the words are ours, why is the source's."""
    if feed.ok:
        return _("ok")
    why = feed.detail.removeprefix("stopped").removeprefix(": ")
    return _("stopped: {why}").format(why=why) if why else _("stopped")


class SessionHeader(Static):
    """Shows `shown`, which the main screen binds to its own `header`."""

    shown: var[Content] = var(Content(""))  # `watch_shown` repaints, when it changed

    def watch_shown(self, shown: Content) -> None:
        update_steady(self, shown)
