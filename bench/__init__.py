"""Benchmarks and drills: `python -m bench` prints the figures, `python -m bench.drills` the fault drills.

Nothing here runs under pytest (no `test_` names; pytest's testpaths is
`tests/`). Each figure is printed next to a baseline measured in the same
run, so the ratio holds on a busy machine.
"""
