"""One copy of what many records hold alike, for a session's memory.

At 100,000 questions every byte a question holds is 100 kB. Most questions
have no tags, no expanded links and an empty `reply_ref`: they share one
empty list and one empty dict (`NO_ITEMS`, `NO_FIELDS`) instead of holding
three containers of their own (176 bytes). Records are never changed in
place (`store.state`), and these two refuse to be: an `append` raises
instead of tagging every question at once.
"""
from __future__ import annotations

from typing import Any, NoReturn


def _refuse(*_: object, **__: object) -> NoReturn:
    raise TypeError("a record's list or dict is shared and never changed in place: build a new one")


class FrozenList(list[Any]):
    """An empty list that cannot change (a record's empty `tags`, `links`)."""

    __slots__ = ()
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[type[list[Any]], tuple[()]]:
        return list, ()  # a copy or a pickle is an ordinary list


class FrozenDict(dict[str, Any]):
    """An empty dict that cannot change (a record's empty `reply_ref`)."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[()]]:
        return dict, ()


NO_ITEMS: list[Any] = FrozenList()
NO_FIELDS: dict[str, Any] = FrozenDict()


def no_items() -> list[Any]:
    """The default of a record's list that is usually empty."""
    return NO_ITEMS


def no_fields() -> dict[str, Any]:
    """The default of a record's dict that is usually empty."""
    return NO_FIELDS
