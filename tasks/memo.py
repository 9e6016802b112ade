"""The stages' per-process caches of a one-argument function: a dict that computes what it lacks
and empties itself when full.

Why not `functools.lru_cache`: a hit here is a plain dict lookup done in C, and the cache holds no
list per entry, so the garbage collector, which walks lru_cache's entries on every full
collection, has nothing more to track when the values are strings, numbers or tuples of them.
Emptying all at once when full, instead of evicting the least recently used entry, keeps the
bound with no bookkeeping on hits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class BoundedMemo(dict):
    """`memo(key)` is `fn(key)`, remembered until the memo holds `maxsize` results."""

    __slots__ = ("fn", "maxsize")

    def __init__(self, fn: Callable[[Any], Any], maxsize: int):
        super().__init__()
        self.fn = fn
        self.maxsize = maxsize

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self.maxsize:
            self.clear()
        value = self[key] = self.fn(key)
        return value

    __call__ = dict.__getitem__  # a hit never leaves C
    cache_clear = dict.clear


def bounded_memo(maxsize: int) -> Callable[[Callable[[Any], Any]], BoundedMemo]:
    """Decorator form: `@bounded_memo(4096)` over a function of one hashable argument."""
    return lambda fn: BoundedMemo(fn, maxsize)
