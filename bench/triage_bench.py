"""Triage benchmarks: near-duplicate grouping quality and speed at #AskObama scale.

`python -m bench.triage_bench [--quick]` (also part of `python -m bench`).

On a generated session with known families (`triage_corpus`, seed 1, and
seed 2 held out): pairwise precision and recall of the groups, the near
misses merged, grouping time per question and memory, against a baseline
measured in the same process (parsing and cleaning each JSON line, work
ingest already does per question). Then the candidate-search choices on a
sample, and the figures behind the libraries chosen.
"""
from __future__ import annotations

import argparse
import difflib
import gc
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson
from rapidfuzz import fuzz

from bench.triage_corpus import FAMILY_TEMPLATES, Post, generate
from store.model import Settings
from store.sanitize import clean_text
from store.session_store import SessionStore
from store.triage.candidates import PositionIndex, RareStemIndex
from store.triage.grouping import Grouper
from store.triage.normalise import Shape, shape, words
from store.triage.rules import Holder, HoldRules
from store.triage.topics import TopicMatcher, parse_topic

Row = dict[str, object]
ROOT = Path(__file__).resolve().parents[1]


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096


def pairs(sizes: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


@dataclass
class Quality:
    precision: float
    recall: float
    recall_decidable: float  # without the copies cut before the words that tell their family from another
    near_miss_pairs: int  # predicted pairs whose families differ by one content word
    near_miss_examples: list[tuple[str, str]]
    recall_by_change: dict[str, float]  # copies with this change in their family's main group


def quality(posts: Sequence[Post], groups: Sequence[str]) -> Quality:
    families = [post.family for post in posts]
    together = pairs(Counter(zip(families, groups)))
    predicted, true = pairs(Counter(groups)), pairs(Counter(families))
    keep = [n for n, post in enumerate(posts) if not post.ambiguous]
    decidable = pairs(Counter((families[n], groups[n]) for n in keep)), pairs(Counter(families[n] for n in keep))
    siblings = {(post.family, post.near_miss_of) for post in posts if post.near_miss_of}
    siblings |= {(b, a) for a, b in siblings}
    by_group: dict[str, Counter[str]] = defaultdict(Counter)
    first_text: dict[tuple[str, str], str] = {}
    for post, group in zip(posts, groups):
        by_group[group][post.family] += 1
        first_text.setdefault((group, post.family), post.text)
    near, examples = 0, []
    for group, counts in by_group.items():
        fams = sorted(counts)
        for n, a in enumerate(fams):
            for b in fams[n + 1 :]:
                if (a, b) in siblings:
                    near += counts[a] * counts[b]
                    examples.append((first_text[group, a], first_text[group, b]))
    main = {family: counter.most_common(1)[0][0] for family, counter in _groups_by_family(families, groups).items()}
    seen: Counter[str] = Counter()
    joined: Counter[str] = Counter()
    for post, group in zip(posts, groups):
        if post.kind in ("question", "near-miss") and not post.ambiguous:
            for change in post.changes:
                seen[change] += 1
                joined[change] += group == main[post.family]
    return Quality(
        together / predicted if predicted else 1.0,
        together / true if true else 1.0,
        decidable[0] / decidable[1] if decidable[1] else 1.0,
        near,
        examples[:3],
        {change: joined[change] / seen[change] for change in sorted(seen)},
    )


def _groups_by_family(families: Sequence[str], groups: Sequence[str]) -> dict[str, Counter[str]]:
    result: dict[str, Counter[str]] = defaultdict(Counter)
    for family, group in zip(families, groups):
        result[family][group] += 1
    return result


@dataclass
class Timed:
    seconds: float
    per_add_ns: list[int]
    memory: int  # bytes the grouper holds (RSS growth)
    groups: list[str]


def run_grouper(posts: Sequence[Post], grouper: Grouper) -> Timed:
    gc.collect()
    before = rss_bytes()
    clock = time.perf_counter_ns
    per_add = []
    started = time.perf_counter()
    for post in posts:
        begin = clock()
        grouper.add(post.id, post.text, post.votes)
        per_add.append(clock() - begin)
    seconds = time.perf_counter() - started
    gc.collect()
    memory = rss_bytes() - before
    return Timed(seconds, per_add, memory, [grouper.group_of(post.id) for post in posts])


@dataclass
class Ingest:
    seconds: float  # wall clock, from starting the process to its exit
    cpu: float  # the process's user + system time: what a busy machine changes least


def qtime_ingest(source: Path, store: Path, *, grouping: bool) -> Ingest:
    """`qtime ingest --once` of `source` into a new store that groups copies on arrival or not,
    in a process of its own, as a person runs it (compacting in that process as it goes)."""
    SessionStore.open(store, actor="bench", settings=Settings(group_copies=grouping)).close()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "tui", "ingest", "--store", str(store), "--source", f"file:{source}", "--once"],
                            capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not result.stdout.startswith(f"{sum(1 for _ in source.open())} new"):
        raise RuntimeError(f"ingest of {source} did not store every line: {result.stdout} {result.stderr[-2000:]}")
    return Ingest(seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def ingest_pair(posts: Sequence[Post]) -> tuple[Ingest, Ingest]:
    """`qtime ingest --once` of the posts without, then with, grouping on arrival, in the same run."""
    with tempfile.TemporaryDirectory(prefix="qtime-triage-") as folder:
        source = Path(folder) / "posts.jsonl"
        source.write_bytes(b"".join(orjson.dumps(post.record()) + b"\n" for post in posts))
        plain = qtime_ingest(source, Path(folder) / "plain.json", grouping=False)
        grouped = qtime_ingest(source, Path(folder) / "grouped.json", grouping=True)
    return plain, grouped


def baseline_seconds(posts: Sequence[Post]) -> float:
    """Parse each JSON line and clean its text: part of what ingest already does per question."""
    lines = [orjson.dumps(post.record()) for post in posts]
    started = time.perf_counter()
    for line in lines:
        clean_text(orjson.loads(line)["text"])
    return time.perf_counter() - started


def percentile(values: Sequence[int], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] / 1e6  # ms


# ---- candidate-search choices --------------------------------------------------


class MinHashIndex(PositionIndex):
    """datasketch MinHash LSH over a shape's content stems (the usual near-duplicate index)."""

    def __init__(self, threshold: float = 0.5, num_perm: int = 64) -> None:
        from datasketch import MinHash, MinHashLSH

        super().__init__()
        self._minhash = MinHash
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._num_perm = num_perm

    def _hash(self, s: Shape) -> object:
        m = self._minhash(num_perm=self._num_perm, seed=1)
        m.update_batch([stem.encode() for stem in s.probes])
        return m

    def add(self, position: int, s: Shape) -> None:
        super().add(position, s)
        if s.probes:
            self._lsh.insert(position, self._hash(s))

    def candidates(self, s: Shape) -> list[int]:
        return sorted(self._lsh.query(self._hash(s))) if s.probes else []


class ScanIndex(PositionIndex):
    """Every indexed shape is a candidate: rapidfuzz's process.extract ranks them all (in C)."""

    def __init__(self) -> None:
        super().__init__()
        self._positions: list[int] = []

    def add(self, position: int, s: Shape) -> None:
        super().add(position, s)
        self._positions.append(position)

    def candidates(self, s: Shape) -> list[int]:
        return self._positions


# ---- library figures -------------------------------------------------------------


def ratio_figures(posts: Sequence[Post]) -> tuple[float, float]:
    """µs per pair: rapidfuzz.fuzz.ratio and the standard library's difflib (the same measure)."""
    rng = random.Random(5)
    keys = [shape(post.text).key for post in rng.sample(list(posts), 2000)]
    pairs_ = list(zip(keys, keys[1:]))
    started = time.perf_counter()
    for a, b in pairs_:
        fuzz.ratio(a, b)
    fast = (time.perf_counter() - started) / len(pairs_) * 1e6
    started = time.perf_counter()
    for a, b in pairs_:
        difflib.SequenceMatcher(None, a, b).ratio()
    slow = (time.perf_counter() - started) / len(pairs_) * 1e6
    return fast, slow


def stemmer_figures(posts: Sequence[Post]) -> tuple[float, float]:
    """µs per word, Italian and English: PyStemmer (C) and snowballstemmer's pure-Python classes
    (its `stemmer()` hands over to PyStemmer when that is installed), same Snowball algorithms."""
    import Stemmer
    from snowballstemmer import english_stemmer, italian_stemmer

    vocabulary = sorted({word for post in posts[:20_000] for word in words(post.text)})
    timings = []
    for stemmers in (
        [Stemmer.Stemmer("italian", 0), Stemmer.Stemmer("english", 0)],  # no cache: every word stemmed
        [italian_stemmer.ItalianStemmer(), english_stemmer.EnglishStemmer()],
    ):
        started = time.perf_counter()
        for stemmer in stemmers:
            for word in vocabulary:
                stemmer.stemWord(word)
        timings.append((time.perf_counter() - started) / (2 * len(vocabulary)) * 1e6)
    return timings[0], timings[1]


def stop_word_figures() -> list[str]:
    """List sizes and which of the corpus's content words (the families' slot values) each drops."""
    import stopwordsiso
    from stop_words import get_stop_words

    slot_words = sorted({w for _, slots in FAMILY_TEMPLATES for values in slots.values() for value in values for w in words(value)})
    lines = []
    for name, lists in (
        ("stop-words", [set(get_stop_words("it")), set(get_stop_words("en"))]),
        ("stopwordsiso", [set(stopwordsiso.stopwords("it")), set(stopwordsiso.stopwords("en"))]),
    ):
        union = set().union(*lists)
        dropped = [word for word in slot_words if word in union]
        lines.append(f"{name}: {len(lists[0])} it + {len(lists[1])} en; drops {len(dropped)}/{len(slot_words)} slot words {dropped[:6]}")
    return lines


# ---- the run ------------------------------------------------------------------------


def row(figure: str, value: str, baseline: str = "—", target: str = "—", met: object = None) -> Row:
    return {"figure": figure, "value": value, "baseline": baseline, "target": target, "met": met}


def run(quick: bool = False) -> list[Row]:
    count = 20_000 if quick else 170_000
    sample = 5_000 if quick else 20_000
    rows: list[Row] = []
    log = lambda message: print(f"  triage: {message}", file=sys.stderr, flush=True)  # noqa: E731
    log(f"generating {count:,} posts, seeds 1 and 2")
    sessions = {seed: generate(seed, count) for seed in (1, 2)}
    posts = sessions[1]
    log(f"qtime ingest --once of the {len(posts):,} posts without, then with, grouping on arrival (the baseline)")
    plain, grouped = ingest_pair(posts)
    ingest = plain.seconds
    base = baseline_seconds(posts)
    rows.append(row(
        f"qtime ingest --once of the {len(posts):,}-post file with grouping on arrival (group.join events in the same commits)",
        f"{grouped.seconds:.1f} s, {grouped.cpu:.1f} s CPU; {grouped.seconds / plain.seconds:.2f}x ingest without"
        f" ({grouped.cpu / plain.cpu:.2f}x its CPU time)",
        f"the same ingest without grouping: {plain.seconds:.1f} s, {plain.cpu:.1f} s CPU",
        "at most 2x", grouped.seconds <= 2 * plain.seconds))
    log("grouping seed 1")
    timed = run_grouper(posts, Grouper())
    per_q = timed.seconds / len(posts) * 1e6
    tail = timed.per_add_ns[-len(posts) // 17 :]  # the last ~10k of 170k
    rows.append(row(
        f"grouping {len(posts):,} questions (Grouper.add, one at a time)",
        f"{timed.seconds:.1f} s ({per_q:.0f} µs/question, {len(posts) / timed.seconds:,.0f}/s); {timed.seconds / ingest:.2f}x ingest",
        f"ingest of the same posts without triage: {ingest:.1f} s; parse + clean each line: {base:.2f} s ({base / len(posts) * 1e6:.1f} µs/question)",
        "at most ~1x ingest", timed.seconds <= ingest * 1.1))
    rows.append(row(
        f"one more question at {len(posts):,} (last {len(tail):,} adds)",
        f"median {statistics.median(tail) / 1e6:.3f} ms, p95 {percentile(tail, 0.95):.3f} ms, p99 {percentile(tail, 0.99):.3f} ms, max {max(tail) / 1e6:.1f} ms",
        f"all adds: p95 {percentile(timed.per_add_ns, 0.95):.3f} ms", "p95 under 1 ms", percentile(tail, 0.95) < 1.0))
    rows.append(row(f"grouper memory at {len(posts):,}", f"{timed.memory / len(posts):.0f} bytes/question ({timed.memory / 2**20:.0f} MB)"))
    for seed, session in sessions.items():
        groups = timed.groups if seed == 1 else run_grouper(session, Grouper()).groups
        q = quality(session, groups)
        label = "seed 1" if seed == 1 else "seed 2, held out"
        sizes = Counter(groups)
        rows.append(row(f"pairwise precision, {label}", f"{q.precision:.5f}", "", "≥ 0.98", q.precision >= 0.98))
        rows.append(row(
            f"pairwise recall, {label}", f"{q.recall_decidable:.4f} (every copy, even cut before the words that tell two questions apart: {q.recall:.4f})",
            "", "≥ 0.95", q.recall_decidable >= 0.95))
        rows.append(row(
            f"near misses merged (one content word apart), {label}",
            f"{q.near_miss_pairs:,} pairs" + (f", e.g. {q.near_miss_examples[0][0]!r} + {q.near_miss_examples[0][1]!r}" if q.near_miss_examples else ""),
            f"{sum(1 for n in sizes.values() if n > 1):,} groups of 2+; {len(set(p.family for p in session)):,} families"))
        if seed == 1:
            worst = sorted(q.recall_by_change.items(), key=lambda item: item[1])
            rows.append(row("copies in their family's group, by change (seed 1)", ", ".join(f"{c} {r:.3f}" for c, r in worst)))
    log("comparing candidate searches")
    rows += compare_candidates(posts[:sample])
    log("library figures")
    fast, slow = ratio_figures(posts)
    rows.append(row("similarity: rapidfuzz fuzz.ratio per pair", f"{fast:.2f} µs ({slow / fast:.0f}x faster)", f"difflib.SequenceMatcher.ratio: {slow:.1f} µs"))
    c, python = stemmer_figures(posts)
    rows.append(row("Snowball stemming per word (it + en): PyStemmer", f"{c:.2f} µs ({python / c:.0f}x faster)", f"snowballstemmer (pure Python): {python:.1f} µs"))
    for line in stop_word_figures():
        rows.append(row("stop-word lists", line))
    rows += topics_and_rules(posts)
    return rows


def compare_candidates(posts: Sequence[Post]) -> list[Row]:
    rows = []
    results = {}
    for name, index in (("rare-stem index (chosen)", RareStemIndex()), ("datasketch MinHash LSH, 64 perms, t=0.5", MinHashIndex()), ("scan: rapidfuzz over every indexed text", ScanIndex())):
        timed = run_grouper(posts, Grouper(index))
        q = quality(posts, timed.groups)
        results[name] = timed.seconds
        rows.append(row(
            f"candidate search on {len(posts):,} questions: {name}",
            f"{timed.seconds / len(posts) * 1e6:.0f} µs/question, p95 {percentile(timed.per_add_ns, 0.95):.2f} ms; precision {q.precision:.4f}, recall {q.recall_decidable:.4f}",
            "rare-stem index" if name.startswith("rare") else f"{timed.seconds / next(iter(results.values())):.1f}x the rare-stem index's time"))
    return rows


def topics_and_rules(posts: Sequence[Post]) -> list[Row]:
    matcher = TopicMatcher([parse_topic(line) for line in (
        "jobs: job, jobs, lavoro, unemployment, wages", "taxes: tax, taxes, tasse", "budget: budget, deficit, debt",
        "rete: fibra, adsl, 4g, banda larga, digital divide", "education: college, school, scuole, student loans")])
    started = time.perf_counter()
    shares = matcher.shares(post.text for post in posts)
    topic_us = (time.perf_counter() - started) / len(posts) * 1e6
    holder = Holder(HoldRules(blocked_words=("idiot", "stupid", "idiota", "vaffa"), flood_authors=20, flood_minutes=5))
    started = time.perf_counter()
    held: Counter[tuple[str, bool]] = Counter()
    for post in posts:
        hold = holder.check(post.author, post.text, post.at)
        if hold:
            held[hold.rule, post.kind == "spam"] += 1
    rules_us = (time.perf_counter() - started) / len(posts) * 1e6
    spam = sum(post.kind == "spam" for post in posts)
    caught = sum(n for (_, is_spam), n in held.items() if is_spam)
    by_rule = ", ".join(f"{rule}: {n:,} {'spam' if is_spam else 'other'}" for (rule, is_spam), n in sorted(held.items()))
    return [
        row("topic match per question (5 topics, 23 keywords)", f"{topic_us:.1f} µs"),
        row("topic shares (generated session)", ", ".join(f"{name} {share:.0%}" for name, share in shares.items())),
        row("hold rules per question (flood: 20 accounts in 5 min)", f"{rules_us:.1f} µs; held {by_rule}",
            f"{caught:,} of {spam:,} spam posts held; the 'other' floods are plain (not RT) copies of the most asked questions"),
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.run import report

    parser = argparse.ArgumentParser(prog="python -m bench.triage_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k questions instead of 170k")
    args = parser.parse_args(argv)
    report("qtime triage benchmarks", run(args.quick), args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
