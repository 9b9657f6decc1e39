"""Benchmark: what the drafting pane's counter costs per keystroke.

Each keystroke composes the post (mention, answer, hashtag) and counts it,
so that is what is timed, on a 280-character draft, per profile. Run
``python bench/counter.py`` (``--quick`` for fewer runs).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.text import compose, profile_for

TARGET_MS = 1.0
PLAIN = (
    "Yes: the session runs every Thursday at 18:00 UTC, and anyone can ask. "
    "We answer in order of votes, then time asked. Recordings go up the next "
    "day on the project site, with links to each answer. If you missed one, "
    "reply to the recap thread and we will pick it up next week. Thanks all!"
)[:280]
MIXED = (
    "Great question 🙌🏽 see https://example.com/docs/faq?id=42 and example.org "
    "for the details. Short version: 日本語も大丈夫です。 The 👨‍👩‍👧‍👦 plan covers "
    "four people, 🇺🇦 pricing differs. Ask @nerthase if stuck! Más información: "
    "café, naïve, coöperate. More at http://t.co/abc123 ✅ done."
)
PROFILES = ("x", "classic", "mastodon", "bluesky", "custom")


def _median_ms(profile_name: str, draft: str, runs: int) -> float:
    profile = profile_for(profile_name, limit=280 if profile_name == "custom" else None)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        compose(draft, profile, mention="@asker", hashtag="twittertime")
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def run(quick: bool = False) -> list[dict]:
    """One row per profile (plus an emoji/URL/CJK-heavy draft for x)."""
    runs = 200 if quick else 2000
    cases = [(name, PLAIN, f"{len(PLAIN)}-char draft, {name}") for name in PROFILES]
    cases.append(("x", MIXED, f"{len(MIXED)}-char draft with URLs, emoji, CJK, x"))
    rows = []
    for name, draft, label in cases:
        _median_ms(name, draft, 20)  # warm caches and compiled patterns
        median = _median_ms(name, draft, runs)
        rows.append({
            "figure": f"counter cost per keystroke ({label})",
            "value": f"{median:.3f} ms median",
            "baseline": "—",
            "target": f"median under {TARGET_MS:g} ms",
            "met": median < TARGET_MS,
        })
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv[1:]):
        print(f"{row['figure']}: {row['value']} (target {row['target']}; {'met' if row['met'] else 'NOT met'})")
