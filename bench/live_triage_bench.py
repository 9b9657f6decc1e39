"""What the app's triage costs at #AskObama scale: the header's live figures, rising words, tagging a new topic.

`python -m bench.live_triage_bench [--quick]` (also `python -m bench --only live`).

A session of 170,000 questions (`triage_corpus.py`, seed 1) is built in
memory as a `SessionState`, through `question.add` events: each tagged
with five topics as arrivals tag it, the spam held. The last 2,000 posts
arrive one at a time afterwards. Baseline, same run: what the header would
pay per arrival without `TriageTally`, a full `topic_shares` + `hold_counts`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import cast

from bench.triage_corpus import START, Post, generate
from store.events import Event
from store.groups import TriageTally, hold_counts, topic_shares
from store.model import Question, Settings
from store.state import SessionState
from store.triage.suggest import MAX_POSTS, suggest
from store.triage.topics import TopicMatcher, parse_topic

Row = dict[str, object]
TOPICS = ["jobs: job, jobs, lavoro, unemployment, wages", "taxes: tax, taxes, tasse", "budget: budget, deficit, debt",
          "rete: fibra, adsl, 4g, banda larga, digital divide", "education: college, school, scuole, student loans"]
LATE = 2_000  # posts that arrive after the tally was counted, one sync each


def row(figure: str, value: str, baseline: str = "—", target: str = "—", met: object = None) -> Row:
    return {"figure": figure, "value": value, "baseline": baseline, "target": target, "met": met}


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


class Session:
    """A `SessionState` fed as the store feeds it: one `question.add` (and `question.hold`) per post."""

    def __init__(self) -> None:
        self.state = SessionState(settings=Settings(topics=list(TOPICS)))
        self.matcher = TopicMatcher([parse_topic(line) for line in TOPICS])
        self.seq = 0

    def arrive(self, post: Post) -> None:
        held = post.kind == "spam"
        at = START.timestamp() + post.at
        posted = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(at))
        question = Question(post.id, "file", post.id, post.author, post.text, posted, posted_at=posted,
                            votes=post.votes, tags=self.matcher.match(post.text),
                            status="dismissed" if held else "new", reason="held" if held else None)
        self._apply({"action": "question.add", "qid": question.id, "question": question.to_dict()})
        if held:
            self._apply({"action": "question.hold", "qid": question.id, "rule": "flood"})

    def _apply(self, event: dict[str, object]) -> None:
        self.seq += 1
        self.state.apply(cast(Event, {**event, "seq": self.seq}))


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(quick: bool = False) -> list[Row]:
    count = 20_000 if quick else 170_000
    log = lambda message: print(f"  live triage: {message}", file=sys.stderr, flush=True)  # noqa: E731
    log(f"generating and storing {count:,} posts")
    posts = sorted(generate(1, count), key=lambda post: post.at)
    session = Session()
    for post in posts[:-LATE]:
        session.arrive(post)
    state = session.state
    rows: list[Row] = []

    snapshot = state.copy()
    tally = TriageTally()
    full = min(timed(lambda: tally.count(snapshot), 3))
    tracemalloc.start()
    kept = TriageTally()
    kept.count(snapshot)
    memory = tracemalloc.get_traced_memory()[0]  # what a counted tally keeps
    tracemalloc.stop()
    del kept
    recount = min(timed(lambda: (topic_shares(state), hold_counts(state)), 3))
    rows.append(row(f"header figures counted afresh, {len(state.questions):,} questions (TriageTally.count, in a worker)",
                    f"{full:.2f} s; {memory / 2**20:.1f} MB kept ({memory / len(state.questions):.0f} bytes/question)",
                    f"topic_shares + hold_counts: {recount:.2f} s"))

    log(f"{LATE:,} arrivals, one header update each")
    per_arrival = []
    for post in posts[-LATE:]:
        session.arrive(post)
        started = time.perf_counter()
        tally.sync(state)
        per_arrival.append(time.perf_counter() - started)
    assert tally.shares() == topic_shares(state) and tally.holds == hold_counts(state)
    baseline = statistics.median(timed(lambda: (topic_shares(state), hold_counts(state)), 5))
    p95 = percentile(per_arrival, 0.95)
    rows.append(row(f"header figures after one arrival at {len(state.questions):,} (TriageTally.sync, UI thread)",
                    f"median {ms(statistics.median(per_arrival))}, p95 {ms(p95)}; {baseline / p95:,.0f}x faster than "
                    "the baseline", f"a full recount per arrival: {ms(baseline)}", "p95 under 1 ms", p95 < 1e-3))

    questions = tuple(state.questions.values())
    log("rising words")
    whole = statistics.median(timed(lambda: suggest(questions, state.settings), 3))
    newest = statistics.median(timed(lambda: suggest(questions[-MAX_POSTS:], state.settings), 3))
    found = suggest(questions, state.settings)
    rows.append(row(f"rising words at {len(questions):,} questions (suggest, in a worker)",
                    f"{whole:.2f} s; found {', '.join(r.term for r in found[:5])}",
                    f"the newest {MAX_POSTS:,} alone: {newest:.2f} s", "bounded: within 1.5x of the newest alone",
                    whole <= newest * 1.5))

    log("tagging the stored questions with a new topic")
    matcher = TopicMatcher([parse_topic("health: health care, medicare, insurance")])
    started = time.perf_counter()
    matched = [q.id for q in questions if matcher.match(q.shown_text())]
    tagging = time.perf_counter() - started
    rows.append(row(f"questions a new topic matches, among {len(questions):,} (topic_matches, in a worker)",
                    f"{tagging:.1f} s ({tagging / len(questions) * 1e6:.1f} µs/question); {len(matched):,} matched"))
    return rows


def main(argv: list[str] | None = None) -> int:
    from bench.run import report

    parser = argparse.ArgumentParser(prog="python -m bench.live_triage_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k questions instead of 170k")
    args = parser.parse_args(argv)
    report("qtime live triage benchmarks", run(args.quick), args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
