"""The app with a connected account: send posts the answer as a reply, and the log says so."""
from __future__ import annotations

from store.model import OutboxPart, Settings, part_id
from store.session_store import SessionStore
from tests.conftest import screen_text, settle
from tests.httpserver import LocalServer
from tests.publish_fakes import FakeMastodon
from tui.app import QuestionTimeApp
from tui.platforms.accounts import connected_publishers

TOKEN = "tok-app-publish-7c1e"


def app_on_mastodon(tmp_path, server: LocalServer, clock, status_id: str, text: str) -> QuestionTimeApp:
    """An app whose one question came from the fake instance, with our account connected there."""
    store = SessionStore.open(tmp_path / "s.json", settings=Settings(profile="mastodon", hashtag="qtime"))
    store.add_questions([{
        "source": "mastodon:127.0.0.1", "remote_id": status_id, "author": "@asker", "text": text,
        "reply_ref": {"platform": "mastodon", "instance": server.url, "status_id": status_id,
                      "url": f"{server.url}/@asker/{status_id}"},
    }])
    publishers = connected_publishers({"QTIME_MASTODON_TOKEN": TOKEN, "QTIME_MASTODON_URL": server.url})
    return QuestionTimeApp(store, clock=clock, live=False, publishers=publishers)


async def approve_and_answer(pilot, answer: str) -> None:
    await pilot.press("a", "2")
    await settle(pilot)
    await pilot.press("enter", *answer, "ctrl+s")
    await settle(pilot)
    await wait_for_outbox(pilot)


async def retry_from_the_answered_view(pilot) -> None:
    await pilot.press("escape", "5")
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    await wait_for_outbox(pilot)


async def wait_for_outbox(pilot) -> None:
    for worker in [w for w in pilot.app.workers if w.group == "outbox"]:
        await worker.wait()
    await settle(pilot)


async def test_send_posts_a_reply_and_the_log_shows_it(tmp_path, clock):
    with LocalServer() as server:
        fake = FakeMastodon(server, TOKEN)
        app = app_on_mastodon(tmp_path, server, clock, "555", "What about 5G?")
        async with app.run_test(size=(160, 48)) as pilot:
            await approve_and_answer(pilot, "Next year, in every region")
            assert "posted" in screen_text(app)
        app.store.close()
    posts = list(fake.statuses.values())
    assert len(posts) == 1
    assert posts[0]["in_reply_to_id"] == "555"
    assert posts[0]["content"] == "@asker Next year, in every region #qtime"
    parts = list(SessionStore.open(tmp_path / "s.json").state.outbox.values())
    assert [(p.state, p.remote_id) for p in parts] == [("posted", posts[0]["id"])]


async def test_r_publishes_a_failed_answer_again_and_o_opens_it(tmp_path, clock, monkeypatch):
    with LocalServer() as server:
        fake = FakeMastodon(server, TOKEN)
        fake.faults = ["503"]  # the instance is down for the first attempt
        app = app_on_mastodon(tmp_path, server, clock, "777", "And fibre?")
        opened: list[str] = []
        monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
        async with app.run_test(size=(160, 48)) as pilot:
            app.service.outbox.max_attempts = 1
            await approve_and_answer(pilot, "Soon")
            assert "failed" in screen_text(app)
            await pilot.press("escape", "5")
            await settle(pilot)
            assert "Retry" in screen_text(app)  # the footer offers it, on this answer
            await retry_from_the_answered_view(pilot)
            assert "posted" in screen_text(app)
            await pilot.press("o")
            await settle(pilot)
        app.store.close()
    assert len(fake.statuses) == 1
    assert opened == [next(iter(fake.statuses.values()))["url"]]


async def test_an_account_refused_is_shown_and_r_sends_again(tmp_path, clock):
    with LocalServer() as server:
        fake = FakeMastodon(server, "the-token-the-instance-expects")
        app = app_on_mastodon(tmp_path, server, clock, "888", "Roaming prices?")
        async with app.run_test(size=(160, 48)) as pilot:
            await approve_and_answer(pilot, "Lower from May")
            screen = screen_text(app)
            assert "publishing" in screen and "not authorised (401)" in screen  # said, not silently stuck
            assert TOKEN not in screen
            fake.token = TOKEN  # the account is fixed
            await retry_from_the_answered_view(pilot)
            assert "posted 1/1" in screen_text(app)
        app.store.close()
    assert [s["in_reply_to_id"] for s in fake.statuses.values()] == ["888"]


def counter(app: QuestionTimeApp) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one("#counter", Static).render())


async def test_the_counter_counts_for_the_posting_accounts_instance(tmp_path, clock):
    """The session says x (280); the answer goes to our Mastodon account, whose instance allows 600."""
    from tests.fixtures_platforms import instance_v2
    from tests.httpserver import Response

    with LocalServer() as server:
        FakeMastodon(server, TOKEN)
        server.route("GET", "/api/v2/instance", lambda request: Response.json(instance_v2(server.url, 600)))
        store = SessionStore.open(tmp_path / "s.json", settings=Settings(profile="x", hashtag="qtime"))
        store.add_questions([{
            "source": "mastodon:127.0.0.1", "remote_id": "9", "author": "@asker", "text": "Roaming?",
            "reply_ref": {"platform": "mastodon", "instance": server.url, "status_id": "9"},
        }, {"source": "file:q.jsonl", "remote_id": "f1", "author": "@reader", "text": "And fibre?"}])
        publishers = connected_publishers({"QTIME_MASTODON_TOKEN": TOKEN, "QTIME_MASTODON_URL": server.url})
        app = QuestionTimeApp(store, clock=clock, publishers=publishers, poll_every=0.05)
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for_outbox(pilot)  # the instance's limits are learnt in the outbox group
            await pilot.press("a", "2")
            await settle(pilot)
            await pilot.press("enter", *"Soon")
            await settle(pilot)
            assert counter(app).startswith("127.0.0.1 18/600")  # "@asker Soon #qtime", counted for that instance
            await pilot.press("escape", "1", "a", "2")
            await settle(pilot)
            await pilot.press("down", "enter", *"Soon")
            await settle(pilot)
            assert counter(app).startswith("x 19/280")  # a file question is posted nowhere: the session's profile
        app.store.close()


async def test_o_opens_only_web_links(tmp_path, clock, monkeypatch):
    """A part's URL comes from the store, which another tool may have written: only http(s) opens."""
    store = SessionStore.open(tmp_path / "s.json", settings=Settings(profile="mastodon", hashtag="qtime"))
    store.add_questions([{"source": "file", "remote_id": str(n), "author": f"@a{n}", "text": f"Question {n}?"}
                         for n in (1, 2)])
    hostile, fine = list(store.state.questions)
    for qid, url in ((hostile, "JavaScript:fetch('/ws')"), (fine, "https://social.example/@ceo/2")):
        store.approve(qid)
        store.add_answer(qid, "Yes", ["@a Yes #qtime"], "mastodon")
        store.set_part(OutboxPart(part_id(qid, "mastodon", 1), qid, "mastodon", 1, 1, "@a Yes #qtime", state="posted",
                                  remote_id="9", url=url))
    app = QuestionTimeApp(store, clock=clock, live=False)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        for qid in (hostile, fine):
            app.main.queue.select(qid)
            await settle(pilot)
            await pilot.press("o")
            await settle(pilot)
    store.close()
    assert opened == ["https://social.example/@ceo/2"]
