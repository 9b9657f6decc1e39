"""A scripted moderator: approves new questions in a loop, one commit at a time.

    python tests/workers/moderator.py --store S [--approvals N] [--seconds T] [--actor A]

After each approval is committed (fsynced to the journal) it prints
`QID<TAB>COMMIT_TIME` to stdout and flushes, so a test or drill that kills
it at any instant knows every approval it must find in the store. It stops
after N approvals or T seconds, whichever comes first.
"""
from __future__ import annotations

import argparse
import sys
import time

from store.session_store import SessionStore


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--approvals", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--actor", default="moderator")
    args = parser.parse_args()
    deadline = time.monotonic() + args.seconds
    session = SessionStore.open(args.store, actor=args.actor)
    seen = 0  # questions before this index were already looked at (arrival order)
    approved = 0
    while approved < args.approvals and time.monotonic() < deadline:
        session.refresh()
        ids = list(session.state.questions)
        pending = [qid for qid in ids[seen:] if session.state.questions[qid].status == "new"]
        seen = len(ids)
        if not pending:
            time.sleep(0.02)
            continue
        for qid in pending:
            session.approve(qid)
            print(f"{qid}\t{time.time():.6f}", flush=True)
            approved += 1
            if approved >= args.approvals or time.monotonic() >= deadline:
                break
    session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
