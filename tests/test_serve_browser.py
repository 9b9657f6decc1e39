"""`qtime serve` in a real browser: headless Chromium (Debian's) driven by Playwright.

The page draws the terminal with xterm.js on a canvas: the test reads the
terminal's own buffer (`tests/serving.py`: `KEEP_TERMINAL`, `SCREEN`).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Response, sync_playwright

from store.session_store import SessionStore
from tests.serving import CHROMIUM, KEEP_TERMINAL, SCREEN, TITLE, Served, make_store, wait_until

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it: apt-get install chromium)"),
    pytest.mark.timeout(240),
]

ANSWER = "Entro il 2026"
# The classic profile counts the post: "@lucia_r " + answer + " #twittertime".
EMPTY_COUNT, TYPED_COUNT = "22/140", f"{9 + len(ANSWER) + 13}/140"


def status(response: Response | None) -> int:
    assert response is not None
    return response.status


def draft_on_disk(path: Path, qid: str) -> str:
    store = SessionStore.open(path, create=False, actor="check")
    try:
        return store.draft(qid)
    finally:
        store.close()


def test_a_host_answers_in_a_browser_tab(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = make_store(path)
    first = next(iter(store.state.questions))
    store.close()
    with Served(path) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(KEEP_TERMINAL)
            assert status(page.goto(served.url)) == 200

            def screen_shows(text: str) -> str:
                def showing() -> str:
                    screen = page.evaluate(SCREEN)
                    return screen if text in screen else ""
                return wait_until(showing, f"{text!r} on screen")

            screen_shows("Quando arriva la fibra")  # the queue, from the store
            screen_shows(TITLE)  # the header
            screen_shows("new 4")
            page.focus(".xterm-helper-textarea")
            page.keyboard.press("a")
            screen_shows("approved 1")
            page.keyboard.press("2")  # the approved view
            page.keyboard.press("Enter")  # answer it: the draft takes the keys
            screen_shows(EMPTY_COUNT)
            page.keyboard.type(ANSWER)
            screen = screen_shows(TYPED_COUNT)
            assert f"@lucia_r {ANSWER} #twittertime" in screen  # the post preview
            # At once, within the draft's half second of debounce: leaving the page ends its app,
            # which saves the draft on its way out. The first page's cookie opens the page again.
            assert status(page.goto(served.base)) == 200
            wait_until(lambda: draft_on_disk(path, first) == ANSWER, "the draft saved by the session that ended")

            refused = browser.new_page()  # a new context: no cookie
            assert status(refused.goto(served.base)) == 403
            assert status(refused.goto(served.url.replace(served.token, served.token[::-1]))) == 403
        finally:
            browser.close()
    after = SessionStore.open(path, create=False, actor="check")
    assert after.state.questions[first].status == "approved"
    assert after.draft(first) == ANSWER
    assert all(served.token.encode() not in file.read_bytes() for file in tmp_path.glob("s.json*") if file.is_file())
