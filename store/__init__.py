"""questiontime's core: the session model, its durable store, text rules and exports.

Imports neither Textual nor httpx (an import-linter contract and a test check it).
"""
