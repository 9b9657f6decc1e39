"""Kill drill: `kill -9` a real `qtime ingest` and the scripted moderator at random instants.

Each round starts both on one store, kills one or both at a random moment,
then checks with a fresh process's eyes: the store loads, no temp file is
left, the question count never went down, and every approval the moderator
printed (it prints only after the commit) is in the store.
"""
from __future__ import annotations

import random
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.drills.common import MODERATOR, Row, complete_lines, files_parse, qtime, row, script, temp_files, write_posts
from store.errors import StoreError
from store.session_store import SessionStore


def run(quick: bool = False) -> list[Row]:
    kills_wanted = 30 if quick else 300
    rng = random.Random(9)
    failed_loads = lost = temps = went_down = kills = 0
    printed: set[str] = set()
    count = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qtime-kill-") as folder:
        store = Path(folder) / "session.json"
        source = write_posts(Path(folder) / "posts.jsonl", 0, 5_000 if quick else 20_000)
        SessionStore.open(store).close()
        round_ = 0
        while kills < kills_wanted:
            round_ += 1
            # More questions each round, so the moderator always has work.
            write_posts(source, 10**6 + round_ * 200, 200)
            ingest = qtime("ingest", "--store", str(store), "--source", f"file:{source}", "--once",
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            printed_file = Path(folder) / f"moderator-{round_}.out"  # a file: a full pipe would stall it
            with printed_file.open("w") as out_handle:
                moderator = script(MODERATOR, "--store", str(store), "--seconds", "30",
                                   stdout=out_handle, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 1.2))
            victims = rng.choice([(ingest,), (moderator,), (ingest, moderator)])
            for process in victims:
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    kills += 1
            for process in (ingest, moderator):
                if process not in victims:
                    process.send_signal(signal.SIGKILL)  # the survivor too: next round starts clean
            ingest.wait()
            moderator.wait()
            printed.update(line.split("\t")[0] for line in complete_lines(printed_file.read_text()))
            if files_parse(store) is not None:
                failed_loads += 1
                continue
            try:
                session = SessionStore.open(store, actor="drill")
            except StoreError:
                failed_loads += 1
                continue
            temps += len(temp_files(store))
            questions = session.state.questions
            went_down += len(questions) < count
            count = len(questions)
            lost = sum(1 for qid in printed if qid not in questions or questions[qid].status != "approved")
    seconds = time.perf_counter() - started
    drill = f"kill drill ({kills} kill -9s in {round_} rounds, {seconds:.0f} s)"
    return [
        row(drill, "store failed to load", failed_loads, "0", failed_loads == 0),
        row(drill, f"committed approvals lost (of {len(printed):,} printed)", lost, "0", lost == 0),
        row(drill, f"question count went down (ended at {count:,})", went_down, "0", went_down == 0),
        row(drill, "temp files left after open", temps, "0", temps == 0),
    ]
