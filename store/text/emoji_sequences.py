"""Emoji sequences as X counts them: each one weighs as a single emoji.

twitter-text v3 finds emoji with twemoji-parser, whose pattern is built
from the list of recommended (RGI) emoji: ZWJ sequences, flags, keycaps,
tag sequences and skin-tone modifiers each match as one emoji. The `emoji`
package carries the same list for current Unicode. twemoji-parser also
insists that an emoji which is text by default (© ® ☺ ...) be followed by
U+FE0F before it counts as emoji, so a lone one is left to the per-character
weights here too.
"""
from __future__ import annotations

import emoji
import regex

# Any character that could begin or join an emoji sequence, outside ASCII
# (keycaps need U+20E3, which is in the set). Texts without one skip the scan.
_MAYBE_EMOJI = regex.compile(r"[[\p{Emoji}\p{Emoji_Component}]--[\x00-\x7f]]", regex.V1)
_EMOJI_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")


def find_emoji(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the emoji sequences in ``text``, in order."""
    if _MAYBE_EMOJI.search(text) is None:
        return []
    spans = []
    for found in emoji.emoji_list(text):
        start, end = found["match_start"], found["match_end"]
        if end - start == 1 and not _EMOJI_PRESENTATION.match(text, start):
            continue  # text-style emoji without U+FE0F: counted as a character
        spans.append((start, end))
    return spans
