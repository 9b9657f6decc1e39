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

import regex

# Emoji sequences are made only of Emoji and Emoji_Component characters
# (ZWJ, U+FE0F, keycap digits, skin tones, tags...). Only runs of those that
# hold something beyond ASCII are handed to the emoji tokenizer.
_EMOJI_RUN = regex.compile(
    r"[\p{Emoji}\p{Emoji_Component}]*"
    r"[[\p{Emoji}\p{Emoji_Component}]--[\x00-\x7f]]"
    r"[\p{Emoji}\p{Emoji_Component}]*",
    regex.V1,
)
_EMOJI_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")


def find_emoji(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the emoji sequences in ``text``, in order."""
    spans = []
    for run in _EMOJI_RUN.finditer(text):
        import emoji  # here: its data takes 40 ms to load, and most texts (an empty draft) hold no emoji

        for found in emoji.emoji_list(run.group()):
            start, end = run.start() + found["match_start"], run.start() + found["match_end"]
            if end - start == 1 and not _EMOJI_PRESENTATION.match(text, start):
                continue  # text-style emoji without U+FE0F: counted as a character
            spans.append((start, end))
    return spans
