"""Concurrency drill: ingest, moderator and host processes on one store, and a watcher.

The ingest follows a file the drill appends to (N questions in small
chunks); the moderator approves each as it arrives; the host drafts and
answers approved ones. Each writer prints its commits with a timestamp and a
fourth process polls `refresh()` as the app does, printing when it saw each
approval and answer. Lost updates are checked in a fresh process at the end.
"""
from __future__ import annotations

import signal
import statistics
import sys
import subprocess
import tempfile
import time
from pathlib import Path

from bench.drills.common import MODERATOR, Row, complete_lines, qtime, row, script, write_posts
from store.session_store import SessionStore

HERE = Path(__file__).parent


def run(quick: bool = False) -> list[Row]:
    operations = 1_000 if quick else 10_000
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qtime-concurrency-") as folder:
        store = Path(folder) / "session.json"
        source = Path(folder) / "posts.jsonl"
        source.touch()
        SessionStore.open(store).close()
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        watcher = script(HERE / "watcher.py", "--store", str(store), **pipes)
        ingest = qtime("ingest", "--store", str(store), "--source", f"file:{source}", **pipes)
        moderator = script(MODERATOR, "--store", str(store), "--approvals", str(operations), "--seconds", "300", **pipes)
        host = script(HERE / "host.py", "--store", str(store), "--operations", str(operations), **pipes)
        for start in range(0, operations, 100):
            write_posts(source, start, 100)
            time.sleep(0.02)
        mod_out, mod_err = moderator.communicate(timeout=600)
        host_out, host_err = host.communicate(timeout=600)
        time.sleep(1.0)  # the watcher's last polls
        for process in (ingest, watcher):
            process.send_signal(signal.SIGTERM)
        ingest_out, ingest_err = ingest.communicate(timeout=60)
        watch_out, watch_err = watcher.communicate(timeout=60)
        errors = [e for e in (mod_err, host_err, watch_err) if e.strip()] + ([ingest_err] if ingest.returncode else [])
        for error in errors:
            print(f"  worker error: {error.strip()[-1500:]}", file=sys.stderr)

        final = SessionStore.open(store, actor="drill")
        questions = final.state.questions
        approvals = {line.split("\t")[0]: float(line.split("\t")[1]) for line in complete_lines(mod_out)}
        host_lines = [line.split("\t") for line in complete_lines(host_out)]
        answers = {qid: float(at) for kind, qid, at in host_lines if kind == "answer"}
        drafts = {qid for kind, qid, _ in host_lines if kind == "draft"}
        lost = sum(1 for qid in approvals if questions.get(qid) is None or questions[qid].status not in ("approved", "answered"))
        lost += sum(1 for qid in answers if qid not in final.state.answers or questions[qid].status != "answered")
        lost += sum(1 for qid in drafts if qid not in answers and final.draft(qid) != f"Drafting an answer to {qid}")
        lost += abs(len(questions) - operations)
        lags = []
        unseen = 0
        seen = {(a, q): float(t) for a, q, t in (line.split("\t") for line in complete_lines(watch_out))}
        for action, committed in (("approve", approvals), ("answer.add", answers)):
            for qid, at in committed.items():
                if (action, qid) in seen:
                    lags.append(seen[action, qid] - at)
                else:
                    unseen += 1
    seconds = time.perf_counter() - started
    drill = f"concurrency drill (ingest {len(questions):,} questions, {len(approvals):,} approvals, {len(host_lines):,} host ops; {seconds:.0f} s)"
    slowest = max(lags) if lags else float("nan")
    return [
        row(drill, "lost updates (questions, approvals, drafts, answers)", lost, "0", lost == 0),
        row(drill, "changes never seen by the watcher", unseen, "0", unseen == 0),
        row(drill, f"slowest time to see another process's change ({len(lags):,} changes; median {statistics.median(lags) if lags else float('nan'):.2f} s)",
            f"{slowest:.2f} s", "under 1 s", slowest < 1.0),
        row(drill, "worker errors", len(errors), "0", not errors),
    ]
