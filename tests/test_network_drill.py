"""The quick network drill (`python -m bench.drills --quick --only network`) meets every target.

Every source and publisher against a local server injecting timeouts,
resets, 429s, 5xx, slow drips, bad and 50 MB bodies and a cross-host
redirect: each survives, retries by the policy, never sends its token to
the other host and never posts twice (see `bench/drills/network.py`).
"""
from __future__ import annotations

import pytest

from bench.drills import network

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def test_the_quick_network_drill_meets_every_target() -> None:
    rows = network.run(quick=True)
    missed = [f"{r['figure']}: {r['value']}" for r in rows if r["met"] is not True]
    assert len(rows) > len(network.CASES) and not missed, "\n".join(missed)
