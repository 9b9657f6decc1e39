"""Counting posts exactly as each platform does, composing and splitting them.

A pure library: no UI, no network. `count` measures a text; `compose`
builds the post that will really be sent (mention, answer, hashtag) and
counts it; `split_thread` cuts an answer that does not fit into a numbered
thread.
"""
from .compose import Post, compose
from .measure import CountResult, count
from .profiles import Profile, profile_for
from .split import split_thread

__all__ = ["CountResult", "Post", "Profile", "compose", "count", "profile_for", "split_thread"]
