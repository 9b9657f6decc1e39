"""Triage engines for a big session, with no UI: near-duplicate groups, topics, hold rules.

Everything here is a pure function of the questions given, in the order
given, so every process that replays the same input reaches the same
groups, topics and holds (ARCHITECTURE.md, "Teamwork: one session, several people").
"""
