"""Map offsets in a normalised text back to the text as published.

Normalisation replaces spans of the published text (sorted, non-overlapping); each row says
where (published offsets) and with what. Offsets outside every replacement shift by the length
changes before them; an offset inside a replacement snaps outward to the replacement's edges.
"""

from __future__ import annotations

from typing import Any


def published_span(changes: list[dict[str, Any]], start: int, end: int) -> tuple[int, int]:
    """(start, end) in the normalised text -> (start, end) in the published text."""
    ordered = sorted(changes, key=lambda c: c["start"])
    return _to_published(ordered, start, is_end=False), _to_published(ordered, end, is_end=True)


def _to_published(ordered: list[dict[str, Any]], pos: int, is_end: bool) -> int:
    """`pos` in the published text; `ordered`: the changes sorted by start."""
    delta = 0  # published offset minus normalised offset, past the changes seen so far
    for ch in ordered:
        n_start = ch["start"] - delta
        n_end = n_start + len(ch["replacement"])
        if pos <= n_start:
            break
        if pos < n_end:
            return ch["end"] if is_end else ch["start"]
        delta = ch["end"] - n_end
    return pos + delta
