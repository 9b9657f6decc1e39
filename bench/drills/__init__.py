"""Fault drills: `python -m bench.drills [--quick] [--only NAME ...]` prints one table.

Kill, concurrency, disk-full/read-only, network and hostile-corpus drills run
real processes and servers against real files; none runs under pytest.
"""
