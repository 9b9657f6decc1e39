"""A host in another process: claims a question and stays on the session until killed.

    python tests/workers/host.py --store S --qid Q [--actor A]

Prints `claimed` once its claim is committed, then keeps its presence fresh
(the heartbeat the session service commits) until it is killed, as a real
host's `qtime --role host` does while its person types the answer.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store.session_store import SessionStore
from tui.service.session import SessionService


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--qid", required=True)
    parser.add_argument("--actor", default="host")
    args = parser.parse_args()
    service = SessionService(SessionStore.open(args.store, actor=args.actor), role="host")
    service.claim(args.qid)
    print("claimed", flush=True)
    service.watch(0.2)  # heartbeats until killed
    return 0


if __name__ == "__main__":
    sys.exit(main())
