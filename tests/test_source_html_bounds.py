"""Hostile post HTML: never an exception, linear work, a bad post skipped and counted, parsed off the loop (F3)."""
from __future__ import annotations

import re
import threading

import pytest

from tests.fixtures_platforms import FakeMastodon, Recorder, mastodon_status
from tests.hostile.make_posts import PAYLOADS
from tests.httpserver import LocalServer
from tui.platforms import html_text
from tui.platforms.html_text import MAX_HTML, HtmlTooLong, html_to_text
from tui.platforms.mastodon_source import MastodonSource
from tui.platforms.polling import Pacing

pytestmark = pytest.mark.timeout(60)
FAST = Pacing(interval=0.05, backoff_base=0.01, backoff_cap=0.05, deadline=5.0)
# Markup that `html.parser` raised on, or took quadratic time over.
HOSTILE = {
    "cdata-like": "<p>question <![<x here</p>",
    "unterminated tags": "<p>q</p>" + "<a" * 49_000,
    "unterminated quotes": "<p>q</p>" + '<a b="' * 15_000,
    "unterminated attributes": "<p>q</p><a " + "x=1 " * 20_000,
    "nested comments": "<p>q</p>" + "<!--" * 20_000,
    "open tags": "<p>q</p>" + "<b>" * 30_000,
    "declarations": "<p>q</p>" + "<!x" * 30_000,
}


class CountingMatches:
    """Counts every regex match the tokenizer starts, to bound its work without a clock."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        for name in ("_MARKUP", "_TAG_OPEN", "_ATTR"):
            monkeypatch.setattr(html_text, name, self._wrap(getattr(html_text, name)))

    def _wrap(self, pattern: re.Pattern[str]) -> object:
        counter = self

        class Counted:
            def match(self, *args: object) -> object:
                counter.calls += 1
                return pattern.match(*args)  # type: ignore[arg-type]

            def search(self, *args: object) -> object:
                counter.calls += 1
                return pattern.search(*args)  # type: ignore[arg-type]

        return Counted()


def guarded(markup: str, seconds: float = 10.0) -> str:
    """`html_to_text` in a thread with a generous guard (the old parser took ~30 s on some of these)."""
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(html_to_text(markup)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert result, "html_to_text did not finish"
    return result[0]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_markup_gives_text_without_raising(name: str) -> None:
    text = guarded(HOSTILE[name])
    assert text.startswith("q") or text == "question"


@pytest.mark.parametrize("name", HOSTILE)
def test_the_tokenizer_does_linear_work(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regex matches per input character stay bounded as the input grows (each match is itself linear)."""
    counter = CountingMatches(monkeypatch)
    html_to_text(HOSTILE[name])
    assert counter.calls <= len(HOSTILE[name]) + 10


def test_over_long_content_is_refused_before_parsing() -> None:
    with pytest.raises(HtmlTooLong):
        html_to_text("<p>" + "x" * MAX_HTML + "</p>")


def status(server: LocalServer, status_id: str, content: str) -> dict:
    return mastodon_status(server.url, status_id, content=content)


async def test_one_bad_post_is_skipped_and_counted_and_the_page_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: set[int] = set()
    convert = html_text.html_to_text

    def recording(markup: str) -> str:
        threads.add(threading.get_ident())
        return convert(markup)

    monkeypatch.setattr("tui.platforms.mastodon_source.html_to_text", recording)
    with LocalServer() as server:
        fake = FakeMastodon(server)
        fake.add(status(server, "117020600000001000", "<p>first question</p>"))
        fake.add(status(server, "117020600000002000", HOSTILE["cdata-like"]))
        fake.add(status(server, "117020600000003000", "<p>" + "<b>" * MAX_HTML + "</p>"))
        fake.add(status(server, "117020600000004000", "<p>last question</p>"))
        source = MastodonSource(f"mastodon:{server.url}#qtime", server.url, "qtime", pacing=FAST)
        rec = await Recorder().once(source)
    texts = [item["text"] for item in rec.items]
    assert texts == ["first question", "question", "last question"]
    assert source.rejected == 1 and rec.last.state == "done"
    assert "1 malformed post skipped" in "\n".join(rec.warnings)
    assert threads and threading.get_ident() not in threads  # parsed in a worker thread, not on the loop


async def test_the_hostile_corpus_html_reads_as_mastodon_posts() -> None:
    """Every HTML payload of tests/hostile as a status's content: all read in one pass, none lost."""
    payloads = [payload for kind, payload in PAYLOADS if kind == "html"]
    with LocalServer() as server:
        fake = FakeMastodon(server)
        for n, payload in enumerate(payloads):
            fake.add(status(server, str(117020600000001000 + n * 1000), payload))
        source = MastodonSource(f"mastodon:{server.url}#qtime", server.url, "qtime", pacing=FAST)
        rec = await Recorder().once(source)
    assert len(rec.items) == len(payloads) and source.rejected == 0
    texts = "\n".join(item["text"] for item in rec.items)
    assert "alert(1)" not in texts.replace("<script>alert(1)</script> encoded", "")
