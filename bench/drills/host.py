"""The scripted host for the concurrency drill: drafts and answers approved questions.

    python bench/drills/host.py --store S --operations N

For each approved question it saves a draft, then adds an answer (two
operations), printing `draft|answer<TAB>QID<TAB>COMMIT_TIME` after each
commit, flushed.
"""
from __future__ import annotations

import argparse
import sys
import time

from store.errors import ActionError
from store.session_store import SessionStore


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--operations", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=300.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.seconds
    session = SessionStore.open(args.store, actor="host")
    done = 0
    while done < args.operations and time.monotonic() < deadline:
        session.refresh()
        ready = [q.id for q in session.state.questions.values() if q.status == "approved"]
        if not ready:
            time.sleep(0.02)
            continue
        for qid in ready[: (args.operations - done) // 2 or 1]:
            session.save_draft(qid, f"Drafting an answer to {qid}")
            print(f"draft\t{qid}\t{time.time():.6f}", flush=True)
            done += 1
            if done >= args.operations:
                break
            try:
                session.add_answer(qid, f"Answer to {qid}", [f"Answer to {qid}"], "x")
            except ActionError:  # answered meanwhile by someone else: not ours to count
                continue
            print(f"answer\t{qid}\t{time.time():.6f}", flush=True)
            done += 1
    session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
