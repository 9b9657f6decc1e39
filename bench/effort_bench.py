"""Effort: the keys one moderator presses to decide an #AskObama-scale session, and how right it is.

`python -m bench.effort_bench [--quick] [--seed N]` (`--quick`: 17,000 posts
instead of 170,000). A scripted moderator drives the real app headless
(`App.run_test`, every key through `pilot.press`, each one counted):

1. On a new session that groups copies, it sets the hold rules (`H`: link-only
   posts, a few spam words) and five topics (`#`), by typing them.
2. The session arrives: `triage_corpus.py`'s posts, ingested as `qtime ingest
   --once` does (no keys: the moderator waits).
3. It approves the biggest groups one row at a time (`a` on a group row merges
   its copies into its representative), then uses bulk moves on filtered views:
   every question with a `?` (`/?`, `A`), each topic (`/topic:NAME`, `A`), and
   dismisses what is left in New as off-topic (`D`).

Scored against the generator's ground truth: a question is decided once it
is no longer new; a decision is right when a real question (asked, a near
miss, asked once) is approved (or merged into an approved one) and spam or
off-topic chatter is dismissed. A group is decided when all its members are;
the target is the groups holding 80% of all votes (the posts' own votes),
with at least 95% of the decisions right, in at most 300 keys (one key per
post would be 170,000).
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from bench.store_bench import ROOT
from bench.triage_corpus import Post, generate
from store.model import Settings
from store.session_store import SessionStore
from store.state import SessionState

REAL = frozenset({"question", "near-miss", "single"})
SIZE = (160, 48)
RULES_WORDS = "iphone, follower, ray-ban, guadagna, kg"
TOPICS = ("jobs: job", "taxes: tax", "budget: deficit, budget", "rete: fibra, adsl, 4g", "school: college, scuole")
TOP_GROUPS = 5  # group rows approved one by one before the bulk moves


@dataclass
class Keys:
    """Every key the moderator pressed, by phase."""

    pressed: Counter[str] = field(default_factory=Counter)
    phase: str = ""

    async def press(self, pilot: object, *keys: str) -> None:
        for key in keys:
            self.pressed[self.phase] += 1
            await pilot.press(key)  # type: ignore[attr-defined]

    async def type(self, pilot: object, text: str) -> None:
        await self.press(pilot, *[("space" if char == " " else char) for char in text])


@dataclass(frozen=True)
class Score:
    decided: int
    right: int
    wrong: Counter[str]  # "kind -> decision" of the wrong decisions
    questions: int
    votes_decided: int
    votes: int
    groups_decided: int
    groups: int


async def settle(pilot: object) -> None:
    """Let the app's store jobs finish and their messages land (a bulk move is one job)."""
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
        for worker in [w for w in app.workers if w.group in ("store", "triage") and not w.is_finished]:
            await worker.wait()
        await pilot.pause()  # type: ignore[attr-defined]
    app.drain()
    await pilot.pause()  # type: ignore[attr-defined]


async def set_up(store: Path, keys: Keys) -> None:
    """Phase 1: the hold rules and the topics, typed into their dialogs."""
    from tui.app import QuestionTimeApp

    app = QuestionTimeApp(SessionStore.open(store, actor="moderator"), role="moderator", live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys.phase = "rules"
        await keys.press(pilot, "H", "space", "tab")  # link-only on, then the blocked words
        await keys.type(pilot, RULES_WORDS)
        await keys.press(pilot, "ctrl+s")
        await settle(pilot)
        keys.phase = "topics"
        await keys.press(pilot, "number_sign")
        for line in TOPICS:
            await keys.type(pilot, line)
            await keys.press(pilot, "enter")
            await settle(pilot)
        await keys.press(pilot, "escape")
        await settle(pilot)
        await pilot.press("q")  # leaving: not a triage key


def ingest(store: Path, posts: Sequence[Post], folder: Path) -> float:
    """Phase 2: `qtime ingest --once` of the posts, in its own process; seconds."""
    source = folder / "posts.jsonl"
    source.write_bytes(b"".join(orjson.dumps(post.record()) + b"\n" for post in posts))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tui", "ingest", "--store", str(store), "--source", f"file:{source}",
                    "--once"], check=True, capture_output=True, cwd=ROOT, timeout=1800)
    return time.perf_counter() - started


