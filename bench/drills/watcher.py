"""Watches a store the way the app does (`refresh()` every 0.4 s) and prints what it saw, when.

    python bench/drills/watcher.py --store S

Prints `ACTION<TAB>QID<TAB>SEEN_TIME` for every approve and answer.add
committed by another process, flushed, until SIGTERM.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from store.session_store import SessionStore

POLL_EVERY = 0.4  # the app's poll interval (tui/app.py POLL_EVERY)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    session = SessionStore.open(args.store, actor="watcher")
    while not stop.is_set():
        events = session.refresh()
        seen = time.time()
        for event in events:
            if event["action"] in ("approve", "answer.add"):
                print(f"{event['action']}\t{event['qid']}\t{seen:.6f}", flush=True)
        stop.wait(POLL_EVERY)
    return 0


if __name__ == "__main__":
    sys.exit(main())
