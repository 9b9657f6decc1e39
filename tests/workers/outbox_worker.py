"""Send a store's pending outbox parts to the accounts in the environment, then print their states.

    python tests/workers/outbox_worker.py STORE

The kill test runs it against a local server, SIGKILLs it mid-thread, and
runs it again; the secrets test runs it to capture what it prints.
"""
from __future__ import annotations

import asyncio
import os
import sys

from store.session_store import SessionStore
from tui.platforms.accounts import connected_publishers
from tui.platforms.outbox import Outbox


def main(path: str) -> int:
    store = SessionStore.open(path, actor="outbox-worker", create=False)
    outbox = Outbox(store, connected_publishers(os.environ), backoff=(0.01, 0.05))
    print(f"publishing as {', '.join(p.account for p in outbox.publishers)}", flush=True)
    asyncio.run(outbox.send_pending())
    for part in store.state.outbox.values():
        print(f"{part.id} {part.state} {part.remote_id} {part.reason}", flush=True)
    print(f"status: {outbox.status}; rate limits: {outbox.rate_limit}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
