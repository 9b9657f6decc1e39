"""Soak: an hour of hashtag traffic on three platforms, compressed, with faults injected.

A simulated minute lasts a quarter of a second: about 4,500 posts arrive in
bursts on fake Mastodon, Bluesky and X servers (real sockets) that answer
about one request in eight with a fault (429 with and without reset
headers, 5xx, HTML error pages, dropped connections, malformed and truncated
bodies, slow replies). All three sources run live into one real store at
once. At the end every post is stored exactly once and no source crashed or
stopped. Figures are printed, not asserted (`pytest -s` shows them).
"""
from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path

import pytest

from store.model import SourceRecord
from store.session_store import SessionStore
from tests.fixtures_platforms import FAULT_KINDS, FakeBluesky, FakeMastodon, FakeX, Faults
from tests.httpserver import LocalServer
from tui.platforms.base import Item, SourceState
from tui.platforms.bluesky_source import BlueskySource
from tui.platforms.mastodon_source import MastodonSource
from tui.platforms.polling import Pacing, PollingSource
from tui.platforms.x_source import XSource

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
MINUTES = 60
MINUTE = 0.25  # seconds of test per simulated minute
X_TOKEN = "x-bearer-token-soak"


def burst(rng: random.Random, minute: int) -> int:
    """Posts in one simulated minute: a warm-up, a peak while the CEO answers, a tail."""
    peak = 45 if 15 <= minute < 40 else 15
    return max(0, int(rng.gauss(peak, peak / 3)))


async def test_an_hour_of_faulty_traffic_is_stored_exactly_once(tmp_path: Path) -> None:
    rng = random.Random(20260801)
    store = SessionStore.open(tmp_path / "soak.json", actor="ingest")
    states: list[SourceState] = []
    warnings: list[str] = []

    async def emit(batch: list[Item], *, source_state: SourceRecord | None = None) -> None:
        await asyncio.to_thread(store.add_questions, batch, actor="ingest", source_state=source_state)

    faults = {name: Faults(rate=0.12, seed=seed, slow_delay=0.1, reset_in=0.1)
              for seed, name in enumerate(("mastodon", "bluesky", "x"), start=1)}
    for fault in faults.values():
        fault.queue = list(FAULT_KINDS)  # each kind at least once, the rest at random
    with LocalServer() as m_server, LocalServer() as b_server, LocalServer() as x_server:
        mastodon = FakeMastodon(m_server, faults=faults["mastodon"])
        bluesky = FakeBluesky(b_server, faults=faults["bluesky"], handle="soak.bsky.social")
        x = FakeX(x_server, faults=faults["x"], token=X_TOKEN)
        pacing = Pacing(interval=0.1, backoff_base=0.02, backoff_cap=0.3, deadline=2.0)
        sources: list[PollingSource] = [
            MastodonSource("mastodon:soak", m_server.url, "qtime", pacing=pacing, refresh_interval=2.0),
            BlueskySource("bluesky:soak", b_server.url, "qtime", handle=bluesky.handle,
                          app_password=bluesky.password, pacing=Pacing(interval=0.2, backoff_base=0.02,
                                                                       backoff_cap=0.3, deadline=2.0)),
            XSource("x:soak", x_server.url, "qtime", token=X_TOKEN, pacing=pacing, max_results=50),
        ]
        tasks = [asyncio.create_task(s.run(emit, states.append, warnings.append)) for s in sources]
        started = time.monotonic()
        posted = Counter[str]()
        for minute in range(MINUTES):
            for name, fake in (("mastodon", mastodon), ("bluesky", bluesky), ("x", x)):
                for n in range(burst(rng, minute)):
                    fake.post(f"minute {minute} question {n}")  # type: ignore[attr-defined]
                    posted[name] += 1
            if minute % 5 == 0 and mastodon.statuses:  # votes move on older posts too
                rng.choice(mastodon.statuses)["favourites_count"] += 1
            await asyncio.sleep(MINUTE)
        traffic_done = time.monotonic()
        total = sum(posted.values())
        async with asyncio.timeout(150):  # a bound so the run stops by itself, not a speed target
            while len(store.state.questions) < total:
                assert not [t for t in tasks if t.done()], "a source ended:\n" + "\n".join(map(str, states[-5:]))
                await asyncio.sleep(0.1)
        caught_up = time.monotonic()
        assert not [t for t in tasks if t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        requests = {name: len(server.requests) for name, server in
                    (("mastodon", m_server), ("bluesky", b_server), ("x", x_server))}

    questions = list(store.state.questions.values())
    store.close()
    keys = Counter((q.source, q.remote_id) for q in questions)
    assert len(questions) == total and set(keys.values()) == {1}
    by_platform = Counter(q.source.partition(":")[0] for q in questions)
    assert by_platform == posted
    assert {q.remote_id for q in questions if q.source == "bluesky"} == {p["uri"] for p in bluesky.posts}
    assert {q.remote_id for q in questions if q.source == "x"} == {t["id"] for t in x.tweets}
    assert {q.remote_id for q in questions if q.source.startswith("mastodon:")} == {s["id"] for s in mastodon.statuses}
    assert not [s for s in states if s.state == "stopped"]
    for name, fault in faults.items():
        assert set(fault.served) == set(FAULT_KINDS), (name, fault.served)
    assert all(source.rejected > 0 for source in sources)  # malformed pages were counted
    assert bluesky.logins == 1

    print(f"\nsoak: {total} posts {dict(posted)} in {traffic_done - started:.1f} s of traffic, "
          f"caught up {caught_up - traffic_done:.1f} s later")
    print(f"soak: requests {requests}; faults served " +
          "; ".join(f"{name} {sum(f.served.values())}" for name, f in faults.items()))
    print(f"soak: retrying reports {sum(s.state == 'retrying' for s in states)}, warnings {len(warnings)}, "
          f"rejected {[s.rejected for s in sources]}")
