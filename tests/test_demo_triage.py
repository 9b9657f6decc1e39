"""The demo's first minute shows triage: a retweet burst grouped, topic shares, spam held by a rule."""
from __future__ import annotations

from pathlib import Path

from store.groups import hold_counts, ranked_groups, topic_shares
from store.session_store import SessionStore
from tui.commands.demo import demo_settings
from tui.platforms.demo import demo_script
from tui.service.session import SessionService


def first_minute() -> list:
    items, at = [], 0.0
    for delay, item in demo_script():
        at += delay
        if at < 60:
            items.append(item)
    return items


def test_the_first_minute_of_the_demo_groups_copies_tags_topics_and_holds_spam(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "demo.json", settings=demo_settings())
    service = SessionService(store)
    items = first_minute()
    for item in items:  # one post at a time, as the replay stores them
        service._store_page([item], None)
    state = store.state
    groups = ranked_groups(state, min_size=2)
    assert [[m.author for m in g.members] for g in groups] == [
        ["@nerthase", "@sud_connesso", "@adsl_lenta", "@paese_offline", "@marta_b", "@frazione_nord"],
        ["@chiara_bari", "@bari_connessa", "@pugliese_doc", "@lecce_lenta"]]
    shares = topic_shares(state)
    assert list(shares) == ["rete", "lavoro", "clienti", "other"] and shares["rete"] > 0.4
    assert hold_counts(state) == {"blocked word": 1, "link only": 2}
    held = sorted(q.author for q in state.questions.values() if q.reason == "held")
    assert held == ["@follower_facili", "@offerte_fibra", "@regali_top"]
    assert len(items) == 27 and len(demo_script()) == 29
    service.close()
