"""Splitting an answer that does not fit into a numbered thread.

The number of parts comes first: the fewest that fit, found by filling each
part as far as it goes (which is optimal for "fewest") with the numbering
`` k/n`` counted. With that number fixed, each part then ends at the latest
sentence end it can reach, provided the rest still fits in the parts left,
and a last part of a lone word takes words back from the part before.

Breaks fall in whitespace (never inside a URL, mention or hashtag, which
hold none) or after CJK sentence punctuation; a word longer than a whole
part is cut between grapheme clusters. Every candidate part is measured by
composing it for real, so each part's count is the platform's.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import regex

from .compose import Post, build_post, compose
from .profiles import Profile

_GRAPHEME = regex.compile(r"\X")
_SENTENCE_END = regex.compile(r"[.!?…‼⁇⁈⁉。！？][\"'”’»)\]]*$")
_CJK_SENTENCE_END = frozenset("。！？")


@dataclass(frozen=True)
class _Break:
    end: int  # where the part before it ends
    resume: int  # where the next part starts
    sentence: bool


def split_thread(
    answer: str,
    profile: Profile,
    *,
    mention: str | None = None,
    hashtag: str | None = None,
) -> tuple[Post, ...]:
    """The answer as one post if it fits, else as the fewest numbered posts that do.

    The mention goes in the first part only, the hashtag in every part that
    does not already hold it. Raises ValueError when the mention, numbering
    and hashtag leave no room for even one character.
    """
    whole = compose(answer, profile, mention=mention, hashtag=hashtag)
    if whole.result.over_at is None or not answer.strip():
        return (whole,)
    estimate = -(-whole.result.length // profile.limit)  # at least this many parts
    return _Splitter(answer, profile, mention, hashtag).posts(max(2, estimate))


class _Splitter:
    def __init__(self, answer: str, profile: Profile, mention: str | None, hashtag: str | None) -> None:
        self.answer = answer
        self.profile = profile
        self.mention = mention
        self.hashtag = hashtag
        clusters = [(m.start(), m.end()) for m in _GRAPHEME.finditer(answer)]
        self.bounds = [start for start, _ in clusters] + [len(answer)]
        content = [span for span in clusters if not answer[span[0]:span[1]].isspace()]
        self.low = content[0][0] if content else 0
        self.high = content[-1][1] if content else 0
        self.breaks = self._find_breaks(clusters)
        self.break_ends = [brk.end for brk in self.breaks]
        self._fits: dict[tuple[int, int, bool, int, int], bool] = {}

    def _find_breaks(self, clusters: list[tuple[int, int]]) -> list[_Break]:
        breaks: list[_Break] = []
        run_start: int | None = None
        for start, end in clusters:
            if self.answer[start:end].isspace():
                if run_start is None:
                    run_start = start
                continue
            if run_start is not None and self.low < run_start:
                before = self.answer[max(self.low, run_start - 8):run_start]
                sentence = "\n" in self.answer[run_start:start] or bool(_SENTENCE_END.search(before))
                breaks.append(_Break(run_start, start, sentence))
            run_start = None
            if self.answer[end - 1] in _CJK_SENTENCE_END and end < self.high:
                next_char = self.answer[end] if end < len(self.answer) else ""
                if next_char and not next_char.isspace():
                    breaks.append(_Break(end, end, True))
        return breaks

    def posts(self, count: int) -> tuple[Post, ...]:
        """The thread, starting from a guess at its number of parts."""
        for _ in range(len(self.bounds) + 2):
            parts = self._greedy(self.low, 1, count)
            if len(parts) == count:
                break
            count = len(parts)
        parts = self._prefer_sentences(count)
        parts = self._fix_widow(parts, count)
        return tuple(
            build_post(
                self.answer[start:end], self.profile,
                mention=self.mention if number == 1 else None, hashtag=self.hashtag,
                numbering=f" {number}/{count}",
            )
            for number, (start, end) in enumerate(parts, 1)
        )

    def fits(self, start: int, end: int, number: int, count: int) -> bool:
        """Whether answer[start:end] fits as part ``number`` of ``count``."""
        # Digits weigh the same everywhere, so only the numbering's width matters.
        key = (start, end, number == 1, len(str(number)), len(str(count)))
        if key not in self._fits:
            post = build_post(
                self.answer[start:end], self.profile,
                mention=self.mention if number == 1 else None, hashtag=self.hashtag,
                numbering=f" {number}/{count}",
            )
            self._fits[key] = post.result.over_at is None
        return self._fits[key]

    def _furthest(self, start: int, number: int, count: int) -> tuple[int, int]:
        """End of the longest part from ``start``, and where the next one starts."""
        first = bisect_right(self.break_ends, start)
        options = [(brk.end, brk.resume) for brk in self.breaks[first:]] + [(self.high, self.high)]
        best = self._last_fitting([end for end, _ in options], start, number, count)
        if best is not None:
            return options[best]
        # Even the first word is too long: cut it between grapheme clusters.
        word_end = options[0][0]
        inner = self.bounds[bisect_right(self.bounds, start):bisect_right(self.bounds, word_end - 1)]
        cut = self._last_fitting(inner, start, number, count)
        if cut is None:
            raise ValueError(
                f"limit {self.profile.limit} leaves no room for the answer beside the mention, "
                "numbering and hashtag"
            )
        return inner[cut], inner[cut]

    def _last_fitting(self, ends: list[int], start: int, number: int, count: int) -> int | None:
        """Index of the furthest end in ``ends`` that fits (lengths grow with the end).

        Galloping from the nearest end, then bisecting, measures texts about
        the size of one part rather than the whole rest of the answer.
        """
        if not ends or not self.fits(start, ends[0], number, count):
            return None
        good, step, bad = 0, 1, len(ends)
        while good + step < bad:
            if self.fits(start, ends[good + step], number, count):
                good, step = good + step, step * 2
            else:
                bad = good + step
        while bad - good > 1:
            middle = (good + bad) // 2
            if self.fits(start, ends[middle], number, count):
                good = middle
            else:
                bad = middle
        return good

    def _greedy(self, start: int, number: int, count: int, most: int | None = None) -> list[tuple[int, int]]:
        """Fill each part as far as it goes; stop early past ``most`` parts."""
        parts: list[tuple[int, int]] = []
        while start < self.high and (most is None or len(parts) <= most):
            end, resume = self._furthest(start, number + len(parts), count)
            parts.append((start, end))
            start = resume
        return parts

    def _prefer_sentences(self, count: int) -> list[tuple[int, int]]:
        parts: list[tuple[int, int]] = []
        start = self.low
        for number in range(1, count + 1):
            if number == count:
                parts.append((start, self.high))
                break
            end, resume = self._furthest(start, number, count)
            if end < self.high and not self._is_sentence_break(end):
                for brk in reversed(self.breaks[bisect_right(self.break_ends, start):]):
                    if brk.end > end or not brk.sentence:
                        continue
                    left = count - number
                    if len(self._greedy(brk.resume, number + 1, count, most=left)) <= left:
                        end, resume = brk.end, brk.resume
                    break  # an earlier sentence end leaves even more for the rest
            parts.append((start, end))
            start = resume
        return parts

    def _is_sentence_break(self, end: int) -> bool:
        index = bisect_right(self.break_ends, end) - 1
        return index >= 0 and self.breaks[index].end == end and self.breaks[index].sentence

    def _fix_widow(self, parts: list[tuple[int, int]], count: int) -> list[tuple[int, int]]:
        """Give a last part that is a single word company from the part before."""
        if len(parts) < 2:
            return parts
        (prev_start, prev_end), (last_start, last_end) = parts[-2], parts[-1]
        if any(char.isspace() for char in self.answer[last_start:last_end]):
            return parts
        if prev_end == last_start:  # a long word cut in two: even the halves out
            middle = self.bounds[bisect_right(self.bounds, (prev_start + last_end) // 2) - 1]
            if prev_start < middle < last_start and self.fits(middle, last_end, count, count):
                return parts[:-2] + [(prev_start, middle), (middle, last_end)]
            return parts
        inside = [
            brk for brk in self.breaks
            if prev_start < brk.end and brk.resume < last_start
        ]
        for brk in sorted(inside, key=lambda b: (b.sentence, b.end), reverse=True):
            if self.fits(brk.resume, last_end, count, count):
                return parts[:-2] + [(prev_start, brk.end), (brk.resume, last_end)]
        return parts
