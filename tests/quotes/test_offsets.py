"""Mapping quote offsets in the normalised text back to the published text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tasks.quotes.offsets import published_span


def _normalise(segments: list[tuple[str, str | None]]) -> tuple[str, str, list[dict], list[int], list[int]]:
    """Published and normalised texts from segments (text, replacement or None), with boundaries."""
    published = normalised = ""
    changes, p_bounds, n_bounds = [], [0], [0]
    for text, repl in segments:
        if repl is not None:
            changes.append({"start": len(published), "end": len(published) + len(text), "replacement": repl})
        published += text
        normalised += text if repl is None else repl
        p_bounds.append(len(published))
        n_bounds.append(len(normalised))
    return published, normalised, changes, p_bounds, n_bounds


def test_span_after_a_longer_replacement_shifts_back():
    published = "Mr Zelenskyy said: “We will win.”"
    changes = [{"start": 3, "end": 12, "replacement": "Zelensky", "original": "Zelenskyy"}]
    normalised = "Mr Zelensky said: “We will win.”"
    start = normalised.index("We")
    end = normalised.index("win.") + 4
    s, e = published_span(changes, start, end)
    assert published[s:e] == "We will win."


def test_span_cutting_into_a_replacement_widens_to_it():
    published = "Kiev said"
    changes = [{"start": 0, "end": 4, "replacement": "Kyiv"}]
    assert published_span(changes, 1, 3) == (0, 4)


words = st.text(alphabet="abc ", min_size=1, max_size=5)


@given(st.lists(st.tuples(words, st.one_of(st.none(), st.text(alphabet="XYZ", min_size=0, max_size=6))), min_size=1, max_size=8), st.data())
def test_segment_boundaries_map_exactly(segments, data):
    published, normalised, changes, p_bounds, n_bounds = _normalise(segments)
    i = data.draw(st.integers(0, len(segments)))
    j = data.draw(st.integers(i, len(segments)))
    s, e = published_span(changes, n_bounds[i], n_bounds[j])
    # empty replacements make boundaries coincide; any of the coinciding published points is fine
    ok_s = {p_bounds[k] for k in range(len(n_bounds)) if n_bounds[k] == n_bounds[i]}
    ok_e = {p_bounds[k] for k in range(len(n_bounds)) if n_bounds[k] == n_bounds[j]}
    assert s in ok_s and e in ok_e