async def moderate(store: Path, keys: Keys) -> dict[str, float]:
    """Phase 3: groups first, then bulk moves on filtered views. Returns the open time and peak memory."""
    from tui.app import QuestionTimeApp

    started = time.perf_counter()
    app = QuestionTimeApp(store, role="moderator", live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        opened = time.perf_counter() - started
        keys.phase = "groups"
        for _ in range(TOP_GROUPS):
            await keys.press(pilot, "a")
            await settle(pilot)
        keys.phase = "bulk"
        for needle in ["?", *(f"topic:{line.partition(':')[0]}" for line in TOPICS)]:
            await keys.press(pilot, "slash")
            await keys.type(pilot, needle)
            await keys.press(pilot, "enter", "A", "y")
            await settle(pilot)
            await keys.press(pilot, "slash", "escape")  # clear the filter
            await settle(pilot)
        await keys.press(pilot, "D", "2", "y")  # dismiss what is left in New as off-topic
        await settle(pilot)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        await pilot.press("q")
    return {"open_s": opened, "peak_mb": peak}


def decision(state: SessionState, qid: str) -> str | None:
    """approve / dismiss / None (still new) for one stored question."""
    question = state.questions[qid]
    if question.status == "new":
        return None
    if question.status in ("approved", "answered"):
        return "approve"
    original = state.questions.get(question.duplicate_of or "")
    if question.reason == "duplicate" and original is not None and original.status in ("approved", "answered"):
        return "approve"
    return "dismiss"


def score(store: Path, posts: Sequence[Post]) -> Score:
    state = SessionStore.open(store, actor="score").state
    truth = {post.id: post for post in posts}
    decided = right = 0
    wrong: Counter[str] = Counter()
    group_votes: Counter[str] = Counter()
    open_groups: set[str] = set()
    for qid, question in state.questions.items():
        post = truth[question.remote_id]
        group = state.group_of(qid)
        group_votes[group] += post.votes
        made = decision(state, qid)
        if made is None:
            open_groups.add(group)
            continue
        decided += 1
        if made == ("approve" if post.kind in REAL else "dismiss"):
            right += 1
        else:
            wrong[f"{post.kind} {'approved' if made == 'approve' else 'dismissed'}"] += 1
    votes = sum(group_votes.values())
    done = [group for group in group_votes if group not in open_groups]
    return Score(decided, right, wrong, len(state.questions), sum(group_votes[g] for g in done), votes, len(done),
                 len(group_votes))


def run(quick: bool = False, seed: int = 1) -> list[dict[str, object]]:
    posts = generate(seed, count=17_000 if quick else 170_000)
    keys = Keys()
    with tempfile.TemporaryDirectory(prefix="qtime-effort-") as name:
        folder = Path(name)
        store = folder / "session.json"
        SessionStore.open(store, actor="moderator",
                          settings=Settings(title="#AskObama", hashtag="AskObama", group_copies=True)).close()
        asyncio.run(set_up(store, keys))
        ingest_s = ingest(store, posts, folder)
        app = asyncio.run(moderate(store, keys))
        result = score(store, posts)
    total = sum(keys.pressed.values())
    by_phase = ", ".join(f"{phase} {n}" for phase, n in keys.pressed.items())
    coverage = result.votes_decided / result.votes if result.votes else 0.0
    accuracy = result.right / result.decided if result.decided else 0.0
    return [
        {"figure": f"keys pressed, {len(posts):,} posts", "value": f"{total} ({by_phase})",
         "baseline": f"one key per post: {len(posts):,}", "target": "at most 300", "met": total <= 300},
        {"figure": "votes in the groups decided", "value": f"{coverage:.1%} ({result.groups_decided:,} of "
         f"{result.groups:,} groups; {result.decided:,} of {result.questions:,} questions decided)",
         "baseline": "—", "target": "at least 80%", "met": coverage >= 0.8},
        {"figure": "decisions that match the ground truth", "value": f"{accuracy:.2%} ({result.right:,} of "
         f"{result.decided:,}); wrong: {', '.join(f'{n:,} {what}' for what, n in result.wrong.most_common())}",
         "baseline": "—", "target": "at least 95%", "met": accuracy >= 0.95},
        {"figure": "the app on the session: open to the queue, peak memory", "value":
         f"{app['open_s']:.1f} s, {app['peak_mb']:.0f} MB (ingest: {ingest_s:.1f} s)", "baseline": "—",
         "target": "—", "met": "—"},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="17,000 posts instead of 170,000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print("| figure | value | baseline | target | met |\n|---|---|---|---|---|")
    for row in run(args.quick, args.seed):
        print("| " + " | ".join(str(row[k]) for k in ("figure", "value", "baseline", "target", "met")) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
