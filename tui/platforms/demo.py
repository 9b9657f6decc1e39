"""`demo`: a replay of the first #twittertime (Telecom Italia, 2012), no network.

The questions live in `demo_session.jsonl` beside this module: the ones the
article quotes (paraphrased), plausible others, and the noise a moderator
has to triage (spam, off-topic, a rude one; bursts of retweets and
near-copies of two questions: RT, MT, cut with "…", case, emoji; link-only
spam and a post with a blocked word, which the demo session's hold rules
catch). Each line says how many seconds after the previous one it
arrives; the first few arrive at once so the screen is never empty.
"""
from __future__ import annotations

import asyncio
import json
from importlib import resources

from tui.i18n import _, ngettext, number
from tui.platforms.base import Emit, Item, Report, Source, Warn

DATA = "demo_session.jsonl"


def demo_script() -> list[tuple[float, Item]]:
    """(delay in seconds, question item) for every post of the replay."""
    script: list[tuple[float, Item]] = []
    text = resources.files("tui.platforms").joinpath(DATA).read_text(encoding="utf-8")
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        data = json.loads(line)
        item: Item = {
            "source": "demo",
            "remote_id": f"demo-{line_no}",
            "author": data["author"],
            "author_name": data.get("name", ""),
            "text": data["text"],
            "votes": int(data.get("votes", 0)),
        }
        script.append((float(data.get("delay", 0)), item))
    return script


class DemoSource(Source):
    """Replays the demo script; `speed` 2 plays it twice as fast."""

    def __init__(self, spec: str, *, speed: float = 1.0) -> None:
        super().__init__(spec)
        self.speed = max(speed, 0.01)

    async def run(self, emit: Emit, report: Report, warn: Warn, *, once: bool = False) -> None:
        script = demo_script()
        total = len(script)
        if once:
            await emit([item for _, item in script])
            report(self.state("done", ngettext("{count} post replayed", "{count} posts replayed", total).format(
                count=number(total))))
            return
        report(self.state("live", replaying(0, total)))
        sent = 0
        while sent < total:
            batch = [script[sent][1]]
            sent += 1
            while sent < total and script[sent][0] == 0:  # posts that arrive together
                batch.append(script[sent][1])
                sent += 1
            await emit(batch)
            report(self.state("live", replaying(sent, total)))
            if sent < total:
                await asyncio.sleep(script[sent][0] / self.speed)
        report(self.state("done", ngettext("replay finished, {count} post", "replay finished, {count} posts", total)
                          .format(count=number(total))))


def replaying(sent: int, total: int) -> str:
    return _("replaying the 2012 session, {sent}/{total}").format(sent=sent, total=total)
