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
        # Output goes to files, not pipes: a pipe nobody reads fills up after
        # 64 kB and silently stops the process writing to it.
        outputs = {name: (Path(folder) / f"{name}.out", Path(folder) / f"{name}.err")
                   for name in ("watcher", "ingest", "moderator", "host")}
        handles = {name: (out.open("w"), err.open("w")) for name, (out, err) in outputs.items()}

        def files(name: str) -> dict[str, object]:
            return {"stdout": handles[name][0], "stderr": handles[name][1]}

        watcher = script(HERE / "watcher.py", "--store", str(store), **files("watcher"))
        ingest = qtime("ingest", "--store", str(store), "--source", f"file:{source}", **files("ingest"))
        moderator = script(MODERATOR, "--store", str(store), "--approvals", str(operations), "--seconds", "300", **files("moderator"))
        host = script(HERE / "host.py", "--store", str(store), "--operations", str(operations), **files("host"))
        for start in range(0, operations, 100):
            write_posts(source, start, 100)
            time.sleep(0.02)
        moderator.wait(timeout=600)
        host.wait(timeout=600)
        time.sleep(1.0)  # the watcher's last polls
        for process in (ingest, watcher):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        for out, err in handles.values():
            out.close()
            err.close()
        text = {name: (out.read_text(), err.read_text()) for name, (out, err) in outputs.items()}
        (mod_out, mod_err), (host_out, host_err), (watch_out, watch_err), (_, ingest_err) = (
            text["moderator"], text["host"], text["watcher"], text["ingest"])
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
